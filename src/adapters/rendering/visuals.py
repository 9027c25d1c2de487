"""Pictures drawn with Pillow: images fitted to the frame, the caption and the call to action."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence

from PIL import Image, ImageColor, ImageDraw, ImageFont, ImageOps

from v3core.errors import UnsupportedMediaType

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
DEFAULT_BACKGROUND = (31, 41, 55)
WHITE = (255, 255, 255)
INK = (17, 24, 39)


def parse_colour(
    text: str | None, fallback: tuple[int, int, int] = DEFAULT_BACKGROUND
) -> tuple[int, int, int]:
    """``#rrggbb`` (or any CSS colour Pillow knows) as RGB; ``fallback`` when unreadable."""
    try:
        red, green, blue = ImageColor.getrgb((text or "").strip())[:3]
    except ValueError:
        return fallback
    return red, green, blue


def text_colour(background: tuple[int, int, int]) -> tuple[int, int, int]:
    """White on dark backgrounds, near-black on light ones."""
    red, green, blue = background
    return INK if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else WHITE


def font(size: int) -> Font:
    """Pillow's bundled default font at ``size`` px (no system font paths)."""
    return ImageFont.load_default(size=max(8, size))


_SUBSTITUTES = str.maketrans(
    {"\u2014": "-", "\u2013": "-", "\u2022": "\u00b7", "\u00df": "ss", "\u20ac": "EUR", "\u00a3": "GBP"}
)


def printable(text: str) -> str:
    """``text`` reduced to glyphs the bundled font has: accents dropped, dashes made ASCII.

    The default font covers Latin letters without diacritics; other scripts are left out.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_SUBSTITUTES))
    return "".join(
        char
        for char in decomposed
        if char.isspace() or (not unicodedata.combining(char) and _has_glyph(char))
    )


@functools.lru_cache(maxsize=4096)
def _has_glyph(char: str) -> bool:
    return _glyph_bits(char) != _glyph_bits("\U0010fff0")


@functools.lru_cache(maxsize=4096)
def _glyph_bits(char: str) -> bytes:
    mask = font(24).getmask(char)
    return (
        bytes(Image.frombuffer("L", mask.size, bytes(mask), "raw", "L", 0, 1).tobytes())
        if mask.size[0]
        else b""
    )


def wrap(text: str, face: Font, width: int) -> list[str]:
    """Greedy word wrap to ``width`` px; words too long for a line are split."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if face.getlength(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while face.getlength(line) > width and len(line) > 1:
                cut = _longest_prefix(line, face, width)
                lines.append(line[:cut])
                line = line[cut:]
        if line:
            lines.append(line)
    return lines


def _longest_prefix(word: str, face: Font, width: int) -> int:
    cut = len(word) - 1
    while cut > 1 and face.getlength(word[:cut]) > width:
        cut -= 1
    return cut


def clip_lines(lines: Sequence[str], limit: int) -> list[str]:
    """At most ``limit`` lines, the last ending in an ellipsis when text was dropped."""
    if len(lines) <= limit:
        return list(lines)
    kept = list(lines[:limit])
    kept[-1] = kept[-1].rstrip(" .,;:") + "…"
    return kept


def fitted_image(path: str, size: tuple[int, int], background: tuple[int, int, int]) -> Image.Image:
    """The image at ``path`` scaled to cover ``size`` and centre-cropped, as RGB.

    JPEGs are decoded at a reduced scale when they are much larger than ``size``
    (``draft``), so a huge photo is never held at full resolution.
    """
    try:
        with Image.open(path) as source:
            source.draft("RGB", size)
            picture = ImageOps.exif_transpose(source)
            if picture.mode in ("RGBA", "LA", "P", "PA"):
                picture = picture.convert("RGBA")
                flat = Image.new("RGBA", picture.size, (*background, 255))
                picture = Image.alpha_composite(flat, picture)
            picture = picture.convert("RGB")
            return ImageOps.fit(picture, size, Image.Resampling.BICUBIC)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise UnsupportedMediaType(f"image asset cannot be decoded: {error}") from error


Placed = tuple[Image.Image, int, int]
"""An RGBA picture and the even (left, top) where it goes on the frame."""


def caption_band(script: str, size: tuple[int, int], colours: Sequence[str] = ()) -> Placed | None:
    """The script as a caption near the bottom: white text with a shadow on a translucent band.

    A thin line in the first brand colour tops the band. At most 3 lines (ellipsis);
    None when there is nothing printable to show.
    """
    if not printable(script).strip():
        return None
    width, height = size
    unit = min(width, height)
    text_size = max(14, unit // 22)
    face = font(text_size)
    pad = text_size // 2
    lines = clip_lines(wrap(printable(script), face, width - 4 * pad), 3)
    line_height = int(text_size * 1.3)
    band = Image.new("RGBA", (width, len(lines) * line_height + 2 * pad), (0, 0, 0, 150))
    draw = ImageDraw.Draw(band)
    accent = parse_colour(colours[0]) if colours else None
    if accent is not None:
        draw.rectangle((0, 0, width, max(2, unit // 180)), fill=(*accent, 255))
    for row, line in enumerate(lines):
        x = (width - face.getlength(line)) / 2
        y = pad + row * line_height
        draw.text((x + 2, y + 2), line, font=face, fill=(0, 0, 0, 255))
        draw.text((x, y), line, font=face, fill=(255, 255, 255, 255))
    return band, 0, _even(height - band.height - height // 24)


def cta_card(text: str, size: tuple[int, int], colours: Sequence[str]) -> Placed | None:
    """The call to action as a rounded button in the brand colours, centred above the caption.

    Filled with the second brand colour (the first when there is one), the text in
    white or near-black, whichever reads on it; at most 2 lines. None when empty.
    """
    if not printable(text).strip():
        return None
    width, height = size
    unit = min(width, height)
    fill = parse_colour(colours[1] if len(colours) > 1 else (colours[0] if colours else None))
    ink = text_colour(fill)
    text_size = max(16, unit // 14)
    face = font(text_size)
    pad = text_size * 2 // 3
    lines = clip_lines(wrap(printable(text), face, int(width * 0.8) - 2 * pad), 2)
    line_height = int(text_size * 1.25)
    box_w = int(max(face.getlength(line) for line in lines)) + 2 * pad
    box_h = len(lines) * line_height + 2 * pad - (line_height - text_size)
    card = Image.new("RGBA", (box_w, box_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(card)
    draw.rounded_rectangle((0, 0, box_w - 1, box_h - 1), radius=pad, fill=(*fill, 240))
    for row, line in enumerate(lines):
        x = (box_w - face.getlength(line)) / 2
        draw.text((x, pad + row * line_height), line, font=face, fill=(*ink, 255))
    return card, _even((width - box_w) // 2), _even(int(height * 0.42) - box_h // 2)


def _even(value: int) -> int:
    return max(0, value - value % 2)
