"""What a scene shows frame by frame: a still (image or title card) or a looping clip."""

from __future__ import annotations

from collections.abc import Generator
from typing import Protocol, cast

import av
from PIL import Image

from v3core.errors import UnsupportedMediaType

from .visuals import with_caption

Caption = tuple[Image.Image, int] | None


def to_video_frame(picture: Image.Image) -> av.VideoFrame:
    """An RGB picture as a yuv420p frame ready for the encoder."""
    return cast(av.VideoFrame, av.VideoFrame.from_image(picture)).reformat(format="yuv420p")  # type: ignore[no-untyped-call]


class SceneSource(Protocol):
    """Pictures of one scene by frame index relative to its start (may run past either end)."""

    def picture(self, index: int) -> Image.Image:
        """The RGB picture shown at ``index`` (to blend in transitions)."""
        ...

    def frame(self, index: int) -> av.VideoFrame:
        """The encoder-ready frame shown at ``index``."""
        ...

    def close(self) -> None:
        """Release decoders and files."""
        ...


class StillSource:
    """The same composed picture for every frame, converted for the encoder once."""

    def __init__(self, picture: Image.Image) -> None:
        self._picture = picture
        self._frame: av.VideoFrame | None = None

    def picture(self, index: int) -> Image.Image:
        return self._picture

    def frame(self, index: int) -> av.VideoFrame:
        if self._frame is None:
            self._frame = to_video_frame(self._picture)
        return self._frame

    def close(self) -> None:
        self._frame = None


class ClipSource:
    """A video asset decoded in order, scaled to cover the frame, looped to fill the scene."""

    def __init__(self, path: str, size: tuple[int, int], fps: int, caption: Caption) -> None:
        self._size = size
        self._fps = fps
        self._caption = caption
        self._decoded = _looped_frames(path)
        self._upcoming: tuple[float, av.VideoFrame] | None = None
        self._picture: Image.Image | None = None
        self._frame: av.VideoFrame | None = None

    def picture(self, index: int) -> Image.Image:
        self._advance(max(0, index) / self._fps)
        assert self._picture is not None
        return self._picture

    def frame(self, index: int) -> av.VideoFrame:
        picture = self.picture(index)
        if self._frame is None:
            self._frame = to_video_frame(picture)
        return self._frame

    def close(self) -> None:
        self._decoded.close()

    def _advance(self, seconds: float) -> None:
        chosen: av.VideoFrame | None = None
        while True:
            if self._upcoming is None:
                self._upcoming = next(self._decoded)
            at, decoded = self._upcoming
            if at > seconds + 1e-6 and (chosen is not None or self._picture is not None):
                break
            chosen, self._upcoming = decoded, None
        if chosen is not None:
            self._picture = with_caption(_cover(chosen, self._size), self._caption)
            self._frame = None


def _cover(decoded: av.VideoFrame, size: tuple[int, int]) -> Image.Image:
    width, height = size
    scale = max(width / decoded.width, height / decoded.height)
    scaled_w = max(width, round(decoded.width * scale))
    scaled_h = max(height, round(decoded.height * scale))
    scaled = decoded.reformat(width=scaled_w, height=scaled_h, format="rgb24")
    picture = cast(Image.Image, scaled.to_image())  # type: ignore[no-untyped-call]
    left, top = (scaled_w - width) // 2, (scaled_h - height) // 2
    return picture.crop((left, top, left + width, top + height))


def _looped_frames(path: str) -> Generator[tuple[float, av.VideoFrame], None, None]:
    """Decoded frames with their time from the clip start, restarting at the end forever."""
    offset = 0.0
    while True:
        count, last, step = 0, 0.0, 1 / 24
        try:
            with av.open(path) as container:
                stream = container.streams.video[0]
                stream.thread_type = "AUTO"
                if stream.average_rate:
                    step = 1 / float(stream.average_rate)
                first: float | None = None
                for decoded in container.decode(stream):
                    at = decoded.time if decoded.time is not None else count * step
                    first = at if first is None else first
                    last = at - first
                    count += 1
                    yield offset + last, decoded
        except (av.FFmpegError, IndexError) as error:
            raise UnsupportedMediaType(f"video asset cannot be decoded: {error}") from error
        if count == 0:
            raise UnsupportedMediaType("video asset has no frames")
        offset += last + step
