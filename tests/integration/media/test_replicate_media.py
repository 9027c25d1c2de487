"""The Replicate adapters driven through the official client against a fake predictions API."""

from __future__ import annotations

import asyncio
import base64
from collections import deque
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import av
import pytest
from PIL import Image

from adapters.fetch.httpx_fetcher import HttpxBlobFetcher
from adapters.media.outputs import OutputStaging
from adapters.media.polling import Backoff
from adapters.media.replicate_client import ReplicatePredictions
from adapters.media.replicate_media import ReplicateImageGenerator, ReplicateVideoGenerator
from tests.integration.media.conftest import staged_files, until
from tests.integration.media.fake_http import FakeHttpServer
from tests.integration.media.fake_replicate import TOKEN, FakeReplicate, problem, sent_input
from tests.integration.media.media_files import png
from v3core.errors import ContentRefused, RateLimited, UpstreamError, UpstreamTimeout
from v3core.ports.media import ImageGenerator, ImageRequest, VideoGenerator, VideoRequest
from v3core.testing.contracts import ImageGeneratorContract, VideoGeneratorContract

FAST = Backoff(initial=0.01, factor=2.0, cap=0.05)
IMAGE = ImageRequest(
    prompt="A trail shoe on wet granite, morning light",
    negative_prompt="competitor logos, text",
    width=1280,
    height=720,
    aspect_ratio="16:9",
    seed=7,
)


def video_request(
    first_frame: str | None = None, duration: float = 5.0, aspect: str = "16:9"
) -> VideoRequest:
    return VideoRequest(
        prompt="Slow push-in on the sole gripping rock",
        negative_prompt="competitor logos",
        duration=duration,
        aspect_ratio=aspect,
        width=1280,
        height=720,
        first_frame=first_frame,
    )


Make = Callable[..., ReplicatePredictions]


@pytest.fixture
async def predictions(replicate_server: FakeHttpServer) -> AsyncIterator[Make]:
    made: list[ReplicatePredictions] = []

    def make(token: str = TOKEN) -> ReplicatePredictions:
        made.append(ReplicatePredictions(token, replicate_server.base_url, request_timeout=5.0))
        return made[-1]

    yield make
    for client in made:
        await client.aclose()


def images(make: Make, staging: OutputStaging, **options: object) -> ReplicateImageGenerator:
    settings: dict[str, object] = {"unit_price": 0.003, "timeout_seconds": 5.0, "backoff": FAST}
    settings.update(options)
    return ReplicateImageGenerator(make(), "black-forest-labs/flux-schnell", staging, **settings)  # type: ignore[arg-type]


def videos(
    make: Make, staging: OutputStaging, model: str = "google/veo-3.1", **options: object
) -> ReplicateVideoGenerator:
    settings: dict[str, object] = {"unit_price": 0.2, "timeout_seconds": 5.0, "backoff": FAST}
    settings.update(options)
    return ReplicateVideoGenerator(make(), model, staging, **settings)  # type: ignore[arg-type]


async def test_an_image_prediction_on_an_official_model_yields_the_servers_png(
    predictions: Make, staging: OutputStaging, replicate_api: FakeReplicate, replicate_server: FakeHttpServer
) -> None:
    replicate_api.script.output = ["/media/frame.png"]

    media = await images(predictions, staging).generate(IMAGE)

    (create,) = replicate_server.seen("POST", "/predictions")
    assert create.path == "/v1/models/black-forest-labs/flux-schnell/predictions"
    assert "prefer" not in create.headers  # we poll; no blocking ``Prefer: wait``
    sent = sent_input(create)
    assert sent["aspect_ratio"] == "16:9"
    assert sent["seed"] == 7
    assert "competitor logos" in sent["prompt"]
    assert len(replicate_server.seen("GET", "/v1/predictions/")) >= 1
    with Image.open(media.staged.path) as image:
        assert image.size == (64, 36)
    assert media.staged.info is not None
    assert media.staged.info.format == "png"
    assert (media.provider, media.model, media.cost) == ("replicate", "black-forest-labs/flux-schnell", 0.003)


async def test_a_clip_from_a_pinned_version_sends_the_first_frame_and_yields_a_decodable_video(
    predictions: Make,
    staging: OutputStaging,
    replicate_server: FakeHttpServer,
    tmp_path: Path,
) -> None:
    frame = tmp_path / "frame"
    frame.write_bytes(png())

    generator = videos(predictions, staging, model="acme/i2v:5f0c1a")
    media = await generator.generate(video_request(first_frame=str(frame)))

    (create,) = replicate_server.seen("POST", "/predictions")
    assert create.path == "/v1/predictions"
    assert create.json()["version"] == "5f0c1a"
    image = sent_input(create)["image"]
    assert image == "data:image/png;base64," + base64.b64encode(png()).decode()
    with av.open(media.staged.path) as container:
        frames = list(container.decode(video=0))
    assert len(frames) == 12
    assert (frames[0].width, frames[0].height) == (64, 36)


