"""Wiring of the generative-media adapters from ``Settings`` (SPEC §8).

``IMAGE_PROVIDER``/``VIDEO_PROVIDER`` ``local`` means nothing is generated (the renderer
draws offline) and the factories return ``None``. Each SDK is imported only when its
provider is chosen, so ``v3 serve`` with the defaults never loads one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from entrypoints.settings import ImageProvider, Settings, VideoProvider
from v3core.ports.blobs import BlobFetcher, ContentInspector, FileStager
from v3core.ports.media import ImageGenerator, VideoGenerator

if TYPE_CHECKING:
    from adapters.media.replicate_client import ReplicatePredictions


def make_image_generator(
    settings: Settings, fetcher: BlobFetcher, stager: FileStager, inspector: ContentInspector
) -> ImageGenerator | None:
    """The ``IMAGE_PROVIDER`` generator (``None`` for ``local``)."""
    from adapters.media.outputs import OutputStaging

    staging = OutputStaging(fetcher, stager, inspector)
    if settings.image_provider is ImageProvider.REPLICATE:
        from adapters.media.replicate_media import ReplicateImageGenerator

        return ReplicateImageGenerator(
            replicate_predictions(settings),
            settings.replicate_image_model,
            staging,
            unit_price=image_price(settings),
            timeout_seconds=settings.media_timeout_seconds,
        )
    if settings.image_provider is ImageProvider.OPENAI:
        from adapters.media.openai_images import OpenAIImageGenerator

        return OpenAIImageGenerator(
            secret_value(settings.openai_api_key),
            settings.openai_image_model,
            staging,
            price_per_image=image_price(settings),
            timeout_seconds=settings.media_timeout_seconds,
            base_url=settings.openai_base_url,
        )
    return None


def make_video_generator(
    settings: Settings, fetcher: BlobFetcher, stager: FileStager, inspector: ContentInspector
) -> VideoGenerator | None:
    """The ``VIDEO_PROVIDER`` generator (``None`` for ``local``)."""
    from adapters.media.outputs import OutputStaging

    staging = OutputStaging(fetcher, stager, inspector)
    if settings.video_provider is VideoProvider.REPLICATE:
        from adapters.media.replicate_media import ReplicateVideoGenerator

        return ReplicateVideoGenerator(
            replicate_predictions(settings),
            settings.replicate_video_model,
            staging,
            unit_price=video_price_per_second(settings),
            timeout_seconds=settings.media_timeout_seconds,
        )
    if settings.video_provider is VideoProvider.GOOGLE:
        from adapters.media.google_gemini import GeminiVeo
        from adapters.media.google_video import GoogleVideoGenerator

        return GoogleVideoGenerator(
            GeminiVeo(secret_value(settings.gemini_api_key), settings.google_gemini_base_url),
            settings.google_video_model,
            staging,
            price_per_second=video_price_per_second(settings),
            timeout_seconds=settings.media_timeout_seconds,
        )
    return None


def image_price(settings: Settings) -> float:
    """USD per image of the configured image model (0.0 for ``local``)."""
    model = settings.image_model
    return settings.media_price(model) if model else 0.0


def video_price_per_second(settings: Settings) -> float:
    """USD per second of video of the configured video model (0.0 for ``local``)."""
    model = settings.video_model
    return settings.media_price(model) if model else 0.0


def video_clip_lengths(settings: Settings) -> tuple[int, ...]:
    """The clip lengths the configured video model takes and bills (Veo: 4, 6 or 8 s); empty
    for models that take any whole number of seconds and for ``local``. The dry run prices
    each planned scene at the length its clip will be billed."""
    if settings.video_provider is VideoProvider.REPLICATE:
        from adapters.media.replicate_inputs import clip_lengths

        return clip_lengths(settings.replicate_video_model)
    if settings.video_provider is VideoProvider.GOOGLE:
        from adapters.media.google_video import VEO_SECONDS

        return VEO_SECONDS
    return ()


async def close_generator(generator: ImageGenerator | VideoGenerator | None) -> None:
    """Close a generator's SDK connections (app shutdown); no-op for ``None``."""
    aclose = getattr(generator, "aclose", None)
    if aclose is not None:
        await aclose()


def replicate_predictions(settings: Settings) -> ReplicatePredictions:
    from adapters.media.replicate_client import ReplicatePredictions

    return ReplicatePredictions(secret_value(settings.replicate_api_token), settings.replicate_base_url)


def secret_value(value: object) -> str:
    from pydantic import SecretStr

    if not isinstance(value, SecretStr):
        raise ValueError("the provider's API key is not set")
    return value.get_secret_value()
