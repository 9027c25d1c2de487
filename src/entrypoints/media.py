"""Wiring of the generation providers (SPEC §8): which image and video generators the settings choose.

This branch's minimal version: every provider is ``local`` (``None``: no generator, the renderer
draws procedural visuals) and free. The provider adapters replace it with the real choice from
``IMAGE_PROVIDER``/``VIDEO_PROVIDER``.
"""

from __future__ import annotations

from entrypoints.settings import Settings
from v3core.ports.blobs import BlobFetcher, ContentInspector, FileStager
from v3core.ports.media import ImageGenerator, VideoGenerator


def make_image_generator(
    settings: Settings, fetcher: BlobFetcher, stager: FileStager, inspector: ContentInspector
) -> ImageGenerator | None:
    """The image generator ``IMAGE_PROVIDER`` names; ``None`` for ``local``."""
    return None


def make_video_generator(
    settings: Settings, fetcher: BlobFetcher, stager: FileStager, inspector: ContentInspector
) -> VideoGenerator | None:
    """The video generator ``VIDEO_PROVIDER`` names; ``None`` for ``local``."""
    return None


def image_price(settings: Settings) -> float:
    """USD per generated image of the configured provider and model (0 for ``local``)."""
    return 0.0


def video_price_per_second(settings: Settings) -> float:
    """USD per second of generated video of the configured provider and model (0 for ``local``)."""
    return 0.0
