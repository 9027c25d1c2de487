"""The band-by-band PNG decoder gives exactly the pixels of Pillow's whole decode.

PNGs are written here by hand, scanline by scanline, with a chosen filter on every row
(None, Sub, Up, Average, Paeth), so every filter meets every band boundary; Pillow's own full
decode is the oracle.
"""

from __future__ import annotations

import io
import os
import struct
import tracemalloc
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from adapters.ingest.png_bands import NotBandable, bands

CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
BANDABLE = [(0, 1), (0, 2), (0, 4), (0, 8), (2, 8), (3, 1), (3, 2), (3, 4), (3, 8), (4, 8), (6, 8)]
"""(colour type, bit depth) pairs the decoder takes: every 8-bit type, sub-byte grey and palette."""


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def filtered(row: bytes, prior: bytes, kind: int, bpp: int) -> bytes:
    """``row`` filtered with PNG filter ``kind`` against ``prior`` (the row above), as the PNG
    specification defines the filters (section 9.2)."""
    out = bytearray([kind])
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        predictor = (0, a, b, (a + b) // 2, paeth(a, b, c))[kind]
        out.append((x - predictor) & 0xFF)
    return bytes(out)


def row_bytes(width: int, colour: int, depth: int) -> int:
    return (width * CHANNELS[colour] * depth + 7) // 8


def png(
    width: int,
    height: int,
    colour: int,
    depth: int,
    rows: list[bytes],
    filters: list[int],
    *,
    idat_chunks: int = 1,
    transparency: bytes | None = None,
    interlace: int = 0,
    stream: bytes | None = None,
) -> bytes:
    """A PNG of raw ``rows``, row ``i`` filtered with ``filters[i]``; palette images get a
    palette of every index; the IDAT stream (or ``stream``) split into ``idat_chunks`` chunks."""
    bpp = max(1, CHANNELS[colour] * depth // 8)
    prior = bytes(row_bytes(width, colour, depth))
    scanlines = []
    for row, kind in zip(rows, filters, strict=True):
        scanlines.append(filtered(row, prior, kind, bpp))
        prior = row
    data = stream if stream is not None else zlib.compress(b"".join(scanlines), 6)
    parts = [
        b"\x89PNG\r\n\x1a\n",
        chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace)),
    ]
    if colour == 3:
        parts.append(
            chunk(b"PLTE", bytes((i * 37 + k * 91) % 256 for i in range(2**depth) for k in range(3)))
        )
    if transparency is not None:
        parts.append(chunk(b"tRNS", transparency))
    step = -(-len(data) // idat_chunks) or 1
    parts += [chunk(b"IDAT", data[i : i + step]) for i in range(0, len(data), step)]
    parts.append(chunk(b"IEND", b""))
    return b"".join(parts)


def written(tmp_path: Path, data: bytes, name: str = "picture.png") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def assert_same_pixels(path: str, rows: int) -> None:
    """The bands of ``rows`` rows, stacked, are Pillow's whole decode: mode, bytes, palette, alpha."""
    with Image.open(path) as whole:
        whole.load()
        got = list(bands(path, rows, max_pixels=10**9))
        assert [band.height for band in got[:-1]] == [rows] * (len(got) - 1)
        assert sum(band.height for band in got) == whole.height
        assert {band.mode for band in got} == {whole.mode}
        assert b"".join(band.tobytes() for band in got) == whole.tobytes()
        if whole.mode == "P":
            top = 0
            for band in got:
                assert band.getpalette() == whole.getpalette()
                above = whole.crop((0, top, whole.width, top + band.height))
                assert band.convert("RGBA").tobytes() == above.convert("RGBA").tobytes()
                top += band.height


@st.composite
def hand_made_pngs(draw: st.DrawFn) -> tuple[bytes, int]:
    colour, depth = draw(st.sampled_from(BANDABLE))
    width, height = draw(st.integers(1, 40)), draw(st.integers(1, 40))
    size = row_bytes(width, colour, depth)
    rows = [draw(st.binary(min_size=size, max_size=size)) for _ in range(height)]
    filters = draw(st.lists(st.integers(0, 4), min_size=height, max_size=height))
    transparency = None
    if colour == 3:
        transparency = draw(st.none() | st.binary(min_size=1, max_size=2**depth))
    data = png(
        width,
        height,
        colour,
        depth,
        rows,
        filters,
        idat_chunks=draw(st.integers(1, 4)),
        transparency=transparency,
    )
    return data, draw(st.integers(1, height + 2))


@settings(max_examples=300, deadline=None)
@given(made=hand_made_pngs())
def test_bands_of_any_size_are_exactly_the_whole_decode(
    tmp_path_factory: pytest.TempPathFactory, made: tuple[bytes, int]
) -> None:
    data, rows = made
    assert_same_pixels(written(tmp_path_factory.mktemp("png"), data), rows)


@pytest.mark.parametrize(("colour", "depth"), BANDABLE)
@pytest.mark.parametrize("kind", [0, 1, 2, 3, 4], ids=["none", "sub", "up", "average", "paeth"])
def test_every_filter_across_band_boundaries_and_large_reads(
    tmp_path: Path, colour: int, depth: int, kind: int
) -> None:
    width, height = 2003, 37  # rows of several kilobytes; the stream crosses the 64 KiB reads
    size = row_bytes(width, colour, depth)
    rows = [os.urandom(size) for _ in range(height)]
    path = written(tmp_path, png(width, height, colour, depth, rows, [kind] * height, idat_chunks=3))
    for band_rows in (1, 4, 36, 37, 64):
        assert_same_pixels(path, band_rows)


@pytest.mark.parametrize("mode", ["1", "L", "LA", "RGB", "RGBA", "P"])
@pytest.mark.parametrize("size", [(1, 1), (1, 97), (97, 1), (123, 45)])
def test_pngs_written_by_pillow_with_its_adaptive_filters(
    tmp_path: Path, mode: str, size: tuple[int, int]
) -> None:
    noise = Image.frombytes("RGBA", size, os.urandom(size[0] * size[1] * 4))
    picture = noise.convert(mode) if mode != "P" else noise.convert("RGB").quantize(200)
    for options in ({}, {"optimize": True}, {"compress_level": 0}):
        buf = io.BytesIO()
        picture.save(buf, format="PNG", **options)
        assert_same_pixels(written(tmp_path, buf.getvalue()), 8)


def test_an_animated_png_is_read_as_its_default_image(tmp_path: Path) -> None:
    frames = [Image.new("RGBA", (60, 50), colour) for colour in ("red", "blue", "green")]
    buf = io.BytesIO()
    frames[0].save(buf, format="PNG", save_all=True, append_images=frames[1:])
    path = written(tmp_path, buf.getvalue())
    (band,) = bands(path, 64, max_pixels=10**9)
    assert band.getpixel((30, 25)) == (255, 0, 0, 255)
    assert_same_pixels(path, 7)


@pytest.mark.parametrize(
    ("colour", "depth", "interlace"),
    [(0, 16, 0), (2, 16, 0), (6, 16, 0), (2, 8, 1)],
    ids=["grey16", "rgb16", "rgba16", "interlaced"],
)
def test_sixteen_bit_and_interlaced_pngs_are_left_to_the_whole_decode(
    tmp_path: Path, colour: int, depth: int, interlace: int
) -> None:
    size = row_bytes(4, colour, depth)
    path = written(tmp_path, png(4, 4, colour, depth, [bytes(size)] * 4, [0] * 4, interlace=interlace))
    with pytest.raises(NotBandable):
        next(bands(path, 2, max_pixels=10**9))


def test_an_image_over_the_pixel_cap_is_refused_before_its_data_is_read(tmp_path: Path) -> None:
    garbage = b"not a zlib stream at all"  # inflating it is an error, not the cap's
    path = written(tmp_path, png(1000, 1000, 2, 8, [], [], stream=garbage))
    with pytest.raises(Image.DecompressionBombError):
        next(bands(path, 16, max_pixels=999_999))
    with pytest.raises(OSError, match="corrupt"):
        next(bands(path, 16, max_pixels=1_000_000))


def test_a_stream_that_inflates_past_the_declared_rows_is_not_inflated_further(tmp_path: Path) -> None:
    width, height = 1000, 100  # 100 kB of grey declared; the stream holds 200 MB of zeros
    bomb = zlib.compressobj(9)
    stream = b"".join(bomb.compress(bytes(1 << 20)) for _ in range(200)) + bomb.flush()
    path = written(tmp_path, png(width, height, 0, 8, [], [], stream=stream))
    tracemalloc.start()
    try:
        got = list(bands(path, 10, max_pixels=10**9))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(band.height for band in got) == height
    assert all(band.tobytes() == bytes(width * band.height) for band in got)
    assert peak < 4 << 20  # never more than a band and a 64 KiB read of the stream at a time


@pytest.mark.parametrize("cut", [0.3, 0.99], ids=["cut-early", "cut-late"])
def test_a_truncated_stream_is_an_error_not_a_short_image(tmp_path: Path, cut: float) -> None:
    width, height = 300, 50
    rows = [os.urandom(width * 3) for _ in range(height)]
    whole = zlib.compress(b"".join(filtered(r, bytes(width * 3), 0, 3) for r in rows))
    path = written(
        tmp_path, png(width, height, 2, 8, rows, [0] * height, stream=whole[: int(len(whole) * cut)])
    )
    with pytest.raises(OSError, match=r"truncated|ends before"):
        list(bands(path, 8, max_pixels=10**9))


def test_an_unknown_filter_type_is_an_error(tmp_path: Path) -> None:
    stream = zlib.compress(b"\x07" + bytes(12) + b"\x00" + bytes(12))
    path = written(tmp_path, png(4, 2, 2, 8, [], [], stream=stream))
    with pytest.raises((OSError, ValueError)):
        list(bands(path, 1, max_pixels=10**9))
