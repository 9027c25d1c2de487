"""Small real media for tests and benchmarks of generated footage (PyAV-encoded H.264 MP4)."""

from __future__ import annotations

import io
from fractions import Fraction

import av
from PIL import Image


def sample_clip(
    colour: tuple[int, int, int] = (230, 120, 20), seconds: float = 1.0, size: tuple[int, int] = (160, 90)
) -> bytes:
    """A solid-colour H.264 MP4 of ``seconds`` at 8 fps (what a fake video provider answers)."""
    fps = 8
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps, options={"preset": "ultrafast"})
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, fps)
        picture = Image.new("RGB", size, colour)
        for index in range(max(1, round(seconds * fps))):
            frame = av.VideoFrame.from_image(picture)
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return out.getvalue()


def noisy_clip(frames: int = 24, size: tuple[int, int] = (320, 240)) -> bytes:
    """A losslessly encoded MP4 of random noise: about 100 KB per frame, for size limits."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=8, options={"preset": "ultrafast", "qp": "0"})
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, 8)
        for index in range(frames):
            noise = Image.effect_noise(size, 128).convert("RGB")
            frame = av.VideoFrame.from_image(noise)
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return out.getvalue()
