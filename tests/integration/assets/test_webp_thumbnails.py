"""Previews of WebPs: still ones are decoded by FFmpeg and scaled straight to the preview size
(decision 0122), so a large WebP never costs its full size several times over; the preview is
the picture Pillow's whole decode gives, give or take colour conversion and averaging."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from adapters.ingest.thumbnails import PillowThumbnailer
from tests.memory import MB, peak_rss_growth
from v3core.model import AssetType


def picture(size: tuple[int, int], alpha: bool) -> Image.Image:
    """Colour gradients under thick stripes; with ``alpha``, a radial fade to transparent."""
    width, height = size
    red = Image.linear_gradient("L").resize(size)
    green = Image.linear_gradient("L").rotate(90).resize(size)
    blue = Image.radial_gradient("L").resize(size)
    img = Image.merge("RGB", [red, green, blue])
    draw = ImageDraw.Draw(img)
    for x in range(-height, width, width // 6):
        draw.line([(x, 0), (x + height, height)], fill=(240, 140, 20), width=width // 30)
    if alpha:
        img.putalpha(Image.radial_gradient("L").resize(size).point(lambda v: 255 - v))
    return img


def preview(path: Path, **options: int) -> Image.Image:
    """The JPEG preview of the image at ``path``, decoded."""
    thumb = PillowThumbnailer(str(path.parent), **options).render(str(path), AssetType.IMAGE)
    assert thumb is not None
    with Image.open(thumb.path) as img:
        assert img.format == "JPEG"
        img.load()
        return img


def pillows_preview(path: Path) -> Image.Image:
    """What the preview should look like: Pillow's whole decode, reduced to fit 320x320, on
    white, as a JPEG of the previews' quality."""
    with Image.open(path) as img:
        img.thumbnail((320, 320))
        rgba = img.convert("RGBA")
    white = Image.new("RGB", rgba.size, (255, 255, 255))
    white.paste(rgba, mask=rgba.getchannel("A"))
    jpeg = io.BytesIO()
    white.save(jpeg, format="JPEG", quality=82)
    return Image.open(jpeg)


CASES: dict[str, tuple[dict[str, object], bool]] = {
    "lossy": ({"quality": 90}, False),
    "lossless": ({"lossless": True}, False),
    "lossy-alpha": ({"quality": 90}, True),
    "lossless-alpha": ({"lossless": True}, True),
}


@pytest.mark.parametrize("case", CASES)
def test_a_webp_preview_is_the_picture_of_the_whole_decode(tmp_path: Path, case: str) -> None:
    options, alpha = CASES[case]
    path = tmp_path / "big.webp"
    picture((1201, 799), alpha).save(path, format="WEBP", **options)
    got, want = preview(path), pillows_preview(path)
    assert got.size == want.size == (320, 213)
    difference = ImageStat.Stat(ImageChops.difference(got, want))
    assert max(difference.mean) < 3.5, difference.mean  # chroma upsampling, averaging, JPEG
    assert max(difference.rms) < 6, difference.rms


def test_the_transparent_part_of_a_webp_preview_is_white(tmp_path: Path) -> None:
    img = Image.new("RGBA", (1000, 500), (0, 0, 0, 0))
    img.paste((20, 40, 220, 255), (500, 0, 1000, 500))
    path = tmp_path / "half.webp"
    img.save(path, format="WEBP", quality=90)
    got = preview(path)
    assert got.size == (320, 160)
    assert all(abs(a - b) < 12 for a, b in zip(got.getpixel((60, 80)), (255, 255, 255), strict=True))  # type: ignore[arg-type]
    assert all(abs(a - b) < 12 for a, b in zip(got.getpixel((260, 80)), (20, 40, 220), strict=True))  # type: ignore[arg-type]


def test_an_animated_webp_preview_shows_its_first_frame(tmp_path: Path) -> None:
    first = Image.new("RGB", (640, 480), (200, 30, 30))
    second = Image.new("RGB", (640, 480), (30, 30, 200))
    path = tmp_path / "anim.webp"
    first.save(path, format="WEBP", save_all=True, append_images=[second], duration=100)
    got = preview(path)
    assert got.size == (320, 240)
    assert all(abs(a - b) < 12 for a, b in zip(got.getpixel((160, 120)), (200, 30, 30), strict=True))  # type: ignore[arg-type]


