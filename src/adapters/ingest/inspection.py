"""``MediaContentInspector``: magic-byte sniffing plus Pillow / PyAV metadata.

Images are only *opened* (header parsed, pixels not decoded) and refused when their
pixel count exceeds ``max_image_pixels`` — a decompression bomb is a clear 422, never
a memory blow-up. Audio/video containers are probed with PyAV for dimensions and
duration; a video larger than DCI 8K (a side over ``max_video_side`` or more than
``max_video_pixels``) is refused the same way, since every decode of it for a preview or a
render would hold frames of that size. All parsing runs in a worker thread, at most
``max_concurrent`` at once (probing a video decodes a frame of it: ~80 MB for 8K), and the
freed heap is handed back to the OS after each. Pillow and PyAV are imported by the first
inspection (in its worker thread), not at start-up.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from adapters.ingest.memory_release import give_memory_back
from adapters.ingest.sniffing import sniff
from v3core.errors import ValidationFailed
from v3core.ports.blobs import ContentInfo, ContentInspector, StagedFile

if TYPE_CHECKING:
    import av.container

IMAGE_FORMATS = frozenset({"png", "jpg", "webp", "gif"})
AV_FORMATS = frozenset({"mp4", "mov", "webm", "mkv", "mp3", "wav", "ogg", "aac", "m4a"})
DEFAULT_MAX_IMAGE_PIXELS = 50_000_000
DEFAULT_MAX_VIDEO_SIDE = 8192
DEFAULT_MAX_VIDEO_PIXELS = 8192 * 4320
"""DCI 8K: the largest video accepted (7680x4320 UHD 8K fits)."""


class MediaContentInspector(ContentInspector):
    """Sniffs with puremagic and reads image/audio/video metadata."""

    def __init__(
        self,
        max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
        max_video_pixels: int = DEFAULT_MAX_VIDEO_PIXELS,
        max_video_side: int = DEFAULT_MAX_VIDEO_SIDE,
        max_concurrent: int = 2,
    ) -> None:
        self._max_pixels = max_image_pixels
        self._max_video = (max_video_pixels, max_video_side)
        self._slots = asyncio.Semaphore(max_concurrent)

    async def inspect(self, staged: StagedFile) -> ContentInfo:
        async with self._slots:
            return await asyncio.to_thread(self.inspect_path, staged.path)

    def inspect_path(self, path: str) -> ContentInfo:
        """The blocking body of ``inspect``."""
        info = sniff(path)
        if info.format in IMAGE_FORMATS:
            return self._image(path, info)
        if info.format in AV_FORMATS:
            media = _media(path, info)
            self._check_video_size(media)
            return media
        return info

    def _check_video_size(self, info: ContentInfo) -> None:
        width, height = info.width or 0, info.height or 0
        max_pixels, max_side = self._max_video
        if width * height > max_pixels or max(width, height) > max_side:
            raise ValidationFailed.at(
                ("file",),
                f"the video is {width}x{height}; at most {max_side} pixels a side and "
                f"{max_pixels} pixels a frame are accepted",
                "video_too_large",
            )

    def _image(self, path: str, info: ContentInfo) -> ContentInfo:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(path) as img:
                width, height = img.size
                if width * height <= self._max_pixels:
                    img.verify()  # walks the chunks (CRCs, truncation) without decoding pixels
        except Image.DecompressionBombError as exc:
            raise _too_many_pixels(self._max_pixels) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ValidationFailed.at(
                ("file",), f"the {info.format} image cannot be read", "corrupt_file"
            ) from exc
        if width * height > self._max_pixels:
            raise _too_many_pixels(self._max_pixels)
        return ContentInfo(mime=info.mime, format=info.format, width=width, height=height)


def _too_many_pixels(limit: int) -> ValidationFailed:
    return ValidationFailed.at(
        ("file",), f"the image has more than {limit} pixels (possible decompression bomb)", "image_too_large"
    )


def _media(path: str, info: ContentInfo) -> ContentInfo:
    import av

    try:
        with av.open(path, mode="r") as container:
            video = next(iter(container.streams.video), None)
            duration = _duration(container)
            if video is not None and info.format not in {"mp3", "wav", "aac", "m4a", "ogg"}:
                ctx = video.codec_context
                return ContentInfo(info.mime, info.format, ctx.width or None, ctx.height or None, duration)
            return ContentInfo(info.mime, info.format, duration=duration)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise ValidationFailed.at(
            ("file",), f"the {info.format} file cannot be read", "corrupt_file"
        ) from exc
    finally:
        give_memory_back()  # probing decoded a frame (``avformat_find_stream_info``)


def _duration(container: av.container.InputContainer) -> float | None:
    import av

    if container.duration is not None and container.duration > 0:
        return round(container.duration / av.time_base, 3)
    for stream in container.streams:
        if stream.duration and stream.time_base:
            return round(float(stream.duration * stream.time_base), 3)
    return None
