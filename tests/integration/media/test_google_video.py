"""The Veo adapter driven through the official google-genai SDK against a fake Gemini API."""

from __future__ import annotations

import asyncio
import base64
from collections import deque
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import av
import pytest

from adapters.media.google_gemini import GeminiVeo
from adapters.media.google_video import GoogleVideoGenerator
from adapters.media.outputs import OutputStaging
from adapters.media.polling import Backoff
from tests.integration.media.conftest import staged_files, until
from tests.integration.media.fake_gemini import KEY, FakeGemini, google_error
from tests.integration.media.fake_http import FakeHttpServer, Reply
from tests.integration.media.media_files import png
from v3core.errors import ContentRefused, RateLimited, UpstreamError, UpstreamTimeout
from v3core.ports.media import VideoGenerator, VideoRequest
from v3core.testing.contracts import VideoGeneratorContract

FAST = Backoff(initial=0.01, factor=2.0, cap=0.05)
MODEL = "veo-3.1-generate-preview"
Make = Callable[..., GoogleVideoGenerator]


def request(first_frame: str | None = None, duration: float = 5.0, aspect: str = "9:16") -> VideoRequest:
    return VideoRequest(
        prompt="Aerial pull-out over a ridge at sunrise",
        negative_prompt="competitor logos",
        duration=duration,
        aspect_ratio=aspect,
        width=720,
        height=1280,
        first_frame=first_frame,
    )


@pytest.fixture
async def make(gemini_server: FakeHttpServer, staging: OutputStaging) -> AsyncIterator[Make]:
    made: list[GoogleVideoGenerator] = []

    def build(key: str = KEY, timeout: float = 5.0, retries: int = 2) -> GoogleVideoGenerator:
        veo = GeminiVeo(key, gemini_server.base_url, request_timeout=5.0)
        made.append(
            GoogleVideoGenerator(
                veo,
                MODEL,
                staging,
                price_per_second=0.4,
                timeout_seconds=timeout,
                max_retries=retries,
                backoff=FAST,
            )
        )
        return made[-1]

    yield build
    for generator in made:
        await generator.aclose()


async def test_a_clip_is_submitted_polled_downloaded_and_decodes(
    make: Make, gemini_server: FakeHttpServer, tmp_path: Path
) -> None:
    frame = tmp_path / "frame"
    frame.write_bytes(png())
    generator = make()

    media = await generator.generate(request(first_frame=str(frame)))

    (submit,) = gemini_server.seen("POST", ":predictLongRunning")
    assert submit.path == f"/v1beta/models/{MODEL}:predictLongRunning"
    body = submit.json()
    assert body["instances"][0]["image"] == {
        "bytesBase64Encoded": base64.b64encode(png()).decode(),
        "mimeType": "image/png",
    }
    assert body["parameters"]["aspectRatio"] == "9:16"
    assert body["parameters"]["durationSeconds"] == 6
    assert body["parameters"]["negativePrompt"] == "competitor logos"
    assert len(gemini_server.seen("GET", "/operations/")) >= 2
    with av.open(media.staged.path) as container:
        assert len(list(container.decode(video=0))) == 12
    assert (media.provider, media.model) == ("google", MODEL)
    assert media.cost == pytest.approx(6 * 0.4)
    assert generator.price(request(duration=12)) == pytest.approx(8 * 0.4)


async def test_an_invalid_key_is_an_upstream_error_without_the_key(make: Make) -> None:
    with pytest.raises(UpstreamError, match="API key") as caught:
        await make(key="AIza-wrong-0123456789abcdef").generate(request())
    assert "AIza-wrong" not in caught.value.message


async def test_a_401_is_an_upstream_error(make: Make, gemini_api: FakeGemini) -> None:
    gemini_api.script.create_errors = deque(
        [google_error(401, "Request had invalid credentials.", "UNAUTHENTICATED")]
    )

    with pytest.raises(UpstreamError, match="401"):
        await make().generate(request())


async def test_a_422_is_an_upstream_error_with_the_reason(
    make: Make, gemini_api: FakeGemini, gemini_server: FakeHttpServer
) -> None:
    gemini_api.script.create_errors = deque(
        [google_error(422, "durationSeconds out of range", "INVALID_ARGUMENT")]
    )

    with pytest.raises(UpstreamError, match="durationSeconds out of range") as caught:
        await make().generate(request())

    assert not isinstance(caught.value, ContentRefused)
    assert len(gemini_server.seen("POST")) == 1


async def test_a_429_is_retried_after_the_servers_retry_delay(
    make: Make, gemini_api: FakeGemini, gemini_server: FakeHttpServer
) -> None:
    retry_info = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.05s"}
    gemini_api.script.create_errors = deque(
        [google_error(429, "Quota exceeded", "RESOURCE_EXHAUSTED", [retry_info])]
    )

    media = await make().generate(request())

    assert media.staged.size > 0
    assert len(gemini_server.seen("POST")) == 2


