"""Real small media files made on the fly (Pillow, PyAV, wave) for the asset tests."""

from __future__ import annotations

import array
import io
import math
import struct
import wave
from fractions import Fraction
from functools import cache

import av
from PIL import Image


@cache
def image(fmt: str = "PNG", size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    """An image of ``size`` in Pillow format ``fmt`` (PNG, JPEG, WEBP, GIF)."""
    buf = io.BytesIO()
    Image.new(mode, size, (200, 30, 60) if mode == "RGB" else 128).save(buf, format=fmt)
    return buf.getvalue()


@cache
def video(
    container: str = "mp4", codec: str = "mpeg4", size: tuple[int, int] = (64, 48), frames: int = 12
) -> bytes:
    """A short video (``frames`` at 12 fps) in ``container`` with ``codec``."""
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=12)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            frame = av.VideoFrame.from_image(Image.new("RGB", size, (i * 20 % 255, 80, 120)))
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return buf.getvalue()


def webm() -> bytes:
    """A short VP8 WebM clip."""
    return video("webm", "libvpx")


@cache
def audio(container: str, codec: str, seconds: float = 0.5, rate: int = 44100) -> bytes:
    """A sine tone encoded with PyAV (e.g. ``("mp3", "mp3")`` or ``("ogg", "libvorbis")``)."""
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        frame_size = stream.codec_context.frame_size or 1024
        total = int(seconds * rate)
        fmt = stream.codec_context.format.name
        for start in range(0, total, frame_size):
            n = min(frame_size, total - start)
            samples = [math.sin(2 * math.pi * 440 * (start + i) / rate) for i in range(n)]
            frame = _audio_frame(samples, fmt, rate)
            frame.pts = start
            frame.time_base = Fraction(1, rate)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return buf.getvalue()


def _audio_frame(samples: list[float], fmt: str, rate: int) -> av.AudioFrame:
    code, scale = {
        "fltp": ("f", 1.0),
        "flt": ("f", 1.0),
        "s16p": ("h", 9000),
        "s16": ("h", 9000),
        "s32p": ("i", 2**29),
    }[fmt]
    frame = av.AudioFrame(format=fmt, layout="mono", samples=len(samples))
    frame.planes[0].update(array.array(code, [type(scale)(x * scale) for x in samples]).tobytes())
    frame.sample_rate = rate
    return frame


@cache
def wav(seconds: float = 0.5, rate: int = 8000) -> bytes:
    """A mono 16-bit WAV tone made with the standard library."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        n = int(seconds * rate)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 5))) for i in range(n)))
    return buf.getvalue()


def pdf() -> bytes:
    """A minimal one-page PDF."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def text() -> bytes:
    """A UTF-8 text file with non-ASCII characters."""
    return "Brief notes — café, naïve, 日本語.\nSecond line.\n".encode()


def html() -> bytes:
    """An HTML page (refused as an image)."""
    return b"<!DOCTYPE html><html><head><title>x</title></head><body>hello</body></html>\n"
