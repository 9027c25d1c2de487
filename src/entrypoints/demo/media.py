"""The demo's generated product shot: a drink can on a brand-coloured gradient (Pillow, no files)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

BRAND_COLORS: tuple[str, ...] = ("#0B5FA5", "#F2A900", "#FFFFFF")
"""The demo client's brand colours (the renderer paints title cards in the first)."""

WIDTH, HEIGHT = 960, 720


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _gradient(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    column = Image.new("RGB", (1, HEIGHT))
    for y in range(HEIGHT):
        column.putpixel((0, y), _mix(top, bottom, y / (HEIGHT - 1)))
    return column.resize((WIDTH, HEIGHT))


def _can(draw: ImageDraw.ImageDraw, body: tuple[int, int, int], band: tuple[int, int, int]) -> None:
    left, right, top, bottom = 380, 580, 150, 600
    draw.ellipse((left + 40, bottom - 10, right + 90, bottom + 40), fill=(0, 0, 0, 70))
    draw.rounded_rectangle((left, top, right, bottom), radius=36, fill=(*body, 255))
    draw.rounded_rectangle((left + 24, top + 20, left + 54, bottom - 20), radius=14, fill=(255, 255, 255, 90))
    draw.rectangle((left, 320, right, 430), fill=(*band, 255))
    draw.ellipse((left + 10, top - 18, right - 10, top + 18), fill=(200, 205, 212, 255))
    font = ImageFont.load_default(size=36)
    draw.text(((left + right) / 2, 375), "AURORA", fill=(255, 255, 255, 255), font=font, anchor="mm")


def product_png() -> bytes:
    """A PNG of the demo product: a can in the brand colours with a soft shadow and highlight."""
    primary, accent, light = (_rgb(c) for c in BRAND_COLORS)
    image = _gradient(_mix(light, primary, 0.25), primary).convert("RGBA")
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    _can(ImageDraw.Draw(overlay), _mix(primary, (0, 0, 0), 0.2), accent)
    image.alpha_composite(overlay)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()
