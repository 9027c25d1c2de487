"""A PNG decoded band by band: never more than a band of rows in memory.

Pillow decodes a PNG only whole (4 bytes a pixel for RGBA: ≈ 190 MB for 7000x7000). Here the
file's chunks are read directly: the IHDR is checked (size against the pixel cap, before
anything is inflated; 16-bit and interlaced images are left to Pillow), and the IDAT stream
is inflated incrementally (``decompressobj`` with ``max_length``), exactly one band of
filtered scanlines at a time and never more than the rows the IHDR declares.

Pillow still does the unfiltering and unpacking, in C: each band becomes a small PNG in
memory whose first row is the previous band's last *unfiltered* row (filter type None) — the
row the band's Up/Average/Paeth filters refer to — followed by the band's own filtered rows.
That small PNG is declared as an 8-bit "carrier" image with the same bytes per pixel as the
source (grey for palette and 1/2/4-bit images, whose filters work on whole bytes), so Pillow
hands back the raw unfiltered bytes, which are then unpacked into the source's own mode with
Pillow's raw decoder (``P;4``, ``L;2``, ``RGBA``...), palette and transparency as Pillow's
own ``Image.open`` reads them. The bands are exactly the rows of Pillow's full decode.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from PIL import Image

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_READ = 1 << 16
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_RAWMODES = {
    (1, 0): "1",
    (2, 0): "L;2",
    (4, 0): "L;4",
    (8, 0): "L",
    (8, 2): "RGB",
    (1, 3): "P;1",
    (2, 3): "P;2",
    (4, 3): "P;4",
    (8, 3): "P",
    (8, 4): "LA",
    (8, 6): "RGBA",
}
"""(bit depth, colour type) -> Pillow's raw mode for PNG samples (PngImagePlugin's table)."""
_CARRIERS = {1: 0, 2: 4, 3: 2, 4: 6}
"""Bytes per pixel -> colour type of an 8-bit PNG with that many bytes a pixel."""


class NotBandable(Exception):
    """A PNG this decoder leaves to Pillow's whole-image decode (16-bit, interlaced)."""


