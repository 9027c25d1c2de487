"""Video assets as footage: decoded one frame at a time, downscaled at once, cropped to cover.

Memory does not grow with the source's resolution beyond the decoder's own few
frames: each decoded frame is scaled by swscale straight to the size that covers
the output (never converted to RGB or an array at full size) and then dropped;
the decoder runs on at most ``decoder_threads`` threads (frame threading keeps one
full-size picture per thread, so very large sources decode on one). A clip is opened
(and probed) once per scene however often it loops, and the heap its decoder freed is
handed back to the OS (``malloc_trim``) at every loop and when the scene ends, so the
next decoder does not stack on top of it (docs/decisions/0205-footage-memory.md).
"""

from __future__ import annotations

from collections.abc import Generator, Sequence

import av

from adapters.ingest.memory_release import give_memory_back
from v3core.errors import UnsupportedMediaType

from .frames import Overlay, Scaler, crop, planes_of, to_frame
from .sources import Composed, TimedOverlay

LARGE_SOURCE_PIXELS = 3840 * 2160
"""Sources above this many pixels (beyond 4K UHD) decode on a single thread."""


def decoder_threads(width: int, height: int) -> int:
    """Decoder threads for a source of this size: 2, or 1 beyond 4K UHD."""
    return 1 if width * height > LARGE_SOURCE_PIXELS else 2


def cover(source: tuple[int, int], size: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
    """Scale ``source`` to cover ``size`` without distortion: the scaled size and the centred crop corner."""
    width, height = size
    scale = max(width / source[0], height / source[1])
    scaled_w = max(width, round(source[0] * scale))
    scaled_h = max(height, round(source[1] * scale))
    return (scaled_w, scaled_h), ((scaled_w - width) // 2, (scaled_h - height) // 2)


class ClipSource(Composed):
    """A video asset played from its start, looped when shorter than the scene, cut when longer.

    Output frame ``index`` shows the latest source frame at or before ``index / fps``
    seconds, so the clip plays at its own speed whatever its frame rate.
    """

    def __init__(
        self,
        path: str,
        size: tuple[int, int],
        fps: int,
        overlays: Sequence[Overlay],
        captions: Sequence[TimedOverlay] = (),
    ) -> None:
        super().__init__(overlays, captions)
        self._size = size
        self._fps = fps
        self._decoded = _looped_frames(path)
        self._upcoming: tuple[float, av.VideoFrame] | None = None
        self._shown: av.VideoFrame | None = None
        self._serial = 0
        self._held = False
        self._scaled = Scaler()

    def hold(self) -> None:
        """Freeze on the picture shown last and close the decoder (used when a transition out starts).

        A transition then never keeps two decoders of full-size pictures alive at once.
        """
        if self._serial > 0:
            self._held = True
            self._release()

    def close(self) -> None:
        super().close()
        self._release()

    def _release(self) -> None:
        self._decoded.close()
        self._upcoming = self._shown = None
        give_memory_back()

    def _key_for(self, index: int) -> object:
        if not self._held:
            self._advance(max(0, index) / self._fps)
        return self._serial

    def _draw(self, index: int) -> av.VideoFrame:
        decoded, self._shown = self._shown, None  # the full-size picture is not kept once drawn
        assert decoded is not None
        scaled_size, (left, top) = cover((decoded.width, decoded.height), self._size)
        small = self._scaled(decoded, scaled_size)
        if small is not decoded and scaled_size == self._size:
            return small  # already a new frame of the output size: draw on it directly
        return to_frame(crop(planes_of(small), left, top, self._size))

    def _advance(self, seconds: float) -> None:
        while True:
            if self._upcoming is None:
                self._upcoming = next(self._decoded)
            at, decoded = self._upcoming
            if at > seconds + 1e-6 and self._serial > 0:
                return
            self._shown, self._upcoming = decoded, None
            self._serial += 1


def _looped_frames(path: str) -> Generator[tuple[float, av.VideoFrame], None, None]:
    """Decoded frames with their time from the clip start, restarting at the end forever.

    The file is opened once: each loop seeks back to the first frame and the same decoder
    goes on. Opening it again would probe the file anew (``avformat_find_stream_info``
    decodes frames with a decoder of its own), for an 8K clip 70 MB more on top of the
    decoder still running.
    """
    offset = 0.0
    try:
        with av.open(path) as container:
            stream = container.streams.video[0]
            context = stream.codec_context
            context.thread_count = decoder_threads(context.width, context.height)
            stream.thread_type = "AUTO"
            step = 1 / float(stream.average_rate) if stream.average_rate else 1 / 24
            start = stream.start_time or 0
            while True:
                count, first, last = 0, None, 0.0
                for decoded in container.decode(stream):
                    at = decoded.time if decoded.time is not None else count * step
                    first = at if first is None else first
                    last = at - first
                    count += 1
                    yield offset + last, decoded
                if count == 0:
                    raise UnsupportedMediaType("video asset has no frames")
                offset += last + step
                container.seek(start, stream=stream)  # flushes the decoder too
                give_memory_back()
    except (av.FFmpegError, IndexError) as error:
        raise UnsupportedMediaType(f"video asset cannot be decoded: {error}") from error