async def test_a_429_is_retried_after_the_retry_after_header(
    make: Make, gemini_api: FakeGemini, gemini_server: FakeHttpServer
) -> None:
    throttled = google_error(429, "Quota exceeded", "RESOURCE_EXHAUSTED")
    gemini_api.script.create_errors = deque([Reply(429, throttled.body, headers={"Retry-After": "1"})])

    media = await make().generate(request())

    assert media.staged.size > 0
    first, second = gemini_server.seen("POST")
    # the second try waited the 1 s asked for, not the adapter's own 10-50 ms backoff
    assert second.at - first.at >= 0.95


async def test_a_clip_over_the_download_cap_is_refused_and_leaves_nothing(
    gemini_server: FakeHttpServer, small_staging: OutputStaging, staging_dir: Path
) -> None:
    veo = GeminiVeo(KEY, gemini_server.base_url, request_timeout=5.0)
    generator = GoogleVideoGenerator(
        veo, MODEL, small_staging, price_per_second=0.4, timeout_seconds=5.0, backoff=FAST
    )
    try:
        with pytest.raises(UpstreamError, match="limit of 1000 bytes"):
            await generator.generate(request())
    finally:
        await generator.aclose()

    assert staged_files(staging_dir) == []


async def test_a_persistent_429_is_rate_limited_with_retry_after(
    make: Make, gemini_api: FakeGemini, gemini_server: FakeHttpServer
) -> None:
    retry_info = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0s"}
    gemini_api.script.create_errors = deque(
        [google_error(429, "Quota exceeded", "RESOURCE_EXHAUSTED", [retry_info])] * 3
    )

    with pytest.raises(RateLimited) as caught:
        await make(retries=2).generate(request())

    assert caught.value.retry_after == 0.0
    assert len(gemini_server.seen("POST")) == 3


async def test_a_5xx_is_retried_a_bounded_number_of_times_then_reported(
    make: Make, gemini_api: FakeGemini, gemini_server: FakeHttpServer
) -> None:
    gemini_api.script.create_errors = deque([google_error(500, "Internal error", "INTERNAL")] * 5)

    with pytest.raises(UpstreamError, match="500"):
        await make(retries=2).generate(request())

    assert len(gemini_server.seen("POST")) == 3


async def test_an_operation_that_ends_in_error_is_an_upstream_error(
    make: Make, gemini_api: FakeGemini
) -> None:
    gemini_api.script.outcome = "error"

    with pytest.raises(UpstreamError, match="Internal error while generating") as caught:
        await make().generate(request())

    assert not isinstance(caught.value, ContentRefused)


async def test_a_clip_filtered_by_responsible_ai_is_a_content_refusal(
    make: Make, gemini_api: FakeGemini
) -> None:
    gemini_api.script.outcome = "filtered"

    with pytest.raises(ContentRefused, match="safety filters"):
        await make().generate(request())


async def test_an_operation_error_naming_the_usage_guidelines_is_a_content_refusal(
    make: Make, gemini_api: FakeGemini
) -> None:
    gemini_api.script.outcome = "error"
    gemini_api.script.error_message = "The prompt could not be submitted. It violates our usage guidelines."

    with pytest.raises(ContentRefused, match="usage guidelines"):
        await make().generate(request())


@pytest.mark.parametrize(("file", "expected"), [("gone1", "404"), ("page1", "html content where a video")])
async def test_a_clip_that_is_missing_or_not_a_video_is_an_upstream_error_and_leaves_nothing(
    make: Make, gemini_api: FakeGemini, staging_dir: Path, file: str, expected: str
) -> None:
    gemini_api.script.file = file

    with pytest.raises(UpstreamError, match=expected):
        await make().generate(request())

    assert staged_files(staging_dir) == []


async def test_an_operation_that_never_ends_times_out(make: Make, gemini_api: FakeGemini) -> None:
    gemini_api.script.polls = None

    with pytest.raises(UpstreamTimeout, match="google did not finish"):
        await make(timeout=0.3).generate(request())


async def test_cancelling_the_task_stops_polling(
    make: Make, gemini_api: FakeGemini, gemini_server: FakeHttpServer
) -> None:
    gemini_api.script.polls = None
    task = asyncio.create_task(make(timeout=30.0).generate(request()))
    await until(lambda: gemini_server.seen("GET", "/operations/"))

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    polls = len(gemini_server.seen("GET", "/operations/"))
    await asyncio.sleep(0.2)
    assert len(gemini_server.seen("GET", "/operations/")) == polls


async def test_an_unreachable_api_is_an_upstream_error(staging: OutputStaging) -> None:
    generator = GoogleVideoGenerator(
        GeminiVeo(KEY, "http://127.0.0.1:9", request_timeout=2.0),
        MODEL,
        staging,
        price_per_second=0.4,
        timeout_seconds=5.0,
        backoff=FAST,
    )
    try:
        with pytest.raises(UpstreamError, match="could not be reached"):
            await generator.generate(request())
    finally:
        await generator.aclose()


class TestGoogleVideoContract(VideoGeneratorContract):
    @pytest.fixture
    def video_generator(self, make: Make) -> VideoGenerator:
        return make()
