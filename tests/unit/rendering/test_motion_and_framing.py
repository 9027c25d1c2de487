"""The pure arithmetic of the compositor: camera moves, cover-fitting, decoder threads, palettes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from adapters.rendering import motion
from adapters.rendering.clips import cover, decoder_threads
from adapters.rendering.frames import BLACK_YUV, Overlay, blend, planes_of, solid, to_frame
from adapters.rendering.procedural import Palette

SIZE = (1280, 720)
CANVAS = motion.canvas_size(SIZE)


@pytest.mark.parametrize(
    ("shot", "name"),
    [
        ("close-up", "push-in"),
        ("extreme-close-up", "push-in"),
        ("wide", "pull-out"),
        ("establishing", "pull-out"),
        ("aerial", "pull-out"),
        ("product", "pan"),
        ("medium", "ken-burns"),
        ("Over-The-Shoulder", "ken-burns"),
        ("", "ken-burns"),
    ],
)
def test_each_shot_type_has_its_move(shot: str, name: str) -> None:
    assert motion.move_for(shot).name == name


def test_a_push_in_zooms_in_about_the_centre_and_a_pull_out_the_reverse() -> None:
    push = [motion.window(motion.PUSH_IN.at(t / 10), CANVAS, SIZE) for t in range(11)]
    pull = [motion.window(motion.PULL_OUT.at(t / 10), CANVAS, SIZE) for t in range(11)]

    widths = [scaled[0] for scaled, _ in push]
    assert widths == sorted(widths)
    assert widths[0] == 1280
    assert widths[-1] == CANVAS[0]
    assert pull == push[::-1]
    for (scaled_w, scaled_h), (left, top) in push:
        assert abs(left - (scaled_w - 1280) / 2) <= 0.5
        assert abs(top - (scaled_h - 720) / 2) <= 0.5


def test_a_pan_keeps_its_zoom_and_crosses_from_left_to_right() -> None:
    windows = [motion.window(motion.PAN.at(t / 10), CANVAS, SIZE) for t in range(11)]

    assert {scaled for scaled, _ in windows} == {CANVAS}
    lefts = [left for _, (left, _) in windows]
    assert lefts[0] == 0
    assert lefts[-1] == CANVAS[0] - 1280
    assert lefts == sorted(lefts)


@given(
    st.sampled_from([*list(motion.MOVES.values()), motion.KEN_BURNS]),
    st.floats(-1.0, 2.0),
    st.sampled_from([(1280, 720), (720, 1280), (1080, 1080), (1080, 1350)]),
)
def test_the_window_always_lies_inside_the_image_and_never_upsamples(
    move: motion.Move, progress: float, size: tuple[int, int]
) -> None:
    canvas = motion.canvas_size(size)
    (scaled_w, scaled_h), (left, top) = motion.window(move.at(progress), canvas, size)

    assert size[0] <= scaled_w <= canvas[0]
    assert size[1] <= scaled_h <= canvas[1]
    assert 0 <= left <= scaled_w - size[0]
    assert 0 <= top <= scaled_h - size[1]


@pytest.mark.parametrize(
    ("source", "size", "scaled", "corner"),
    [
        ((1920, 1080), (1280, 720), (1280, 720), (0, 0)),
        ((7680, 4320), (1280, 720), (1280, 720), (0, 0)),
        ((320, 240), (1280, 720), (1280, 960), (0, 120)),
        ((1920, 1080), (720, 1280), (2276, 1280), (778, 0)),
        ((1080, 1920), (1080, 1080), (1080, 1920), (0, 420)),
    ],
)
def test_footage_is_scaled_to_cover_and_centre_cropped(
    source: tuple[int, int], size: tuple[int, int], scaled: tuple[int, int], corner: tuple[int, int]
) -> None:
    assert cover(source, size) == (scaled, corner)


def test_sources_beyond_4k_decode_on_one_thread() -> None:
    assert decoder_threads(1920, 1080) == 2
    assert decoder_threads(3840, 2160) == 2
    assert decoder_threads(7680, 4320) == 1


def test_the_palette_comes_from_the_brand_colours() -> None:
    assert Palette.from_brand(("#112233", "#445566", "#778899")) == Palette(
        (0x11, 0x22, 0x33), (0x44, 0x55, 0x66), (0x77, 0x88, 0x99)
    )
    single = Palette.from_brand(("#1e40af",))
    assert single.primary == (0x1E, 0x40, 0xAF)
    assert all(b > a for a, b in zip(single.primary, single.secondary, strict=True))


def test_blending_and_overlays_work_on_yuv_planes() -> None:
    black = solid((64, 32), BLACK_YUV)
    white = planes_of(to_frame(solid((64, 32), (235, 128, 128))))

    halfway = blend(black, white, 0.5)
    assert abs(int(halfway[0].mean()) - (16 + 235) // 2) <= 1

    badge = Image.new("RGBA", (10, 6), (255, 255, 255, 255))
    canvas = planes_of(to_frame(black))
    Overlay(badge, 4, 2).apply(canvas)
    assert int(canvas[0][2:8, 4:14].min()) >= 230
    assert int(canvas[0][0:2].max()) == 16
    assert int(canvas[0][:, 14:].max()) == 16
    assert np.all(canvas[1] == 128)
    with pytest.raises(ValueError, match="even"):
        Overlay(badge, 3, 2)