@attrs.frozen
class PngHeader:
    """The IHDR fields that matter here."""

    width: int
    height: int
    bit_depth: int
    colour_type: int
    interlaced: bool

    @property
    def row_bytes(self) -> int:
        """Bytes of one unfiltered row (without its filter-type byte)."""
        return (self.width * _CHANNELS[self.colour_type] * self.bit_depth + 7) // 8

    @property
    def pixel_bytes(self) -> int:
        """The filters' "bpp": bytes per complete pixel, at least 1."""
        return max(1, _CHANNELS[self.colour_type] * self.bit_depth // 8)

    @property
    def bandable(self) -> bool:
        return not self.interlaced and (self.bit_depth, self.colour_type) in _RAWMODES


def read_header(f: IO[bytes]) -> PngHeader:
    """The IHDR of the PNG ``f`` is positioned at the start of; ``ValueError`` if it is not one."""
    if f.read(8) != SIGNATURE:
        raise ValueError("not a PNG file")
    length, kind = struct.unpack(">I4s", _exactly(f, 8))
    if kind != b"IHDR" or length != 13:
        raise ValueError("a PNG starts with a 13-byte IHDR chunk")
    data = _exactly(f, 13)
    width, height, depth, colour, _compression, _filter, interlace = struct.unpack(">IIBBBBB", data)
    if struct.unpack(">I", _exactly(f, 4))[0] != zlib.crc32(kind + data):
        raise ValueError("the IHDR chunk is corrupt (CRC)")
    if not width or not height or colour not in _CHANNELS:
        raise ValueError(f"invalid PNG header: {width}x{height}, colour type {colour}")
    return PngHeader(width, height, depth, colour, interlace != 0)


def bands(path: str, rows: int, max_pixels: int) -> Iterator[Image.Image]:
    """The image at ``path`` as consecutive bands of ``rows`` rows (the last may be shorter),
    each a Pillow image in the mode, palette and transparency of Pillow's own decode.

    Raises ``DecompressionBombError`` when the IHDR declares more than ``max_pixels`` (before
    anything is inflated), ``NotBandable`` for what Pillow must decode whole, and ``OSError`` /
    ``ValueError`` for a corrupt or truncated file."""
    from PIL import Image

    with open(path, "rb") as f:
        header = read_header(f)
        if header.width * header.height > max_pixels:
            raise Image.DecompressionBombError(
                f"{header.width}x{header.height} is more than {max_pixels} pixels"
            )
        if not header.bandable:
            raise NotBandable(f"bit depth {header.bit_depth}, interlaced {header.interlaced}")
        with Image.open(path, formats=["PNG"]) as opened:  # header chunks only: mode, palette, tRNS
            mode, palette, info = opened.mode, opened.palette, dict(opened.info)
        rawmode = _RAWMODES[header.bit_depth, header.colour_type]
        scanlines = _Inflater(_idat(f))
        stride, width = header.row_bytes + 1, header.width
        previous = bytes(header.row_bytes)  # the row "above" the first: zeros, as the filters define
        for top in range(0, header.height, rows):
            count = min(rows, header.height - top)
            carrier = _unfiltered(header, previous, scanlines.take(count * stride), count)
            if carrier.mode == rawmode:  # 8-bit L, LA, RGB, RGBA: the carrier is the image
                band = carrier.crop((0, 1, width, count + 1))
                previous = carrier.crop((0, count, width, count + 1)).tobytes()
            else:  # palette, 1/2/4-bit: the carrier's bytes are the packed samples
                raw = carrier.tobytes()
                previous = raw[-header.row_bytes :]
                band = Image.frombytes(
                    mode, (width, count), memoryview(raw)[header.row_bytes :], "raw", rawmode
                )
                if palette is not None:
                    band.putpalette(palette)
            del carrier
            band.info.update(info)
            yield band


def _unfiltered(header: PngHeader, previous: bytes, filtered: bytes, count: int) -> Image.Image:
    """``previous`` then the ``count`` rows of ``filtered`` unfiltered: Pillow decodes a one-band
    8-bit PNG with the source's bytes per pixel whose first row is ``previous`` (filter None)."""
    import io

    from PIL import Image

    colour = _CARRIERS[header.pixel_bytes]
    width = header.row_bytes // header.pixel_bytes
    ihdr = struct.pack(">IIBBBBB", width, count + 1, 8, colour, 0, 0, 0)
    idat = zlib.compress(b"".join((b"\x00", previous, filtered)), 0)  # stored: ~1 ms a band
    png = b"".join((SIGNATURE, _chunk(b"IHDR", ihdr), _chunk(b"IDAT", idat), _chunk(b"IEND", b"")))
    del idat, filtered
    with Image.open(io.BytesIO(png), formats=["PNG"]) as carrier:
        carrier.load()
        return carrier


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data, zlib.crc32(kind))
    return b"".join((struct.pack(">I", len(data)), kind, data, struct.pack(">I", crc)))


def _idat(f: IO[bytes]) -> Iterator[bytes]:
    """The IDAT stream in pieces of at most 64 KiB; the chunks before it are skipped."""
    seen = False
    while True:
        head = f.read(8)
        if len(head) < 8:
            return
        length, kind = struct.unpack(">I4s", head)
        if kind != b"IDAT":
            if seen or kind == b"IEND":
                return  # the IDAT chunks are consecutive; fdAT frames of an APNG come after
            f.seek(length + 4, 1)
            continue
        seen = True
        while length:
            piece = f.read(min(length, _READ))
            if not piece:
                return
            length -= len(piece)
            yield piece
        f.seek(4, 1)  # the CRC (the inspector's verify() checked every chunk's at upload)


class _Inflater:
    """The IDAT stream inflated on demand: ``take(n)`` inflates exactly ``n`` more bytes, so a
    stream that inflates to more than the declared rows is never inflated further."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._zlib = zlib.decompressobj()
        self._held = False  # the last call stopped at max_length: zlib may hold more output

    def take(self, n: int) -> bytes:
        parts: list[bytes] = []
        missing = n
        while missing:
            if self._zlib.unconsumed_tail or self._held:
                source = self._zlib.unconsumed_tail
            elif self._zlib.eof:
                raise OSError("the PNG's image data ends before its last row")
            else:
                source = next(self._pieces, b"")
                if not source:
                    raise OSError("the PNG is truncated")
            try:
                out = self._zlib.decompress(source, missing)
            except zlib.error as exc:  # an OSError, as Pillow reports a corrupt stream
                raise OSError(f"the PNG's image data is corrupt: {exc}") from exc
            self._held = len(out) == missing
            missing -= len(out)
            parts.append(out)
        return b"".join(parts)


def _exactly(f: IO[bytes], n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise ValueError("the PNG is truncated")
    return data
