"""What a scene shows frame by frame: a moving image, footage, or a procedural background.

Every source yields yuv420p frames of the output size with the scene's overlays
(caption, call to action) already drawn; a frame is composed only when its picture
changes and the same frame object is handed out again otherwise.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Protocol

import av
from PIL import Image

from . import motion
from .frames import Overlay, Planes, Scaler, crop, from_picture, planes_of, to_frame
from .procedural import ProceduralBackground


class SceneSource(Protocol):
    """Frames of one scene by index relative to its start (may run past either end)."""

    def frame(self, index: int) -> av.VideoFrame:
        """The encoder-ready frame shown at ``index`` (do not modify it)."""
        ...

    def planes(self, index: int) -> Planes:
        """The same picture as planes (to blend in transitions; do not modify them)."""
        ...

    def hold(self) -> None:
        """From now on show the current picture again instead of decoding further (see ``ClipSource``)."""
        ...

    def close(self) -> None:
        """Release decoders and files."""
        ...


class Composed(abc.ABC):
    """Caches the composed frame: subclasses say which picture an index shows and draw it."""

    def __init__(self, overlays: Sequence[Overlay]) -> None:
        self._overlays = tuple(overlays)
        self._key: object = None
        self._frame: av.VideoFrame | None = None

    def frame(self, index: int) -> av.VideoFrame:
        key = self._key_for(index)
        if self._frame is None or key != self._key:
            composed = self._draw(index)
            planes = planes_of(composed)
            for overlay in self._overlays:
                overlay.apply(planes)
            self._frame, self._key = composed, key
        return self._frame

    def planes(self, index: int) -> Planes:
        return planes_of(self.frame(index))

    def hold(self) -> None:  # noqa: B027 - a default, not an abstract step
        """Nothing to release by default: drawn pictures keep moving."""

    def close(self) -> None:
        self._frame = None

    def _key_for(self, index: int) -> object:
        return index

    @abc.abstractmethod
    def _draw(self, index: int) -> av.VideoFrame:
        """A NEW frame (never one shared with a decoder or a cache) showing ``index``."""


class MovingImage(Composed):
    """A still image animated by the scene's shot type (see ``motion``); never frozen.

    The image is prepared once at ``motion.MAX_ZOOM`` x the output size; each frame
    scales it down to the current zoom with swscale and cuts the window out.
    """

    def __init__(
        self,
        picture: Image.Image,
        size: tuple[int, int],
        frames: int,
        move: motion.Move,
        overlays: Sequence[Overlay],
    ) -> None:
        super().__init__(overlays)
        self._canvas = from_picture(picture)
        self._scaled = Scaler()
        self._size = size
        self._frames = max(1, frames - 1)
        self._move = move

    def _key_for(self, index: int) -> object:
        return motion.window(self._move.at(index / self._frames), self._canvas_size, self._size)

    @property
    def _canvas_size(self) -> tuple[int, int]:
        return self._canvas.width, self._canvas.height

    def _draw(self, index: int) -> av.VideoFrame:
        framing = self._move.at(index / self._frames)
        scaled_size, (left, top) = motion.window(framing, self._canvas_size, self._size)
        return to_frame(crop(planes_of(self._scaled(self._canvas, scaled_size)), left, top, self._size))


class Procedural(Composed):
    """A procedural motion background (a new picture every frame)."""

    def __init__(self, background: ProceduralBackground, overlays: Sequence[Overlay]) -> None:
        super().__init__(overlays)
        self._background = background

    def _draw(self, index: int) -> av.VideoFrame:
        return self._background.frame(index)
