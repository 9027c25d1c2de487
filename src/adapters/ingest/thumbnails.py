"""``PillowThumbnailer``: JPEG previews of images (Pillow) and of a video frame (PyAV)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile

import av
from PIL import Image

from v3core.model import AssetType
from v3core.ports.blobs import StagedFile, Thumbnailer

THUMBNAIL_BOX = (320, 320)


class PillowThumbnailer(Thumbnailer):
    """At most 320x320, aspect kept, transparency flattened onto white; staged in ``directory``."""

    def __init__(self, directory: str | None = None) -> None:
        self._dir = directory

    async def thumbnail(self, source: StagedFile, kind: AssetType) -> StagedFile | None:
        if kind not in (AssetType.IMAGE, AssetType.VIDEO):
            return None
        return await asyncio.to_thread(self._render, source.path, kind)

    def _render(self, path: str, kind: AssetType) -> StagedFile | None:
        try:
            image = _image_frame(path) if kind is AssetType.IMAGE else _video_frame(path)
        except (OSError, ValueError, av.FFmpegError, Image.DecompressionBombError):
            return None  # undecodable content has no preview (the route answers 404)
        if image is None:
            return None
        fd, out = tempfile.mkstemp(prefix="v3-thumb-", suffix=".jpg", dir=self._dir)
        with os.fdopen(fd, "wb") as f:
            image.save(f, format="JPEG", quality=82)
        with open(out, "rb") as f:
            data = f.read()
        return StagedFile(path=out, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def _image_frame(path: str) -> Image.Image:
    with Image.open(path) as img:
        img.seek(0)
        return _flatten(img)


def _video_frame(path: str) -> Image.Image | None:
    with av.open(path) as container:
        if not container.streams.video:
            return None
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            return _flatten(frame.to_image())  # type: ignore[no-untyped-call]
    return None


def _flatten(img: Image.Image) -> Image.Image:
    img.thumbnail(THUMBNAIL_BOX)  # uses JPEG draft mode / reducing_gap: no full-size copy
    if img.mode in ("RGBA", "LA", "P"):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")
