"""Previews of large PNGs are made band by band: the same picture as from a whole decode, in a
fraction of its memory, and never of an image over the pixel cap."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from adapters.ingest.thumbnails import PillowThumbnailer
from tests.memory import MB, peak_rss_growth
from v3core.model import AssetType

EVERYTHING = 10**12


def picture(mode: str, size: tuple[int, int]) -> Image.Image:
    """Noise under diagonal stripes (so both averaging and edges show), in ``mode``."""
    img = Image.frombytes("RGBA", size, os.urandom(size[0] * size[1] * 4))
    draw = ImageDraw.Draw(img)
    for x in range(-size[1], size[0], 40):
        draw.line([(x, 0), (x + size[1], size[1])], fill=(250, 120, 10, 200), width=7)
    return img.convert(mode)


def saved(tmp_path: Path, img: Image.Image, name: str = "big.png", **options: object) -> str:
    path = tmp_path / name
    img.save(path, format="PNG", **options)
    return str(path)


def preview(path: str, **options: int) -> Image.Image:
    """The JPEG preview of the image at ``path``, decoded."""
    thumb = PillowThumbnailer(str(Path(path).parent), **options).render(path, AssetType.IMAGE)
    assert thumb is not None
    with Image.open(thumb.path) as img:
        assert img.format == "JPEG"
        img.load()
        return img


def near(pixel: object, expected: tuple[int, ...]) -> bool:
    """``pixel`` is ``expected`` give or take JPEG's error."""
    assert isinstance(pixel, tuple)
    return all(abs(int(got) - want) < 12 for got, want in zip(pixel, expected, strict=True))


def in_bands(path: str) -> Image.Image:
    return preview(path, band_min_pixels=0)


def whole(path: str) -> Image.Image:
    return preview(path, band_min_pixels=EVERYTHING)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA"])
@pytest.mark.parametrize(
    "size", [(641, 333), (333, 641), (2001, 97), (1, 700), (700, 1), (1283, 1283), (5000, 3)], ids=str
)
def test_a_preview_made_in_bands_is_the_preview_of_the_whole_decode(
    tmp_path: Path, mode: str, size: tuple[int, int]
) -> None:
    path = saved(tmp_path, picture(mode, size))
    banded = in_bands(path)
    assert banded.size == whole(path).size
    assert banded.tobytes() == whole(path).tobytes()


def test_a_large_preview_is_at_most_320_pixels_a_side_with_the_aspect_kept(tmp_path: Path) -> None:
    path = saved(tmp_path, picture("RGB", (3000, 1400)))
    assert in_bands(path).size == (320, 149)


def test_a_palette_png_preview_averages_its_colours(tmp_path: Path) -> None:
    checker = Image.new("P", (1600, 1200))
    checker.putpalette([255, 0, 0, 0, 0, 255])
    checker.putdata([(x + y) % 2 for y in range(1200) for x in range(1600)])
    img = in_bands(saved(tmp_path, checker))
    assert img.size == (320, 240)
    assert near(img.getpixel((160, 120)), (128, 0, 128))  # purple, not a red or blue sample


def test_transparent_pixels_of_a_palette_png_turn_white(tmp_path: Path) -> None:
    img = Image.new("P", (1000, 800), 1)
    img.putpalette([0, 0, 0, 0, 128, 0])
    ImageDraw.Draw(img).rectangle([0, 0, 499, 799], fill=0)
    thumb = in_bands(saved(tmp_path, img, transparency=0))
    assert near(thumb.getpixel((40, 100)), (255, 255, 255))
    assert near(thumb.getpixel((280, 100)), (0, 128, 0))


@pytest.mark.parametrize("mode", ["I;16", "RGB"])
def test_a_sixteen_bit_or_interlaced_png_still_gets_a_preview(tmp_path: Path, mode: str) -> None:
    img = Image.new(mode, (700, 500), 3000 if mode == "I;16" else (10, 200, 30))
    path = saved(tmp_path, img, interlace=mode == "RGB")
    assert in_bands(path).size == (320, 229)


def test_a_truncated_large_png_has_no_preview(tmp_path: Path) -> None:
    path = Path(saved(tmp_path, picture("RGB", (900, 900))))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert PillowThumbnailer(str(tmp_path), band_min_pixels=0).render(str(path), AssetType.IMAGE) is None


@pytest.mark.parametrize("bands", [0, EVERYTHING], ids=["png-in-bands", "png-whole"])
@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF"])
def test_no_preview_of_an_image_over_the_pixel_cap(tmp_path: Path, bands: int, fmt: str) -> None:
    path = tmp_path / f"big.{fmt.lower()}"
    Image.new("RGB", (400, 300), (9, 9, 9)).save(path, format=fmt)
    capped = PillowThumbnailer(str(tmp_path), max_image_pixels=400 * 300 - 1, band_min_pixels=bands)
    assert capped.render(str(path), AssetType.IMAGE) is None
    at_cap = PillowThumbnailer(str(tmp_path), max_image_pixels=400 * 300, band_min_pixels=bands)
    assert at_cap.render(str(path), AssetType.IMAGE) is not None


def test_the_preview_of_a_4000x4000_rgba_png_never_holds_the_whole_image(tmp_path: Path) -> None:
    """Decoded whole it is 64 MB (4 bytes a pixel); in bands a few megabytes at a time."""
    big = Image.new("RGBA", (4000, 4000), (20, 60, 200, 255))
    draw = ImageDraw.Draw(big)
    for y in range(0, 4000, 150):
        draw.line([(0, y), (4000, 4000 - y)], fill=(200, y % 255, 40, 128), width=9)
    buf = io.BytesIO()
    big.save(buf, format="PNG", compress_level=1)
    del big, draw
    path = tmp_path / "big.png"
    path.write_bytes(buf.getvalue())
    del buf
    thumbnailer = PillowThumbnailer(str(tmp_path))
    thumb, growth = peak_rss_growth(lambda: thumbnailer.render(str(path), AssetType.IMAGE))
    assert thumb is not None
    assert growth < 32 * MB, f"peak RSS grew by {growth / MB:.0f} MB"


def test_a_large_png_with_a_corrupt_image_stream_has_no_preview(tmp_path: Path) -> None:
    path = Path(saved(tmp_path, picture("RGB", (900, 900))))
    data = bytearray(path.read_bytes())
    start = data.index(b"IDAT") + 4
    data[start + 2 : start + 400] = bytes(range(256)) + bytes(142)  # the deflate data, not its header
    path.write_bytes(bytes(data))
    thumbnailer = PillowThumbnailer(str(tmp_path), band_min_pixels=0)
    assert thumbnailer.render(str(path), AssetType.IMAGE) is None
