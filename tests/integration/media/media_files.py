"""Real media made on the spot: a PNG with Pillow and a short H.264 MP4 with PyAV."""

from __future__ import annotations

import functools
import io

import av
from PIL import Image

HTML = b"<!doctype html><html><body>Service temporarily unavailable</body></html>"


@functools.cache
def png(width: int = 64, height: int = 36) -> bytes:
    """A small gradient PNG."""
    image = Image.new("RGB", (width, height))
    image.putdata([(x * 4 % 256, y * 7 % 256, 128) for y in range(height) for x in range(width)])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@functools.cache
def solid_png(rgb: tuple[int, ...], width: int = 64, height: int = 36) -> bytes:
    """A PNG of one colour (to recognise a scene's storyboard frame where it is sent on)."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), tuple(rgb)).save(out, format="PNG")
    return out.getvalue()


@functools.cache
def mp4(width: int = 64, height: int = 36, frames: int = 12, fps: int = 12) -> bytes:
    """A one-second H.264 MP4 whose frames change colour."""
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(frames):
            image = Image.new("RGB", (width, height), (index * 20 % 256, 90, 200))
            for packet in stream.encode(av.VideoFrame.from_image(image)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


@functools.cache
def m4a_audio_only() -> bytes:
    """An MP4 container holding only sound (not a video)."""
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("aac", rate=48000)
        frame = av.AudioFrame(format="fltp", layout="stereo", samples=1024)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.sample_rate = 48000
        for _ in range(10):
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


@functools.cache
def wav(seconds: float = 2.0, rate: int = 32000) -> bytes:
    """A stereo 16-bit WAV of a chord (what MusicGen's ``output_format: wav`` returns)."""
    import wave

    import numpy as np

    t = np.arange(int(seconds * rate)) / rate
    tone = sum(0.2 * np.sin(2 * np.pi * hz * t) for hz in (220.0, 277.2, 329.6))
    pcm = (np.stack([tone, tone], axis=1) * 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(pcm.tobytes())
    return out.getvalue()


@functools.cache
def solid_mp4(
    rgb: tuple[int, ...], width: int = 96, height: int = 54, frames: int = 24, fps: int = 12
) -> bytes:
    """A two-second H.264 MP4 of one colour (to find a provider's clip in a rendered video)."""
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        image = Image.new("RGB", (width, height), tuple(rgb))
        for _ in range(frames):
            for packet in stream.encode(av.VideoFrame.from_image(image)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()
