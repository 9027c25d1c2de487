"""Range header decisions (RFC 9110 single ranges)."""

from __future__ import annotations

import pytest

from v3core.ranges import PartialBody, Unsatisfiable, WholeBody, decide_range

SIZE = 1000


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=100-199", 100, 199),
        ("bytes=990-", 990, 999),
        ("bytes=-100", 900, 999),
        ("bytes=-5000", 0, 999),
        ("bytes=500-5000", 500, 999),
        ("BYTES = 1-2", 1, 2),
    ],
)
def test_serves_the_requested_single_range(header: str, start: int, end: int) -> None:
    assert decide_range(header, SIZE) == PartialBody(start, end, SIZE)


def test_describes_the_part_for_content_range() -> None:
    part = decide_range("bytes=10-19", SIZE)
    assert isinstance(part, PartialBody)
    assert (part.content_range, part.length) == ("bytes 10-19/1000", 10)


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=1500-1600", "bytes=-0"])
def test_a_range_past_the_end_is_unsatisfiable(header: str) -> None:
    decision = decide_range(header, SIZE)
    assert decision == Unsatisfiable(SIZE)
    assert isinstance(decision, Unsatisfiable)
    assert decision.content_range == "bytes */1000"


def test_any_range_of_an_empty_body_is_unsatisfiable() -> None:
    assert decide_range("bytes=0-", 0) == Unsatisfiable(0)
    assert decide_range("bytes=-5", 0) == Unsatisfiable(0)


@pytest.mark.parametrize(
    "header",
    [None, "", "items=0-5", "bytes=5-3", "bytes=abc", "bytes=-", "bytes=1-2-3", "bytes=0-1,5-6", "bytes=٣-٤"],
)
def test_ignores_missing_malformed_foreign_and_multiple_ranges(header: str | None) -> None:
    assert decide_range(header, SIZE) == WholeBody()
