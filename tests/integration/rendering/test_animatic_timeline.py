"""The timing and sizing rules of the animatic, checked without encoding anything."""

from __future__ import annotations

import pytest

from adapters.rendering.timeline import Boundary, boundaries, output_size, scene_ranges
from adapters.rendering.visuals import printable


@pytest.mark.parametrize(
    ("aspect", "resolution", "size"),
    [
        ("16:9", None, (1280, 720)),
        ("16:9", "1920x1080", (1920, 1080)),
        ("16:9", "1080x1920", (1280, 720)),
        ("9:16", "1080x1920", (1080, 1920)),
        ("1:1", "1081x1081", (1080, 1080)),
        ("4:5", "1080x1350", (1080, 1350)),
        ("4:5", "8000x10000", (1080, 1350)),
        ("1:1", "big", (1080, 1080)),
    ],
)
def test_a_resolution_counts_only_when_it_matches_the_aspect_ratio(
    aspect: str, resolution: str | None, size: tuple[int, int]
) -> None:
    assert output_size(aspect, resolution) == size


def test_scene_cuts_fall_on_rounded_cumulative_times_so_errors_never_add_up() -> None:
    ranges = scene_ranges([1 / 3] * 9, 24)

    assert ranges[-1][1] == 72
    assert [end - start for start, end in ranges] == [8] * 9
    assert all(ranges[index][1] == ranges[index + 1][0] for index in range(8))


def test_a_transition_leads_out_of_its_scene_and_never_takes_more_than_a_quarter_of_it() -> None:
    ranges = scene_ranges([2.0, 0.5, 2.0], 24)

    drawn = boundaries(ranges, ["dissolve", "wipe", "fade"], 24)

    assert drawn == [
        Boundary(48, 3, "dissolve", 0, 1),
        Boundary(60, 3, "dissolve", 1, 2),
        Boundary(108, 6, "fade", 2, None),
    ]


def test_cuts_and_unknown_transitions_draw_nothing() -> None:
    ranges = scene_ranges([1.0, 1.0, 1.0], 24)

    assert boundaries(ranges, ["cut", "spin", "dissolve"], 24) == []


def test_caption_text_keeps_what_the_bundled_font_can_draw() -> None:
    assert printable("Café — naïve “quotes”") == "Cafe - naive “quotes”"
