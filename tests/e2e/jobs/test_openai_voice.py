"""Issue 12's "done when": with ``TTS_PROVIDER=openai`` and ``OPENAI_BASE_URL`` pointing at a server
on 127.0.0.1 that speaks OpenAI's audio API, a job through the real app has each scene's speech at
its scene's start under the music bed, a -14 LUFS mix and captions at the voice times; the speech
server failing behaves as SPEC §8 says (retried by the SDK on 5xx; otherwise the job fails at
``media_generation`` naming the scene, and ``retry`` resumes it).

The voice the fake server answers is a 997 Hz tone, so it is measured in its own narrow band
under the music (the bed has no steady tone there).
"""

from __future__ import annotations

import asyncio
import io
import wave
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest
import webvtt
from litestar.testing import AsyncTestClient

from entrypoints.container import build_container, close_container
from entrypoints.http.app import create_app
from tests.e2e.conftest import Api
from tests.e2e.jobs.test_voice_fit import act_and_wait, outputs, storyboard
from tests.integration.ai.fake_provider import FakeProvider, Reply, error_reply
from tests.integration.audio.measure import lufs
from tests.sealed import SealedSettings

SPEECH_PATH = "/v1/audio/speech"
KEY = "sk-test-VOICE-0123456789abcdef"
VOICE_HZ = 997.0
VOICE_SECONDS = 1.0
LEAD_IN = 0.15
RATE = 48_000
SCRIPTS = ("Grip everywhere.", "Mud, rock and rain.", "Run today.")


def speech_wav() -> bytes:
    """What the fake server says: 1 s of a 997 Hz tone, 24 kHz mono 16-bit (OpenAI's WAV)."""
    t = np.arange(int(VOICE_SECONDS * 24_000)) / 24_000
    pcm = (0.3 * np.sin(2 * np.pi * VOICE_HZ * t) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(24_000)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


SPOKEN = Reply(body=speech_wav(), headers={"content-type": "audio/wav"})


@pytest.fixture
def speech_server() -> Iterator[FakeProvider]:
    server = FakeProvider().start()
    server.script(SPEECH_PATH, SPOKEN)
    yield server
    server.stop()


@pytest.fixture
async def openai_voice(
    own_backend_url: str, tmp_path: Path, speech_server: FakeProvider
) -> AsyncIterator[Api]:
    settings = SealedSettings(
        database_url=own_backend_url,
        data_dir=tmp_path / "data",
        jwt_secret="test-secret-" + "x" * 32,
        tts_provider="openai",
        openai_api_key=KEY,
        openai_base_url=f"{speech_server.base_url}/v1",
    )
    container = build_container(settings)
    async with AsyncTestClient(create_app(container)) as client:
        runner = container.task_runner()
        for _ in range(2400):  # jobs other tests left behind are resumed at start-up
            if not runner.running:
                break
            await asyncio.sleep(0.05)
        api = Api(client, container, {}, {})
        api.alice = await api.new_tenant("openai-voice")
        yield api
    await close_container(container)


def audio_of(mp4: bytes) -> npt.NDArray[np.float32]:
    with av.open(io.BytesIO(mp4)) as container:
        stream = container.streams.audio[0]
        assert (stream.codec_context.name, stream.sample_rate, stream.layout.name) == ("aac", RATE, "stereo")
        planes = [frame.to_ndarray() for frame in container.decode(stream)]
    return np.concatenate(planes, axis=1).T.astype(np.float32)


def band(audio: npt.NDArray[np.float32], start: float, seconds: float = 0.02) -> float:
    """Level (dB) of the voice's 997 Hz in ``seconds`` of audio from ``start``."""
    first = int(start * RATE)
    mono = audio[first : first + int(seconds * RATE)].mean(axis=1).astype(np.float64)
    t = np.arange(len(mono)) / RATE
    level = 2 * abs(np.sum(mono * np.exp(-2j * np.pi * VOICE_HZ * t))) / max(1, len(mono))
    return float(20 * np.log10(level + 1e-12))


def voice_onset(audio: npt.NDArray[np.float32], after: float, heard: float) -> float:
    """The first 20 ms window from ``after`` where the 997 Hz band is within 10 dB of ``heard``."""
    step = 0.005
    at = after
    while at < len(audio) / RATE:
        if band(audio, at) > heard - 10:
            return at
        at += step
    return float("inf")


async def test_each_scene_is_spoken_by_the_openai_voice_at_its_start_over_the_bed(
    openai_voice: Api, speech_server: FakeProvider
) -> None:
    # the server is overloaded once: the SDK retries the 500 and the job never notices
    speech_server.script(SPEECH_PATH, error_reply(500, "overloaded"), SPOKEN)
    jid = await storyboard(openai_voice, SCRIPTS, music_style="upbeat electronic")
    job = await act_and_wait(openai_voice, jid, "approve")
    assert job["status"] == "completed", job["error"]
    mp4, vtt = await outputs(openai_voice, jid)

    sent = speech_server.requests_to(SPEECH_PATH)
    assert [r.body["input"] for r in sent] == [SCRIPTS[0], *SCRIPTS], "the first one asked twice"
    assert {r.body["model"] for r in sent} == {"gpt-4o-mini-tts"}
    assert {r.headers["authorization"] for r in sent} == {f"Bearer {KEY}"}
    audio = audio_of(mp4)
    assert abs(lufs(audio) - (-14.0)) <= 1.0
    scenes = sorted(job["scenes"], key=lambda s: s["sceneNumber"])
    starts = [sum(s["duration"] for s in scenes[:i]) for i in range(len(scenes))]
    for start in starts:
        heard = band(audio, start + LEAD_IN + 0.3, 0.4)
        gap = band(audio, start + LEAD_IN + VOICE_SECONDS + 0.15, 0.4)
        assert heard - gap > 20, "the voice is loud in its scene and gone after it"
        assert abs(voice_onset(audio, max(0.0, start - 0.1), heard) - (start + LEAD_IN)) <= 0.05
    cues = webvtt.from_string(vtt).captions
    assert [c.text for c in cues] == list(SCRIPTS)
    for cue, start in zip(cues, starts, strict=True):
        assert abs(cue.start_time.in_milliseconds() - (start + LEAD_IN) * 1000) <= 1
        assert abs(cue.end_time.in_milliseconds() - (start + LEAD_IN + VOICE_SECONDS) * 1000) <= 25
    assert job["cost"]["breakdown"]["speech"] > 0


async def test_a_refused_key_fails_the_job_at_media_generation_and_retry_resumes_it(
    openai_voice: Api, speech_server: FakeProvider
) -> None:
    speech_server.script(SPEECH_PATH, error_reply(401, f"Incorrect API key provided: {KEY}"))
    jid = await storyboard(openai_voice, SCRIPTS)

    failed = await act_and_wait(openai_voice, jid, "approve")

    assert failed["status"] == "failed"
    assert (failed["errorCode"], failed["failedStep"]) == ("media_generation_failed", "media_generation")
    assert "scene 1" in failed["error"]
    assert KEY not in failed["error"]
    assert failed["videoUrl"] is None
    speech_server.script(SPEECH_PATH, SPOKEN)
    done = await act_and_wait(openai_voice, jid, "retry")
    assert done["status"] == "completed", done["error"]
    mp4, _ = await outputs(openai_voice, jid)
    audio = audio_of(mp4)
    assert band(audio, LEAD_IN + 0.3, 0.4) - band(audio, LEAD_IN + VOICE_SECONDS + 0.15, 0.4) > 20
