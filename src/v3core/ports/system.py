"""Time and identity come through ports so the domain stays deterministic under test."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the current time."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class IdGenerator(Protocol):
    """Makes identifiers."""

    def new_id(self) -> str:
        """A new unique identifier (a UUID string in production)."""
        ...
