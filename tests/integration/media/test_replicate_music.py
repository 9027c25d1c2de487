"""MusicGen on Replicate (MUSIC_PROVIDER=replicate) through the official client against the fake
predictions API: the bed the server made comes back as audio; its failures are domain errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.audio.signal import RATE, decode
from adapters.media.outputs import OutputStaging
from adapters.media.polling import Backoff
from adapters.media.replicate_client import ReplicatePredictions
from adapters.media.replicate_media import ReplicateMusicGenerator
from tests.integration.media.fake_http import FakeHttpServer
from tests.integration.media.fake_replicate import TOKEN, FakeReplicate, sent_input
from v3core.errors import UpstreamError, UpstreamTimeout
from v3core.ports.media import MusicGenerator, MusicRequest
from v3core.testing.contracts import MusicGeneratorContract

FAST = Backoff(initial=0.01, factor=2.0, cap=0.05)


@pytest.fixture
async def music(
    replicate_server: FakeHttpServer, staging: OutputStaging
) -> AsyncIterator[ReplicateMusicGenerator]:
    predictions = ReplicatePredictions(TOKEN, replicate_server.base_url, request_timeout=5.0)
    yield ReplicateMusicGenerator(
        predictions, "meta/musicgen", staging, unit_price=0.002, timeout_seconds=3.0, backoff=FAST
    )
    await predictions.aclose()


async def test_musicgen_returns_the_servers_track_for_the_style(
    music: ReplicateMusicGenerator, replicate_api: FakeReplicate, replicate_server: FakeHttpServer
) -> None:
    replicate_api.script.output = "/media/music.wav"

    media = await music.compose(MusicRequest("upbeat electronic", 12.4, seed=3))

    (create,) = replicate_server.seen("POST", "/predictions")
    assert create.path == "/v1/models/meta/musicgen/predictions"
    sent = sent_input(create)
    assert sent["prompt"] == "upbeat electronic"
    assert sent["duration"] == 13
    assert sent["output_format"] == "wav"
    audio = decode(media.staged.path)
    assert abs(len(audio) / RATE - 2.0) < 0.02  # the fake's 2 s chord, resampled to 48 kHz
    assert media.cost == pytest.approx(13 * 0.002)


async def test_a_failed_musicgen_prediction_is_an_upstream_error(
    music: ReplicateMusicGenerator, replicate_api: FakeReplicate
) -> None:
    replicate_api.script.final_status = "failed"
    replicate_api.script.error = "CUDA out of memory"
    with pytest.raises(UpstreamError, match="CUDA out of memory"):
        await music.compose(MusicRequest("calm acoustic", 10))


async def test_a_web_page_where_music_was_expected_is_an_upstream_error(
    music: ReplicateMusicGenerator, replicate_api: FakeReplicate
) -> None:
    replicate_api.script.output = "/media/page.html"
    with pytest.raises(UpstreamError, match="audio was expected"):
        await music.compose(MusicRequest("calm acoustic", 10))


async def test_a_prediction_that_never_ends_is_cancelled_at_the_deadline(
    music: ReplicateMusicGenerator, replicate_api: FakeReplicate, replicate_server: FakeHttpServer
) -> None:
    replicate_api.script.polls = None  # processing forever
    with pytest.raises(UpstreamTimeout):
        await music.compose(MusicRequest("cinematic", 10))
    assert replicate_api.cancelled_ids(replicate_server.seen("POST", "/cancel"))


class TestReplicateMusicContract(MusicGeneratorContract):
    @pytest.fixture
    def music_generator(self, music: ReplicateMusicGenerator, replicate_api: FakeReplicate) -> MusicGenerator:
        replicate_api.script.output = "/media/music.wav"
        return music