async def test_veo_on_replicate_is_asked_for_a_covering_length_and_the_jobs_orientation(
    predictions: Make, staging: OutputStaging, replicate_server: FakeHttpServer
) -> None:
    generator = videos(predictions, staging)
    request = video_request(duration=5.0, aspect="4:5")

    media = await generator.generate(request)

    sent = sent_input(replicate_server.seen("POST", "/predictions")[0])
    assert sent["duration"] == 6
    assert sent["aspect_ratio"] == "9:16"
    assert sent["negative_prompt"] == "competitor logos"
    assert sent["generate_audio"] is False
    assert generator.price(request) == pytest.approx(6 * 0.2)
    assert media.cost == pytest.approx(1.2)


async def test_a_wrong_token_is_an_upstream_error_that_does_not_repeat_the_token(
    predictions: Make, staging: OutputStaging
) -> None:
    with pytest.raises(UpstreamError, match="401") as caught:
        await images(lambda: predictions("r8_wrong_token_abcdefgh"), staging).generate(IMAGE)
    assert "r8_wrong" not in caught.value.message


async def test_invalid_input_422_fails_at_once_with_the_providers_reason(
    predictions: Make, staging: OutputStaging, replicate_api: FakeReplicate, replicate_server: FakeHttpServer
) -> None:
    replicate_api.script.create_errors = deque([problem(422, "duration must be one of 4, 6, 8")])

    with pytest.raises(UpstreamError, match="duration must be one of") as caught:
        await videos(predictions, staging).generate(video_request())

    assert not isinstance(caught.value, ContentRefused)
    assert len(replicate_server.seen("POST", "/predictions")) == 1


async def test_a_429_is_retried_after_the_wait_the_provider_asked_for(
    predictions: Make, staging: OutputStaging, replicate_api: FakeReplicate, replicate_server: FakeHttpServer
) -> None:
    replicate_api.script.output = "/media/frame.png"
    replicate_api.script.create_errors = deque([problem(429, "throttled", {"Retry-After": "1"})])

    media = await images(predictions, staging).generate(IMAGE)

    assert media.staged.info is not None
    first, second = replicate_server.seen("POST", "/predictions")
    # the second try waited the 1 s asked for, not the adapter's own 10-50 ms backoff
    assert second.at - first.at >= 0.95


async def test_a_429_that_persists_is_rate_limited_with_retry_after(
    predictions: Make, staging: OutputStaging, replicate_api: FakeReplicate, replicate_server: FakeHttpServer
) -> None:
    replicate_api.script.create_errors = deque([problem(429, "throttled", {"Retry-After": "0"})] * 3)

    with pytest.raises(RateLimited) as caught:
        await images(predictions, staging, max_retries=2).generate(IMAGE)

    assert caught.value.retry_after == 0.0
    assert len(replicate_server.seen("POST", "/predictions")) == 3


async def test_a_5xx_is_retried_a_bounded_number_of_times_then_reported(
    predictions: Make, staging: OutputStaging, replicate_api: FakeReplicate, replicate_server: FakeHttpServer
) -> None:
    replicate_api.script.create_errors = deque([problem(500, "internal error")] * 5)

    with pytest.raises(UpstreamError, match="500"):
        await images(predictions, staging, max_retries=2).generate(IMAGE)

    assert len(replicate_server.seen("POST", "/predictions")) == 3


async def test_one_503_then_success_generates(
    predictions: Make, staging: OutputStaging, replicate_api: FakeReplicate
) -> None:
    replicate_api.script.output = "/media/frame.png"
    replicate_api.script.create_errors = deque([problem(503, "overloaded")])

    media = await images(predictions, staging).generate(IMAGE)

    assert media.staged.size > 0


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        ("failed", "CUDA out of memory", "failed: CUDA out of memory"),
        ("canceled", None, "was canceled"),
    ],
)
async def test_a_prediction_that_ends_failed_or_canceled_is_an_upstream_error(
    predictions: Make,
    staging: OutputStaging,
    replicate_api: FakeReplicate,
    status: str,
    error: str | None,
    expected: str,
) -> None:
    replicate_api.script.final_status, replicate_api.script.error = status, error

    with pytest.raises(UpstreamError, match=expected) as caught:
        await videos(predictions, staging).generate(video_request())

    assert not isinstance(caught.value, ContentRefused)