def test_an_animated_webp_larger_than_its_cap_has_no_preview_and_a_still_one_of_that_size_has(
    tmp_path: Path,
) -> None:
    """Pillow decodes a WebP animation whole (~15 bytes a pixel): past
    ``max_animated_webp_pixels`` there is no preview (the route answers 404), as for a video over
    its cap; a still WebP of the same size is scaled by FFmpeg and keeps its preview."""
    frames = [Image.new("RGB", (640, 480), colour) for colour in ((200, 30, 30), (30, 30, 200))]
    animated = tmp_path / "anim.webp"
    frames[0].save(animated, format="WEBP", save_all=True, append_images=frames[1:], duration=100)
    still = tmp_path / "still.webp"
    frames[0].save(still, format="WEBP")
    small_cap = PillowThumbnailer(str(tmp_path), max_animated_webp_pixels=640 * 480 - 1)
    assert small_cap.render(str(animated), AssetType.IMAGE) is None
    assert preview(still, max_animated_webp_pixels=640 * 480 - 1).size == (320, 240)
    assert preview(animated, max_animated_webp_pixels=640 * 480).size == (320, 240)


def _chunks(webp: bytes) -> list[bytes]:
    """The RIFF chunks of a WebP file (container spec: tag, little-endian size, data, pad)."""
    found, at = [], 12
    while at < len(webp):
        size = struct.unpack("<I", webp[at + 4 : at + 8])[0]
        found.append(webp[at : at + 8 + size + size % 2])
        at += 8 + size + size % 2
    return found


def test_a_one_frame_animated_webp_has_a_preview(tmp_path: Path) -> None:
    """An animation of one frame (VP8X with the animation flag, ANIM, one ANMF)."""
    buf = io.BytesIO()
    first = Image.new("RGB", (640, 480), (30, 160, 30))
    first.save(buf, format="WEBP", save_all=True, append_images=[Image.new("RGB", (640, 480))], duration=100)
    chunks = _chunks(buf.getvalue())
    frames = [c for c in chunks if c.startswith(b"ANMF")]
    assert chunks[0].startswith(b"VP8X")
    assert len(frames) == 2
    body = b"WEBP" + b"".join(c for c in chunks if c is not frames[1])
    path = tmp_path / "one.webp"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    got = preview(path)
    assert got.size == (320, 240)
    assert all(abs(a - b) < 12 for a, b in zip(got.getpixel((160, 120)), (30, 160, 30), strict=True))  # type: ignore[arg-type]


def test_no_preview_of_a_webp_over_the_pixel_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.webp"
    Image.new("RGB", (400, 300), (9, 9, 9)).save(path, format="WEBP")
    assert (
        PillowThumbnailer(str(tmp_path), max_image_pixels=400 * 300 - 1).render(str(path), AssetType.IMAGE)
        is None
    )
    assert (
        PillowThumbnailer(str(tmp_path), max_image_pixels=400 * 300).render(str(path), AssetType.IMAGE)
        is not None
    )


def test_a_truncated_webp_has_no_preview(tmp_path: Path) -> None:
    path = tmp_path / "cut.webp"
    picture((900, 900), False).save(path, format="WEBP", lossless=True)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert PillowThumbnailer(str(tmp_path)).render(str(path), AssetType.IMAGE) is None


def test_the_preview_of_a_4000x4000_webp_never_holds_the_whole_image_several_times(tmp_path: Path) -> None:
    """16 megapixels: one RGBA copy is 64 MB, and Pillow's decode of a WebP held about four
    (≈ 240 MB); FFmpeg's one YUV 4:2:0 frame is 24 MB."""
    buf = io.BytesIO()
    picture((4000, 4000), False).save(buf, format="WEBP", quality=80, method=0)
    path = tmp_path / "big.webp"
    path.write_bytes(buf.getvalue())
    del buf
    thumbnailer = PillowThumbnailer(str(tmp_path))
    thumb, growth = peak_rss_growth(lambda: thumbnailer.render(str(path), AssetType.IMAGE))
    assert thumb is not None
    assert growth < 64 * MB, f"peak RSS grew by {growth / MB:.0f} MB"
