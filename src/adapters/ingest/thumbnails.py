"""``PillowThumbnailer``: JPEG previews of images (Pillow) and of a video frame (PyAV).

Memory is bounded by design, whatever the source's resolution:

- a video frame is scaled to the preview size by swscale straight from the decoder's own
  YUV frame (``VideoFrame.reformat``), never converted to a full-size RGB picture; the decoder
  runs on one thread (frame threading keeps one full frame per thread) and only keyframes
  are decoded; videos over the inspector's size cap get no preview;
- JPEGs are decoded at 1/2..1/8 scale (``thumbnail`` starts with Pillow's ``draft``, DCT
  scaling);
- large PNGs (from 4 megapixels) are decoded band by band (``png_bands``): each band of rows
  is reduced by the integer factor Pillow's ``thumbnail`` would use and pasted into a small
  picture, which is then resized like ``thumbnail`` does — the same preview, without the
  full-size image;
- still WebPs are decoded by FFmpeg's WebP decoder (PyAV) and scaled by swscale like a video
  frame: Pillow decodes every WebP through libwebp's animation decoder, with two full-size
  canvases and two full-size copies (~15 bytes a pixel);
- other images (animated WebPs, GIFs, small, 16-bit or interlaced PNGs) cannot be decoded
  downscaled and are decoded once at full size, then reduced; an animated WebP, which Pillow
  decodes at ~15 bytes a pixel (FFmpeg cannot decode WebP animation), gets a preview only up
  to ``max_animated_webp_pixels`` (4K UHD: ~130-150 MB at most, measured);
- no image over the pixel cap (the inspector's, checked from the header) is decoded;
- at most ``max_concurrent`` decodes run at once (others wait in line), and after each the
  freed heap is handed back to the OS (``malloc_trim``).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import os
import tempfile
from typing import TYPE_CHECKING

from adapters.ingest.inspection import (
    DEFAULT_MAX_IMAGE_PIXELS,
    DEFAULT_MAX_VIDEO_PIXELS,
    DEFAULT_MAX_VIDEO_SIDE,
)
from adapters.ingest.memory_release import give_memory_back
from v3core.model import AssetType
from v3core.ports.blobs import StagedFile, Thumbnailer

if TYPE_CHECKING:
    import av
    from PIL import Image

THUMBNAIL_BOX = (320, 320)
BAND_MIN_PIXELS = 4_000_000
ANIMATED_WEBP_MAX_PIXELS = 3840 * 2160
"""The largest animated WebP given a preview (Pillow's animation decoder holds ~15 bytes a pixel)."""
"""PNGs from this many pixels are decoded in bands (below, a whole decode is at most ~16 MB)."""
_BAND_BYTES = 1 << 20
"""About this many bytes (4 a pixel) of rows are decoded at once."""
_REDUCING_GAP = 2.0
"""Pillow's ``thumbnail`` default: reduce by an integer factor to at least twice the size."""


class PillowThumbnailer(Thumbnailer):
    """At most 320x320, aspect kept, transparency flattened onto white; staged in ``directory``."""

    def __init__(
        self,
        directory: str | None = None,
        max_concurrent: int = 1,
        max_video_pixels: int = DEFAULT_MAX_VIDEO_PIXELS,
        max_video_side: int = DEFAULT_MAX_VIDEO_SIDE,
        max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
        band_min_pixels: int = BAND_MIN_PIXELS,
        max_animated_webp_pixels: int = ANIMATED_WEBP_MAX_PIXELS,
    ) -> None:
        self._dir = directory
        self._slots = asyncio.Semaphore(max_concurrent)
        self._max_video = (max_video_pixels, max_video_side)
        self._max_image_pixels = max_image_pixels
        self._band_min_pixels = band_min_pixels
        self._max_animated_webp_pixels = max_animated_webp_pixels

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
            if kind is AssetType.IMAGE:
                image = _image_frame(
                    path, self._max_image_pixels, self._band_min_pixels, self._max_animated_webp_pixels
                )
            else:
                image = _video_frame(path, *self._max_video)
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


def _image_frame(
    path: str, max_pixels: int, band_min_pixels: int, max_animated_webp_pixels: int
) -> Image.Image | None:
    from PIL import Image

    from adapters.ingest.png_bands import NotBandable

    with Image.open(path) as img:
        pixels = img.width * img.height
        if pixels > max_pixels:
            return None  # stored before the cap, or the cap lowered since: never decoded
        animated_webp = img.format == "WEBP" and _animated_webp(path)
        if animated_webp and pixels > max_animated_webp_pixels:
            return None  # decoded whole by Pillow at ~15 bytes a pixel: no preview that large
        still_webp = img.format == "WEBP" and not animated_webp
        if still_webp:
            size = img.size
        elif img.format == "PNG" and pixels >= band_min_pixels:
            try:
                return _png_in_bands(path, img.size, max_pixels)
            except NotBandable:
                pass  # 16-bit, interlaced or too wide for a band: decoded whole
        if not still_webp:
            img.seek(0)
            return _flatten(img)  # thumbnail() starts with draft(): JPEGs decode DCT-scaled
    return _webp_frame(path, size)  # Pillow's decoder (and its canvases) closed first


def _animated_webp(path: str) -> bool:
    """The WebP at ``path`` is an animation: its VP8X chunk, first after the RIFF header, has
    the animation flag (WebP container spec). Also true of a one-frame animation, which
    Pillow counts as still but FFmpeg cannot decode."""
    with open(path, "rb") as f:
        header = f.read(21)
    return header[12:16] == b"VP8X" and len(header) == 21 and bool(header[20] & 0x02)


def _webp_frame(path: str, size: tuple[int, int]) -> Image.Image | None:
    """The preview of the still WebP at ``path`` (``size`` from its header, within the cap):
    FFmpeg's decoder makes one full-size frame (YUV 4:2:0, 1.5 bytes a pixel, for lossy WebPs;
    ARGB for lossless ones and, while decoding, for a lossy one's alpha plane), scaled like a
    video frame (``_scaled_picture``)."""
    import av

    with av.open(path) as container:
        if not container.streams.video:
            return None
        stream = container.streams.video[0]
        stream.thread_type = "SLICE"
        stream.thread_count = 1
        for frame in container.decode(stream):
            if (frame.width, frame.height) != size:
                return None  # not the picture the header announced
            return _scaled_picture(frame)
    return None


def _png_in_bands(path: str, size: tuple[int, int], max_pixels: int) -> Image.Image:
    """What ``_flatten`` makes of the PNG at ``path``, decoded a band of rows at a time: each
    band is reduced by the integer factors ``thumbnail`` would reduce the whole image by (a band
    is a whole number of reduction blocks high, so the blocks are the same) and pasted into the
    reduced picture, which is then resized exactly as ``thumbnail`` resizes it. Palette and
    1-bit images are turned into colour first (``thumbnail`` would sample them, not average)."""
    from PIL import Image

    from adapters.ingest.png_bands import NotBandable, bands

    width, height = size
    final = thumbnail_size(size, THUMBNAIL_BOX)
    if final == size:
        raise NotBandable("the image fits the preview box as it is")
    fx = int(width / final[0] / _REDUCING_GAP) or 1
    fy = int(height / final[1] / _REDUCING_GAP) or 1
    rows = max(1, _BAND_BYTES // (4 * width * fy)) * fy
    if 4 * width * rows > 8 * _BAND_BYTES:
        raise NotBandable(f"a band of {fy} rows of {width} pixels is no smaller than the image")
    reduced: Image.Image | None = None
    for index, band in enumerate(bands(path, rows, max_pixels)):
        small = _premultiplied(band).reduce((fx, fy))
        if reduced is None:
            reduced = Image.new(small.mode, (-(-width // fx), -(-height // fy)))
        reduced.paste(small, (0, index * rows // fy))
    assert reduced is not None  # a PNG has at least one row
    picture = reduced.resize(final, Image.Resampling.BICUBIC, box=(0, 0, width / fx, height / fy))
    return _on_white(picture.convert({"RGBa": "RGBA", "La": "LA"}.get(picture.mode, picture.mode)))


def _premultiplied(band: Image.Image) -> Image.Image:
    """The mode ``resize`` works in: alpha premultiplied (as ``resize`` converts RGBA and LA),
    palette and 1-bit images in colour / grey."""
    if band.mode == "P":
        band = band.convert("RGBA" if "transparency" in band.info else "RGB")
    elif band.mode == "1":
        band = band.convert("L")
    premultiplied = {"RGBA": "RGBa", "LA": "La"}.get(band.mode)
    return band.convert(premultiplied) if premultiplied else band


def thumbnail_size(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The size Pillow's ``Image.thumbnail(box)`` gives an image of ``size`` (aspect kept, each
    side rounded to the closer aspect, at least 1, never enlarged)."""
    width, height = size
    x, y = box
    if x >= width and y >= height:
        return size
    aspect = width / height
    if x / y >= aspect:
        x = max(min(math.floor(y * aspect), math.ceil(y * aspect), key=lambda n: abs(aspect - n / y)), 1)
    else:
        y = max(
            min(math.floor(x / aspect), math.ceil(x / aspect), key=lambda n: abs(aspect - x / n) if n else 0),
            1,
        )
    return x, y


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
            return _scaled_picture(frame)
    return None


def _scaled_picture(frame: av.VideoFrame) -> Image.Image:
    """A decoded frame (video, or a still WebP) scaled by swscale straight to the preview size
    (``Image.thumbnail``'s), area-averaged, never as a full-size RGB picture: YUV is scaled in
    YUV and only then converted (swscale's scaled YUV-to-RGB is 1-2 levels too dark); alpha
    (not premultiplied) is kept and flattened onto white."""
    from PIL import Image

    alpha = any(c.is_alpha for c in frame.format.components)
    width, height = thumbnail_size((frame.width, frame.height), THUMBNAIL_BOX)
    mode = "RGBA" if alpha else "RGB"
    if not frame.format.is_rgb:
        frame = frame.reformat(width, height, "yuva444p" if alpha else "yuv444p", interpolation="AREA")
    small = frame.reformat(width, height, mode.lower() + ("" if alpha else "24"), interpolation="AREA")
    plane = small.planes[0]  # to_image() would drop the alpha
    return _on_white(Image.frombuffer(mode, (width, height), bytes(plane), "raw", mode, plane.line_size, 1))


def _flatten(img: Image.Image) -> Image.Image:

    img.thumbnail(THUMBNAIL_BOX)  # reduces with reducing_gap: no second full-size copy
    return _on_white(img)


def _on_white(img: Image.Image) -> Image.Image:
    from PIL import Image

    if img.mode in ("RGBA", "LA", "P"):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")