@pytest.mark.parametrize(
    "error",
    [
        "NSFW content detected. Try running it again, or try a different prompt.",
        "The input or output was flagged as sensitive. Please try again with different inputs. (E005)",
    ],
)
async def test_a_safety_failure_is_a_content_refusal(
    predictions: Make, staging: OutputStaging, replicate_api: FakeReplicate, error: str
) -> None:
    replicate_api.script.output = "/media/frame.png"
    replicate_api.script.final_status, replicate_api.script.error = "failed", error

    with pytest.raises(ContentRefused, match="content policy"):
        await images(predictions, staging).generate(IMAGE)


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("/media/gone.mp4", "404"),
        ("/media/page.html", "html content where a video was expected"),
        ("/media/sound.m4a", "where a video was expected"),
        ("/media/frame.png", "png content where a video was expected"),
    ],
)
async def test_an_output_that_is_missing_or_not_a_video_is_an_upstream_error_and_leaves_nothing(
    predictions: Make,
    staging: OutputStaging,
    staging_dir: Path,
    replicate_api: FakeReplicate,
    output: str,
    expected: str,
) -> None:
    replicate_api.script.output = output

    with pytest.raises(UpstreamError, match=expected):
        await videos(predictions, staging).generate(video_request())

    assert staged_files(staging_dir) == []


async def test_outputs_on_private_addresses_are_refused_by_the_production_fetcher(
    predictions: Make, staging: OutputStaging, staging_dir: Path
) -> None:
    guarded = HttpxBlobFetcher(staging.stager, timeout_seconds=5.0)  # the production default
    production = OutputStaging(guarded, staging.stager, staging.inspector)
    try:
        with pytest.raises(UpstreamError, match="loopback"):
            await images(predictions, production).generate(IMAGE)
    finally:
        await guarded.aclose()
    assert staged_files(staging_dir) == []


async def test_a_prediction_that_never_ends_times_out_and_is_cancelled_upstream(
    predictions: Make, staging: OutputStaging, replicate_api: FakeReplicate, replicate_server: FakeHttpServer
) -> None:
    replicate_api.script.polls = None

    with pytest.raises(UpstreamTimeout, match=r"0\.3 s"):
        await videos(predictions, staging, timeout_seconds=0.3).generate(video_request())

    (prediction,) = replicate_api.predictions.values()
    assert replicate_api.cancelled_ids(replicate_server.seen("POST", "/cancel")) == [prediction["id"]]
    assert prediction["status"] == "canceled"


async def test_cancelling_the_task_cancels_the_prediction_upstream(
    predictions: Make, staging: OutputStaging, replicate_api: FakeReplicate, replicate_server: FakeHttpServer
) -> None:
    replicate_api.script.polls = None
    task = asyncio.create_task(videos(predictions, staging, timeout_seconds=30.0).generate(video_request()))
    await until(lambda: replicate_server.seen("GET", "/v1/predictions/"))

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    (prediction,) = replicate_api.predictions.values()
    assert replicate_api.cancelled_ids(replicate_server.seen("POST", "/cancel")) == [prediction["id"]]
    assert prediction["status"] == "canceled"


async def test_a_prediction_that_succeeded_is_not_cancelled(
    predictions: Make, staging: OutputStaging, replicate_server: FakeHttpServer
) -> None:
    await videos(predictions, staging).generate(video_request())

    assert replicate_server.seen("POST", "/cancel") == []


async def test_a_failing_poll_is_reported_and_the_prediction_cancelled_upstream(
    predictions: Make, staging: OutputStaging, replicate_api: FakeReplicate, replicate_server: FakeHttpServer
) -> None:
    replicate_api.script.polls = None
    replicate_api.script.poll_errors = deque([problem(500, "internal error")])

    with pytest.raises(UpstreamError, match="500"):
        await videos(predictions, staging).generate(video_request())

    (prediction,) = replicate_api.predictions.values()
    assert prediction["status"] == "canceled"


async def test_an_unreachable_api_is_an_upstream_error(staging: OutputStaging) -> None:
    client = ReplicatePredictions(TOKEN, "http://127.0.0.1:9", request_timeout=2.0)
    generator = ReplicateImageGenerator(
        client,
        "black-forest-labs/flux-schnell",
        staging,
        unit_price=0.003,
        timeout_seconds=5.0,
        backoff=FAST,
    )
    try:
        with pytest.raises(UpstreamError, match="could not be reached"):
            await generator.generate(IMAGE)
    finally:
        await generator.aclose()


class TestReplicateImagesContract(ImageGeneratorContract):
    """The adapter through the contract adapter authors use (the fake answers one 64x36 PNG)."""

    honours_orientation = False

    @pytest.fixture
    def image_generator(
        self, predictions: Make, staging: OutputStaging, replicate_api: FakeReplicate
    ) -> ImageGenerator:
        replicate_api.script.output = ["/media/frame.png"]
        return images(predictions, staging)


class TestReplicateVideosContract(VideoGeneratorContract):
    @pytest.fixture
    def video_generator(self, predictions: Make, staging: OutputStaging) -> VideoGenerator:
        return videos(predictions, staging, model="acme/i2v:5f0c1a")


async def test_a_clip_over_the_download_cap_is_refused_and_leaves_nothing(
    predictions: Make, small_staging: OutputStaging, replicate_api: FakeReplicate, staging_dir: Path
) -> None:
    replicate_api.script.output = "/media/clip.mp4"

    with pytest.raises(UpstreamError, match="limit of 1000 bytes"):
        await videos(predictions, small_staging).generate(video_request())

    assert staged_files(staging_dir) == []
