"""Still pictures of an animatic drawn with Pillow: fitted images, title cards, captions."""

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
    """The image at ``path`` scaled to cover ``size`` and centre-cropped, as RGB."""
    try:
        with Image.open(path) as source:
            source.draft("RGB", size)
            picture = ImageOps.exif_transpose(source)
            if picture.mode in ("RGBA", "LA", "P", "PA"):
                picture = picture.convert("RGBA")
                flat = Image.new("RGBA", picture.size, (*background, 255))
                picture = Image.alpha_composite(flat, picture)
            picture = picture.convert("RGB")
            return ImageOps.fit(picture, size, Image.Resampling.BILINEAR)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise UnsupportedMediaType(f"image asset cannot be decoded: {error}") from error


def title_card(size: tuple[int, int], description: str, label: str, colours: Sequence[str]) -> Image.Image:
    """A card in the brand colour with the scene description in large type."""
    background = parse_colour(colours[0] if colours else None)
    accent = (
        parse_colour(colours[1], text_colour(background)) if len(colours) > 1 else text_colour(background)
    )
    width, height = size
    card = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(card)
    unit = min(width, height)
    margin = unit // 12
    draw.rectangle((margin, margin, margin + unit // 8, margin + max(2, unit // 120)), fill=accent)
    label_font = font(unit // 30)
    label_line = clip_lines(wrap(printable(label), label_font, width - 2 * margin), 1)
    draw.text((margin, margin + unit // 40), "".join(label_line), font=label_font, fill=accent)
    _draw_block(
        draw,
        description,
        (margin, height // 5, width - margin, height * 2 // 3),
        unit,
        text_colour(background),
    )
    return card


def _draw_block(
    draw: ImageDraw.ImageDraw,
    text: str,
    box: tuple[int, int, int, int],
    unit: int,
    fill: tuple[int, int, int],
) -> None:
    left, top, right, bottom = box
    for size in (unit // 14, unit // 18, unit // 24, unit // 32):
        face = font(size)
        lines = wrap(printable(text), face, right - left)
        if len(lines) * size * 1.3 <= bottom - top:
            break
    lines = clip_lines(lines, max(1, int((bottom - top) / (size * 1.3))))
    for row, line in enumerate(lines):
        draw.text((left, top + int(row * size * 1.3)), line, font=face, fill=fill)


def caption_band(script: str, width: int, height: int) -> tuple[Image.Image, int] | None:
    """The script as a boxed, shadowed caption (RGBA) and the y where it goes; None when empty."""
    if not printable(script).strip():
        return None
    unit = min(width, height)
    size = max(14, unit // 22)
    face = font(size)
    pad = size // 2
    lines = clip_lines(wrap(printable(script), face, width - 4 * pad), 3)
    line_height = int(size * 1.3)
    band = Image.new("RGBA", (width, len(lines) * line_height + 2 * pad), (0, 0, 0, 150))
    draw = ImageDraw.Draw(band)
    for row, line in enumerate(lines):
        x = (width - face.getlength(line)) / 2
        y = pad + row * line_height
        draw.text((x + 2, y + 2), line, font=face, fill=(0, 0, 0, 255))
        draw.text((x, y), line, font=face, fill=(255, 255, 255, 255))
    return band, height - band.height - height // 24


def with_caption(picture: Image.Image, caption: tuple[Image.Image, int] | None) -> Image.Image:
    """``picture`` with the caption band pasted over it (in place; returns it)."""
    if caption is not None:
        band, top = caption
        picture.paste(band, (0, top), band)
    return picture
