"""Speech adapters: OpenAI's speech API through the official SDK against a fake server on
127.0.0.1 (success and its failures), and the local espeak-ng binary."""

from __future__ import annotations

import asyncio
import io
import shutil
import wave
from collections.abc import Iterator

import numpy as np
import pytest

from adapters.audio.signal import decode
from adapters.audio.speech import EspeakSynthesizer, OpenAISpeechSynthesizer
from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.staging import TempFileStager
from tests.integration.ai.fake_provider import FakeProvider, Reply, error_reply
from tests.integration.audio.measure import RATE, rms_db
from v3core.errors import RateLimited, UpstreamError
from v3core.ports.media import SpeechRequest, SpeechSynthesizer
from v3core.testing.contracts import SpeechSynthesizerContract

SPEECH_PATH = "/v1/audio/speech"
KEY = "sk-test-SPEECH-0123456789abcdef"


def _wav(seconds: float) -> bytes:
    t = np.arange(int(seconds * 24_000)) / 24_000
    pcm = (0.3 * np.sin(2 * np.pi * 200 * t) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(24_000)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    server = FakeProvider().start()
    yield server
    server.stop()


def _openai(
    fake: FakeProvider, stager: TempFileStager, inspector: MediaContentInspector
) -> OpenAISpeechSynthesizer:
    return OpenAISpeechSynthesizer(
        api_key=KEY,
        model="gpt-4o-mini-tts",
        stager=stager,
        inspector=inspector,
        base_url=f"{fake.base_url}/v1",
        max_retries=1,
        timeout_seconds=5,
    )


def test_openai_speech_returns_the_servers_audio_and_sends_the_script(
    fake: FakeProvider, stager: TempFileStager, inspector: MediaContentInspector
) -> None:
    fake.script(SPEECH_PATH, Reply(body=_wav(1.5), headers={"content-type": "audio/wav"}))
    synth = _openai(fake, stager, inspector)
    media = asyncio.run(synth.synthesize(SpeechRequest("Grip on any ground.", "alloy", 1.1)))
    (sent,) = fake.requests_to(SPEECH_PATH)
    assert sent.body["input"] == "Grip on any ground."
    assert sent.body["voice"] == "alloy"
    assert sent.body["model"] == "gpt-4o-mini-tts"
    assert sent.body["speed"] == 1.1
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    audio = decode(media.staged.path)
    assert abs(len(audio) / RATE - 1.5) < 0.02
    assert media.provider == "openai"
    assert media.cost > 0


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, UpstreamError), (400, UpstreamError), (429, RateLimited), (500, UpstreamError)],
)
def test_openai_speech_failures_become_domain_errors_without_the_key(
    fake: FakeProvider, stager: TempFileStager, inspector: MediaContentInspector, status: int, error: type
) -> None:
    fake.script(SPEECH_PATH, error_reply(status, f"failure {status} for {KEY}"))
    with pytest.raises(error) as raised:
        asyncio.run(_openai(fake, stager, inspector).synthesize(SpeechRequest("Hi", "alloy")))
    assert KEY not in str(raised.value)


def test_openai_speech_that_sends_a_web_page_is_an_upstream_error(
    fake: FakeProvider, stager: TempFileStager, inspector: MediaContentInspector
) -> None:
    page = b"<!doctype html><html><body>maintenance</body></html>"
    fake.script(SPEECH_PATH, Reply(body=page, headers={"content-type": "audio/wav"}))
    with pytest.raises(UpstreamError, match="audio was expected"):
        asyncio.run(_openai(fake, stager, inspector).synthesize(SpeechRequest("Hi", "alloy")))


needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng not installed (.ci/run installs it)"
)


@needs_espeak
def test_espeak_speaks_the_script(stager: TempFileStager, inspector: MediaContentInspector) -> None:
    media = asyncio.run(
        EspeakSynthesizer(stager, inspector).synthesize(
            SpeechRequest("--help Shop the trail shoe now.", "default")
        )
    )
    audio = decode(media.staged.path)
    assert 1.0 < len(audio) / RATE < 6.0  # seven words, spoken (not the --help text)
    assert rms_db(audio) > -35
    assert media.cost == 0.0


class TestOpenAISpeechContract(SpeechSynthesizerContract):
    speech_voice = "alloy"

    @pytest.fixture
    def speech_synthesizer(
        self, fake: FakeProvider, stager: TempFileStager, inspector: MediaContentInspector
    ) -> SpeechSynthesizer:
        fake.script(SPEECH_PATH, Reply(body=_wav(1.5), headers={"content-type": "audio/wav"}))
        return _openai(fake, stager, inspector)
