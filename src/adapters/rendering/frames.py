"""Pictures as yuv420p planes (numpy views of PyAV frames), blended and overlaid without RGB.

Every frame of a render is composed in the encoder's own format: scaling and colour
conversion are done by swscale (``VideoFrame.reformat``, C code that releases the GIL),
cropping is a numpy slice, and overlays and transitions are integer arithmetic on
the planes. Nothing here converts a whole frame to RGB.
"""

from __future__ import annotations

from typing import cast

import av
import numpy as np
import numpy.typing as npt
from av.video.reformatter import VideoReformatter
from PIL import Image

Plane = npt.NDArray[np.uint8]
Planes = tuple[Plane, Plane, Plane]
"""Y (h x w), U and V (ceil(h/2) x ceil(w/2)) of one picture."""

BLACK_YUV = (16, 128, 128)
"""Video-range black, as swscale writes it for RGB (0, 0, 0)."""


def planes_of(frame: av.VideoFrame) -> Planes:
    """Views of the three planes of a yuv420p ``frame`` (no copy; padding cut off)."""
    views = [
        np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height, plane.line_size)[:, : plane.width]
        for plane in frame.planes
    ]
    return views[0], views[1], views[2]


def to_frame(planes: Planes) -> av.VideoFrame:
    """A new yuv420p frame holding a copy of ``planes``."""
    height, width = planes[0].shape
    frame = av.VideoFrame(width, height, "yuv420p")
    for target, source in zip(planes_of(frame), planes, strict=True):
        target[...] = source
    return frame


def copy(planes: Planes) -> Planes:
    """Owned copies of ``planes`` (safe to keep after their frame is gone, and to draw on)."""
    return planes[0].copy(), planes[1].copy(), planes[2].copy()


def crop(planes: Planes, left: int, top: int, size: tuple[int, int]) -> Planes:
    """Views of the ``size`` window at (``left``, ``top``) luma pixels (chroma at half)."""
    width, height = size
    luma = planes[0][top : top + height, left : left + width]
    chroma_w, chroma_h = (width + 1) // 2, (height + 1) // 2
    u, v = (plane[top // 2 : top // 2 + chroma_h, left // 2 : left // 2 + chroma_w] for plane in planes[1:])
    return luma, u, v


class Scaler:
    """Scales frames to yuv420p with one reused swscale context on one thread.

    ``VideoFrame.reformat`` builds a new context (and thread pool) for every frame it is
    called on; reusing one costs a third of the CPU. One thread: the cores are busy
    with the encoder's and decoder's own threads.
    """

    def __init__(self, interpolation: str = "BILINEAR") -> None:
        self._reformatter = VideoReformatter()
        self._interpolation = interpolation

    def __call__(self, frame: av.VideoFrame, size: tuple[int, int]) -> av.VideoFrame:
        """``frame`` at ``size`` in yuv420p; a NEW frame unless ``frame`` already is exactly that."""
        width, height = size
        return self._reformatter.reformat(
            frame, width, height, "yuv420p", interpolation=self._interpolation, threads=1
        )


def from_picture(picture: Image.Image) -> av.VideoFrame:
    """An RGB(A) Pillow picture as a yuv420p frame (the alpha channel is ignored)."""
    rgb = picture if picture.mode == "RGB" else picture.convert("RGB")
    return cast(av.VideoFrame, av.VideoFrame.from_image(rgb)).reformat(format="yuv420p")  # type: ignore[no-untyped-call]


def solid(size: tuple[int, int], yuv: tuple[int, int, int]) -> Planes:
    """A picture of ``size`` filled with one colour."""
    width, height = size
    chroma = ((height + 1) // 2, (width + 1) // 2)
    return (
        np.full((height, width), yuv[0], np.uint8),
        np.full(chroma, yuv[1], np.uint8),
        np.full(chroma, yuv[2], np.uint8),
    )


def blend(first: Planes, second: Planes, weight: float) -> Planes:
    """``first`` mixed with ``second`` (``weight`` 0 = all first, 1 = all second)."""
    share = round(max(0.0, min(1.0, weight)) * 256)
    mixed = []
    for one, two in zip(first, second, strict=True):
        total = one.astype(np.uint16) * (256 - share)
        total += two.astype(np.uint16) * share
        mixed.append((total >> 8).astype(np.uint8))
    return mixed[0], mixed[1], mixed[2]


class Overlay:
    """An RGBA picture placed at (left, top), precomputed in yuv420p with its alpha.

    ``apply`` draws it over planes in place: ``out = (under * (255 - a) + colour * a) / 255``
    on the overlay's rectangle only. ``left`` and ``top`` must be even.
    """

    def __init__(self, picture: Image.Image, left: int, top: int) -> None:
        if left % 2 or top % 2:
            raise ValueError("an overlay sits on even coordinates (chroma is subsampled)")
        width, height = picture.size
        even = Image.new("RGBA", (width + width % 2, height + height % 2), (0, 0, 0, 0))
        even.paste(picture.convert("RGBA"), (0, 0))
        colour = planes_of(from_picture(even))
        alpha = np.asarray(even.getchannel("A"), np.uint16)
        chroma_alpha = (alpha[0::2, 0::2] + alpha[1::2, 0::2] + alpha[0::2, 1::2] + alpha[1::2, 1::2]) // 4
        self.left, self.top = left, top
        self.size = even.size
        self._layers = [
            (colour[index].astype(np.uint16) * weight, 255 - weight)
            for index, weight in ((0, alpha), (1, chroma_alpha), (2, chroma_alpha))
        ]

    def apply(self, planes: Planes) -> None:
        """Draw the overlay over ``planes`` (modified in place), clipped to the picture."""
        window = crop(planes, self.left, self.top, self.size)
        for target, (premultiplied, remaining) in zip(window, self._layers, strict=True):
            rows, cols = target.shape
            mixed = target.astype(np.uint16) * remaining[:rows, :cols]
            mixed += premultiplied[:rows, :cols]
            mixed += 127
            target[...] = (mixed // 255).astype(np.uint8)
