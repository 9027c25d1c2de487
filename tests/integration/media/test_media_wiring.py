"""Media settings (SPEC §8 names) and the factories that build generators from them."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
from PIL import Image
from pydantic import ValidationError

from adapters.media.outputs import OutputStaging
from entrypoints.media import (
    close_generator,
    image_price,
    make_image_generator,
    make_video_generator,
    video_price_per_second,
)
from entrypoints.settings import Settings
from tests.integration.media.fake_gemini import KEY as GEMINI_KEY
from tests.integration.media.fake_http import FakeHttpServer
from tests.integration.media.fake_openai_images import KEY as OPENAI_KEY
from tests.integration.media.fake_replicate import TOKEN, FakeReplicate
from v3core.ports.media import ImageGenerator, ImageRequest, VideoGenerator, VideoRequest

IMAGE = ImageRequest("A shoe on rock", "logos", 1280, 720, "16:9")
CLIP = VideoRequest("Push-in on the sole", "logos", 4.0, "16:9", 1280, 720)


def settings(**values: Any) -> Settings:
    return Settings(database_url="memory://", **values)


def test_the_default_is_local_no_generators_and_no_generation_cost(staging: OutputStaging) -> None:
    defaults = settings()

    assert make_image_generator(defaults, staging.fetcher, staging.stager, staging.inspector) is None
    assert make_video_generator(defaults, staging.fetcher, staging.stager, staging.inspector) is None
    assert (image_price(defaults), video_price_per_second(defaults)) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"image_provider": "replicate"}, "IMAGE_PROVIDER=replicate needs REPLICATE_API_TOKEN"),
        ({"video_provider": "replicate"}, "VIDEO_PROVIDER=replicate needs REPLICATE_API_TOKEN"),
        ({"image_provider": "openai"}, "IMAGE_PROVIDER=openai needs OPENAI_API_KEY"),
        ({"video_provider": "google"}, "VIDEO_PROVIDER=google needs GEMINI_API_KEY"),
        ({"video_provider": "google", "gemini_api_key": "  "}, "VIDEO_PROVIDER=google needs GEMINI_API_KEY"),
    ],
)
def test_a_provider_without_its_key_is_a_clear_settings_error(values: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        settings(**values)


def test_providers_outside_the_spec_are_refused() -> None:
    with pytest.raises(ValidationError, match="image_provider"):
        settings(image_provider="google", gemini_api_key="k")
    with pytest.raises(ValidationError, match="video_provider"):
        settings(video_provider="openai", openai_api_key="k")


def test_prices_of_the_default_models_come_with_the_defaults() -> None:
    replicate = settings(image_provider="replicate", video_provider="replicate", replicate_api_token="t")
    other = settings(image_provider="OpenAI", video_provider="google", openai_api_key="k", gemini_api_key="k")

    assert image_price(replicate) > 0
    assert video_price_per_second(replicate) > 0
    assert image_price(other) > 0
    assert video_price_per_second(other) > 0


def test_media_prices_json_overrides_a_models_price(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIA_PRICES", json.dumps({"acme/i2v": 0.125}))

    configured = settings(
        video_provider="replicate", replicate_api_token="t", replicate_video_model="acme/i2v:5f0c"
    )

    assert video_price_per_second(configured) == 0.125


def test_a_model_without_a_price_is_a_settings_error() -> None:
    with pytest.raises(ValidationError, match="MEDIA_PRICES has no price for the model 'acme/unpriced'"):
        settings(image_provider="replicate", replicate_api_token="t", replicate_image_model="acme/unpriced")


def test_a_negative_price_is_a_settings_error() -> None:
    with pytest.raises(ValidationError, match="must not be negative"):
        settings(media_prices={"gpt-image-1": -1})


@pytest.mark.slow
def test_serving_with_local_providers_loads_no_media_sdk() -> None:
    script = (
        "import sys\n"
        "from entrypoints.cli import main\n"
        "from entrypoints.container import build_container\n"
        "from entrypoints.settings import Settings\n"
        "from entrypoints.media import make_image_generator, make_video_generator\n"
        "s = Settings(database_url='memory://')\n"
        "assert make_image_generator(s, None, None, None) is None\n"
        "assert make_video_generator(s, None, None, None) is None\n"
        "build_container(s)\n"
        "print(sorted(m for m in ('replicate', 'google.genai') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "[]"


@pytest.fixture
async def built() -> AsyncIterator[list[ImageGenerator | VideoGenerator | None]]:
    generators: list[ImageGenerator | VideoGenerator | None] = []
    yield generators
    for generator in generators:
        await close_generator(generator)


async def test_replicate_settings_build_generators_that_talk_to_replicate_base_url(
    staging: OutputStaging,
    replicate_api: FakeReplicate,
    replicate_server: FakeHttpServer,
    built: list[ImageGenerator | VideoGenerator | None],
) -> None:
    configured = settings(
        image_provider="replicate",
        video_provider="replicate",
        replicate_api_token=TOKEN,
        replicate_base_url=replicate_server.base_url,
        media_timeout_seconds=20,
    )
    images = make_image_generator(configured, staging.fetcher, staging.stager, staging.inspector)
    clips = make_video_generator(configured, staging.fetcher, staging.stager, staging.inspector)
    built.extend([images, clips])
    assert images is not None
    assert clips is not None

    replicate_api.script.output = "/media/frame.png"
    frame = await images.generate(IMAGE)
    replicate_api.script.output = "/media/clip.mp4"
    clip = await clips.generate(CLIP)

    with Image.open(frame.staged.path) as image:
        assert image.format == "PNG"
    assert clip.staged.info is not None
    assert clip.staged.info.format == "mp4"
    assert (images.model, clips.model) == ("black-forest-labs/flux-schnell", "google/veo-3.1")
    assert clip.cost == pytest.approx(4 * video_price_per_second(configured))
    paths = [r.path for r in replicate_server.seen("POST", "/predictions")]
    assert paths == [
        "/v1/models/black-forest-labs/flux-schnell/predictions",
        "/v1/models/google/veo-3.1/predictions",
    ]


async def test_openai_and_google_settings_build_generators_on_their_base_urls(
    staging: OutputStaging,
    openai_server: FakeHttpServer,
    gemini_server: FakeHttpServer,
    built: list[ImageGenerator | VideoGenerator | None],
) -> None:
    configured = settings(
        image_provider="openai",
        video_provider="google",
        openai_api_key=OPENAI_KEY,
        openai_base_url=f"{openai_server.base_url}/v1",
        gemini_api_key=GEMINI_KEY,
        google_gemini_base_url=gemini_server.base_url,
    )
    images = make_image_generator(configured, staging.fetcher, staging.stager, staging.inspector)
    clips = make_video_generator(configured, staging.fetcher, staging.stager, staging.inspector)
    built.extend([images, clips])
    assert images is not None
    assert clips is not None

    frame = await images.generate(IMAGE)

    assert frame.staged.info is not None
    assert frame.staged.info.format == "png"
    assert (images.provider, images.model, clips.provider, clips.model) == (
        "openai",
        "gpt-image-1",
        "google",
        "veo-3.1-generate-preview",
    )
    assert len(openai_server.seen("POST", "/v1/images/generations")) == 1
