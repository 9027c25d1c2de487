"""What a scene shows frame by frame: a moving image, footage, or a procedural background.

Every source yields yuv420p frames of the output size with the scene's overlays
(the caption cue of the moment, the call to action) already drawn; a frame is composed
only when its picture or its caption changes and the same frame object is handed out
again otherwise.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Protocol

import attrs
import av
from PIL import Image

from . import motion
from .frames import Overlay, Planes, Scaler, copy, crop, from_picture, planes_of, to_frame
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


@attrs.frozen
class TimedOverlay:
    """An overlay shown on the scene's frames ``first`` (included) to ``end`` (excluded): a
    caption cue."""

    first: int
    end: int
    overlay: Overlay


class Composed(abc.ABC):
    """Caches the composed frame: subclasses say which picture an index shows and draw it.

    ``captions`` are drawn under the fixed ``overlays``, each on its own frames only. While a
    source has captions it keeps the last picture without overlays, so a cue that starts or
    ends on an unchanged picture is drawn without drawing the picture again.
    """

    def __init__(self, overlays: Sequence[Overlay], captions: Sequence[TimedOverlay] = ()) -> None:
        self._overlays = tuple(overlays)
        self._captions = tuple(captions)
        self._key: object = None
        self._cue: int | None = None
        self._plain: Planes | None = None
        self._frame: av.VideoFrame | None = None

    def frame(self, index: int) -> av.VideoFrame:
        key = self._key_for(index)
        cue = self._cue_at(index)
        if self._frame is None or key != self._key:
            composed = self._draw(index)
            self._plain = copy(planes_of(composed)) if self._captions else None
            self._decorate(composed, cue)
            self._frame, self._key, self._cue = composed, key, cue
        elif cue != self._cue and self._plain is not None:
            composed = to_frame(self._plain)
            self._decorate(composed, cue)
            self._frame, self._cue = composed, cue
        return self._frame

    def _cue_at(self, index: int) -> int | None:
        for number, timed in enumerate(self._captions):
            if timed.first <= index < timed.end:
                return number
        return None

    def _decorate(self, composed: av.VideoFrame, cue: int | None) -> None:
        planes = planes_of(composed)
        if cue is not None:
            self._captions[cue].overlay.apply(planes)
        for overlay in self._overlays:
            overlay.apply(planes)

    def planes(self, index: int) -> Planes:
        return planes_of(self.frame(index))

    def hold(self) -> None:  # noqa: B027 - a default, not an abstract step
        """Nothing to release by default: drawn pictures keep moving."""

    def close(self) -> None:
        self._frame = self._plain = None

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
        captions: Sequence[TimedOverlay] = (),
    ) -> None:
        super().__init__(overlays, captions)
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

    def __init__(
        self,
        background: ProceduralBackground,
        overlays: Sequence[Overlay],
        captions: Sequence[TimedOverlay] = (),
    ) -> None:
        super().__init__(overlays, captions)
        self._background = background

    def _draw(self, index: int) -> av.VideoFrame:
        return self._background.frame(index)
