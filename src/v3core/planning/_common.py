"""Small helpers shared by the planning modules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from v3core.errors import ValidationFailed

Loc = tuple[str | int, ...]


def clamp(value: int, low: int, high: int) -> int:
    """``value`` brought within ``low..high``."""
    return max(low, min(high, value))


def fail(loc: Loc, msg: str) -> ValidationFailed:
    """A ``ValidationFailed`` about the field at ``loc`` (raise it)."""
    return ValidationFailed.at(loc, msg)


def short(value: object) -> str:
    """The repr of ``value``, cut to 40 characters for messages."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def pick(raw: Mapping[str, Any], *names: str) -> Any:
    """The value of the first of ``names`` present and not null in ``raw``."""
    return next((raw[name] for name in names if raw.get(name) is not None), None)
