"""Properties of range decisions for any size and any single-range header."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from v3core.ranges import PartialBody, Unsatisfiable, WholeBody, decide_range

sizes = st.integers(min_value=0, max_value=10**12)
positions = st.integers(min_value=0, max_value=2 * 10**12)


@given(sizes, positions, st.one_of(st.none(), positions))
def test_a_partial_body_always_lies_inside_the_content(size: int, first: int, last: int | None) -> None:
    header = f"bytes={first}-{'' if last is None else last}"
    decision = decide_range(header, size)
    if isinstance(decision, PartialBody):
        assert 0 <= decision.start <= decision.end < size
        assert decision.start == first
    elif isinstance(decision, Unsatisfiable):
        assert first >= size
    else:
        assert isinstance(decision, WholeBody)
        assert last is not None
        assert last < first


@given(sizes, st.integers(min_value=1, max_value=2 * 10**12))
def test_a_suffix_range_ends_at_the_last_byte(size: int, length: int) -> None:
    decision = decide_range(f"bytes=-{length}", size)
    if size == 0:
        assert decision == Unsatisfiable(0)
    else:
        assert decision == PartialBody(max(size - length, 0), size - 1, size)


@given(st.text(max_size=40), sizes)
def test_never_fails_on_arbitrary_headers_and_any_answer_fits_the_content(header: str, size: int) -> None:
    decision = decide_range(header, size)
    if isinstance(decision, PartialBody):
        assert 0 <= decision.start <= decision.end < size
        assert decision.size == size
        assert decision.length == decision.end - decision.start + 1
        assert decision.content_range == f"bytes {decision.start}-{decision.end}/{size}"
    elif isinstance(decision, Unsatisfiable):
        assert decision.content_range == f"bytes */{size}"
    else:
        assert isinstance(decision, WholeBody)
    if not isinstance(decision, WholeBody):
        assert "bytes" in header.lower(), "only a byte range is ever honoured"
