"""The OpenAI image adapter driven through the official SDK against a fake Images API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import attrs
import pytest
from PIL import Image

from adapters.media.openai_images import OpenAIImageGenerator
from adapters.media.outputs import OutputStaging
from tests.integration.media.conftest import staged_files, until
from tests.integration.media.fake_http import FakeHttpServer, Reply
from tests.integration.media.fake_openai_images import (
    KEY,
    FakeOpenAIImages,
    form_fields,
    image_reply,
    openai_error,
)
from tests.integration.media.media_files import HTML, solid_png
from v3core.errors import ContentRefused, RateLimited, UpstreamError, UpstreamTimeout
from v3core.ports.media import ImageGenerator, ImageRequest
from v3core.testing.contracts import ImageGeneratorContract

Make = Callable[..., OpenAIImageGenerator]


def request(width: int = 720, height: int = 1280, aspect: str = "9:16") -> ImageRequest:
    return ImageRequest(
        prompt="A runner tying a trail shoe at dawn",
        negative_prompt="competitor logos",
        width=width,
        height=height,
        aspect_ratio=aspect,
    )


@pytest.fixture
async def make(openai_server: FakeHttpServer, staging: OutputStaging) -> AsyncIterator[Make]:
    made: list[OpenAIImageGenerator] = []

    def build(key: str = KEY, timeout: float = 5.0, retries: int = 2) -> OpenAIImageGenerator:
        made.append(
            OpenAIImageGenerator(
                key,
                "gpt-image-1",
                staging,
                price_per_image=0.042,
                timeout_seconds=timeout,
                base_url=f"{openai_server.base_url}/v1",
                max_retries=retries,
            )
        )
        return made[-1]

    yield build
    for generator in made:
        await generator.aclose()


async def test_a_generated_image_is_the_servers_png_staged_and_priced(
    make: Make, openai_server: FakeHttpServer
) -> None:
    media = await make().generate(request())

    (sent,) = openai_server.seen("POST", "/v1/images/generations")
    body = sent.json()
    assert body["model"] == "gpt-image-1"
    assert body["size"] == "1024x1536"  # portrait job, portrait size
    assert body["n"] == 1
    assert body["quality"] == "medium"
    assert "competitor logos" in body["prompt"]
    with Image.open(media.staged.path) as image:
        assert image.size == (64, 36)
    assert (media.provider, media.model, media.cost) == ("openai", "gpt-image-1", 0.042)


async def test_reference_images_are_sent_as_the_edits_input_images(
    make: Make, openai_server: FakeHttpServer, tmp_path: Path
) -> None:
    """SPEC §8: the image generator takes reference images (the brand's product and logo)."""
    product, logo = tmp_path / "product.png", tmp_path / "logo.png"
    product.write_bytes(solid_png((230, 80, 30)))
    logo.write_bytes(solid_png((20, 20, 20), 32, 32))
    with_references = attrs.evolve(request(), reference_images=(str(product), str(logo)))

    media = await make().generate(with_references)

    assert openai_server.seen("POST", "/v1/images/generations") == []
    (sent,) = openai_server.seen("POST", "/v1/images/edits")
    fields = form_fields(sent)
    assert fields["image[]"] == [product.read_bytes(), logo.read_bytes()]
    assert fields["model"] == [b"gpt-image-1"]
    assert fields["size"] == [b"1024x1536"]
    assert fields["quality"] == [b"medium"]
    assert b"competitor logos" in fields["prompt"][0]
    assert media.cost == 0.042
    with Image.open(media.staged.path) as image:
        assert image.size == (64, 36)


@pytest.mark.parametrize(
    ("width", "height", "size"),
    [(1280, 720, "1536x1024"), (1080, 1080, "1024x1024"), (1080, 1350, "1024x1536")],
)
async def test_the_size_follows_the_jobs_orientation(
    make: Make, openai_server: FakeHttpServer, width: int, height: int, size: str
) -> None:
    await make().generate(request(width, height))

    assert openai_server.seen("POST")[0].json()["size"] == size


async def test_a_wrong_key_is_an_upstream_error_without_the_key(make: Make) -> None:
    with pytest.raises(UpstreamError, match="401") as caught:
        await make(key="sk-wrong-0123456789abcdef").generate(request())
    assert "sk-wrong-0123456789" not in caught.value.message


async def test_a_422_is_an_upstream_error_with_the_reason(
    make: Make, openai_api: FakeOpenAIImages, openai_server: FakeHttpServer
) -> None:
    openai_api.script(openai_error(422, "size 1536x1024 is not supported by this model"))

    with pytest.raises(UpstreamError, match="not supported by this model"):
        await make().generate(request())

    assert len(openai_server.seen("POST")) == 1


async def test_a_moderation_block_is_a_content_refusal(make: Make, openai_api: FakeOpenAIImages) -> None:
    openai_api.script(
        openai_error(400, "Your request was rejected by the safety system.", "moderation_blocked")
    )

    with pytest.raises(ContentRefused, match="safety system"):
        await make().generate(request())


async def test_a_429_is_retried_honouring_retry_after_then_succeeds(
    make: Make, openai_api: FakeOpenAIImages, openai_server: FakeHttpServer
) -> None:
    openai_api.script(openai_error(429, "slow down", headers={"retry-after": "0.05"}), image_reply())

    media = await make().generate(request())

    assert media.staged.size > 0
    assert len(openai_server.seen("POST")) == 2


async def test_a_persistent_429_is_rate_limited_with_retry_after(
    make: Make, openai_api: FakeOpenAIImages, openai_server: FakeHttpServer
) -> None:
    openai_api.script(openai_error(429, "slow down", headers={"retry-after": "2"}))

    with pytest.raises(RateLimited) as caught:
        await make(retries=0).generate(request())

    assert caught.value.retry_after == 2.0
    assert len(openai_server.seen("POST")) == 1


async def test_a_5xx_is_retried_a_bounded_number_of_times_then_reported(
    make: Make, openai_api: FakeOpenAIImages, openai_server: FakeHttpServer
) -> None:
    openai_api.script(openai_error(503, "overloaded", headers={"retry-after-ms": "10"}))

    with pytest.raises(UpstreamError, match="503"):
        await make(retries=2).generate(request())

    assert len(openai_server.seen("POST")) == 3


@pytest.mark.parametrize("data", [HTML, b"not base64 at all \x00".hex().encode()])
async def test_image_data_that_is_not_an_image_is_an_upstream_error_and_leaves_nothing(
    make: Make, openai_api: FakeOpenAIImages, staging_dir: Path, data: bytes
) -> None:
    openai_api.script(image_reply(data))

    with pytest.raises(UpstreamError, match=r"where an image was expected|unreadable"):
        await make().generate(request())

    assert staged_files(staging_dir) == []


async def test_an_answer_without_image_data_is_an_upstream_error(
    make: Make, openai_api: FakeOpenAIImages
) -> None:
    openai_api.script(Reply(200, {"created": 1, "data": []}))

    with pytest.raises(UpstreamError, match="without image data"):
        await make().generate(request())


async def test_a_server_slower_than_the_timeout_is_an_upstream_timeout(
    make: Make, openai_api: FakeOpenAIImages
) -> None:
    openai_api.script(Reply(200, {"created": 1, "data": []}, delay=5.0))

    with pytest.raises(UpstreamTimeout):
        await make(timeout=0.3, retries=2).generate(request())


async def test_cancelling_the_task_abandons_the_request(
    make: Make, openai_api: FakeOpenAIImages, openai_server: FakeHttpServer
) -> None:
    openai_api.script(Reply(200, {"created": 1, "data": []}, delay=5.0))
    task = asyncio.create_task(make().generate(request()))
    await until(lambda: openai_server.seen("POST"))

    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task


class TestOpenAIImagesContract(ImageGeneratorContract):
    """The adapter through the contract adapter authors use (the fake answers one 64x36 PNG)."""

    honours_orientation = False

    @pytest.fixture
    def image_generator(self, make: Make) -> ImageGenerator:
        return make()
