"""HTTP byte ranges (RFC 9110 §14): one pure decision per request.

Supported: a single range ``bytes=first-last``, open-ended ``bytes=first-`` and
suffix ``bytes=-length``. A ``last`` beyond the end is clamped. A syntactically
valid single range that starts at or beyond the end (or a zero-length suffix, or any
range of an empty representation) is *unsatisfiable* (416).

Everything else is ignored and the whole representation is served (200), as RFC
9110 permits: a missing header, another unit, malformed syntax, ``last < first``,
and **multiple ranges** (``bytes=0-1,5-6``) — we do not build
``multipart/byteranges`` bodies; players scrubbing video ask for one range.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class WholeBody:
    """Serve the whole representation with 200."""


@attrs.frozen
class PartialBody:
    """Serve bytes ``start``..``end`` (inclusive) of ``size`` with 206."""

    start: int
    end: int
    size: int

    @property
    def length(self) -> int:
        """Number of bytes in the part."""
        return self.end - self.start + 1

    @property
    def content_range(self) -> str:
        """The ``Content-Range`` header value."""
        return f"bytes {self.start}-{self.end}/{self.size}"


@attrs.frozen
class Unsatisfiable:
    """Answer 416 with ``Content-Range: bytes */size``."""

    size: int

    @property
    def content_range(self) -> str:
        """The ``Content-Range`` header value."""
        return f"bytes */{self.size}"


RangeDecision = WholeBody | PartialBody | Unsatisfiable
"""What to send for a ``Range`` header."""


def decide_range(header: str | None, size: int) -> RangeDecision:
    """Decide how to answer ``Range: header`` for a representation of ``size`` bytes."""
    if not header:
        return WholeBody()
    unit, sep, spec = header.partition("=")
    if not sep or unit.strip().lower() != "bytes" or "," in spec:
        return WholeBody()
    first_text, dash, last_text = spec.strip().partition("-")
    first_text, last_text = first_text.strip(), last_text.strip()
    if not dash or not _digits(first_text, allow_empty=True) or not _digits(last_text, allow_empty=True):
        return WholeBody()
    if not first_text:
        return _suffix(last_text, size)
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return WholeBody()
    if first >= size:
        return Unsatisfiable(size)
    return PartialBody(first, min(last, size - 1), size)


def _suffix(length_text: str, size: int) -> RangeDecision:
    if not length_text:
        return WholeBody()
    length = int(length_text)
    if length == 0 or size == 0:
        return Unsatisfiable(size)
    return PartialBody(max(size - length, 0), size - 1, size)


def _digits(text: str, *, allow_empty: bool) -> bool:
    return (allow_empty and not text) or (text.isascii() and text.isdigit())
