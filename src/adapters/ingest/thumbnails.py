"""``PillowThumbnailer``: JPEG previews of images (Pillow) and of a video frame (PyAV).

Memory is bounded by design, whatever the source's resolution:

- a video frame is scaled to the preview size by swscale straight from the decoder's own
  YUV frame (``VideoFrame.reformat``), never converted to a full-size RGB picture; the decoder
  runs on one thread (frame threading keeps one full frame per thread) and only keyframes
  are decoded; videos over the inspector's size cap get no preview;
- JPEGs are decoded at 1/2..1/8 scale (``thumbnail`` starts with Pillow's ``draft``, DCT
  scaling); other formats cannot be decoded downscaled by Pillow and are decoded once at
  full size (bounded by the image pixel cap), then reduced;
- at most ``max_concurrent`` decodes run at once (others wait in line), and after each the
  freed heap is handed back to the OS (``malloc_trim``).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from typing import TYPE_CHECKING

from adapters.ingest.inspection import DEFAULT_MAX_VIDEO_PIXELS, DEFAULT_MAX_VIDEO_SIDE
from adapters.ingest.memory_release import give_memory_back
from v3core.model import AssetType
from v3core.ports.blobs import StagedFile, Thumbnailer

if TYPE_CHECKING:
    from PIL import Image

THUMBNAIL_BOX = (320, 320)


class PillowThumbnailer(Thumbnailer):
    """At most 320x320, aspect kept, transparency flattened onto white; staged in ``directory``."""

    def __init__(
        self,
        directory: str | None = None,
        max_concurrent: int = 1,
        max_video_pixels: int = DEFAULT_MAX_VIDEO_PIXELS,
        max_video_side: int = DEFAULT_MAX_VIDEO_SIDE,
    ) -> None:
        self._dir = directory
        self._slots = asyncio.Semaphore(max_concurrent)
        self._max_video = (max_video_pixels, max_video_side)

    async def thumbnail(self, source: StagedFile, kind: AssetType) -> StagedFile | None:
        if kind not in (AssetType.IMAGE, AssetType.VIDEO):
            return None
        async with self._slots:
            return await asyncio.to_thread(self.render, source.path, kind)

    def render(self, path: str, kind: AssetType) -> StagedFile | None:
        """The blocking body of ``thumbnail``: decode, reduce, write the JPEG (Pillow and PyAV are
        imported here, in the worker thread, by the first thumbnail)."""
        import av
        from PIL import Image

        try:
            image = _image_frame(path) if kind is AssetType.IMAGE else _video_frame(path, *self._max_video)
        except (OSError, ValueError, av.FFmpegError, Image.DecompressionBombError):
            return None  # undecodable content has no preview (the route answers 404)
        finally:
            give_memory_back()
        if image is None:
            return None
        fd, out = tempfile.mkstemp(prefix="v3-thumb-", suffix=".jpg", dir=self._dir)
        with os.fdopen(fd, "wb") as f:
            image.save(f, format="JPEG", quality=82)
        with open(out, "rb") as f:
            data = f.read()
        return StagedFile(path=out, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def _image_frame(path: str) -> Image.Image:
    from PIL import Image

    with Image.open(path) as img:
        img.seek(0)
        return _flatten(img)  # thumbnail() starts with draft(): JPEGs decode DCT-scaled


def _video_frame(path: str, max_pixels: int, max_side: int) -> Image.Image | None:
    import av

    with av.open(path) as container:
        if not container.streams.video:
            return None
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        if width * height > max_pixels or max(width, height) > max_side:
            return None
        stream.thread_type = "SLICE"
        stream.thread_count = 1
        stream.codec_context.skip_frame = "NONKEY"
        for frame in container.decode(stream):
            small_width, small_height = fit(frame.width, frame.height, THUMBNAIL_BOX)
            small = frame.reformat(small_width, small_height, "rgb24", interpolation="AREA")
            return _flatten(small.to_image())  # type: ignore[no-untyped-call]
    return None


def fit(width: int, height: int, box: tuple[int, int]) -> tuple[int, int]:
    """``width`` x ``height`` scaled down (never up) to fit ``box``, aspect kept, at least 1x1."""
    scale = min(1.0, box[0] / width, box[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _flatten(img: Image.Image) -> Image.Image:
    from PIL import Image

    img.thumbnail(THUMBNAIL_BOX)  # reduces with reducing_gap: no second full-size copy
    if img.mode in ("RGBA", "LA", "P"):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")
