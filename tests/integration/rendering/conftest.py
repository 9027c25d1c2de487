"""Fixtures for the animatic renderer: an in-memory blob store and media builders."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image, ImageDraw

from adapters.blobs.memory import InMemoryBlobStore
from adapters.rendering import AnimaticRenderer


class FakeBlobStore(InMemoryBlobStore):
    """The shipped in-memory store, plus ``add`` to put bytes under their sha256."""

    def add(self, data: bytes) -> str:
        blob_id = hashlib.sha256(data).hexdigest()
        self.blobs[blob_id] = data
        return blob_id


def read_bytes(path: str) -> bytes:
    """The whole file at ``path``."""
    return Path(path).read_bytes()


def leftovers(folder: Path) -> list[str]:
    """Names of whatever is in ``folder`` (empty when it does not exist)."""
    return sorted(entry.name for entry in folder.iterdir()) if folder.exists() else []


def png(colour: tuple[int, int, int], size: tuple[int, int] = (640, 480)) -> bytes:
    """A solid-colour PNG."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def png_with_square(
    size: tuple[int, int], square: int, colour: tuple[int, int, int] = (255, 255, 255)
) -> bytes:
    """A black PNG with a centred square of ``square`` px (to measure zoom and pan)."""
    picture = Image.new("RGB", size, (0, 0, 0))
    left, top = (size[0] - square) // 2, (size[1] - square) // 2
    ImageDraw.Draw(picture).rectangle((left, top, left + square - 1, top + square - 1), fill=colour)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def clip(colours: Sequence[tuple[int, int, int]], fps: int, size: tuple[int, int] = (320, 240)) -> bytes:
    """A small H.264 MP4 showing each colour for one frame at ``fps``."""
    return clip_of([Image.new("RGB", size, colour) for colour in colours], fps)


def clip_of(pictures: Sequence[Image.Image], fps: int) -> bytes:
    """A small H.264 MP4 showing each picture for one frame at ``fps``."""
    size = pictures[0].size
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps, options={"preset": "ultrafast"})
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, fps)
        for index, picture in enumerate(pictures):
            frame = av.VideoFrame.from_image(picture)
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return out.getvalue()


def decoded_frames(path: str) -> list[av.VideoFrame]:
    """Every frame of the video at ``path``, in order."""
    with av.open(path) as container:
        return list(container.decode(video=0))


def rgb_frames(path: str) -> list[npt.NDArray[np.uint8]]:
    """Every frame of the video at ``path`` as an RGB array (height x width x 3)."""
    with av.open(path) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def colour_at(frame: av.VideoFrame, x: float = 0.5, y: float = 0.3) -> tuple[int, int, int]:
    """The RGB pixel at relative position (x, y) of ``frame``."""
    picture = frame.to_image()
    red, green, blue = picture.getpixel((int(picture.width * x), int(picture.height * y)))
    return red, green, blue


@pytest.fixture
def blobs() -> FakeBlobStore:
    return FakeBlobStore()


@pytest.fixture
def work_dir(tmp_path: Path) -> Path:
    return tmp_path / "renders"


@pytest.fixture
def renderer(blobs: FakeBlobStore, work_dir: Path) -> Iterator[AnimaticRenderer]:
    rendering = AnimaticRenderer(blobs, work_dir, fps=10)
    yield rendering
    rendering.close()
