"""What every stored storyboard must satisfy (SPEC §6), checked the same way by every test here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hypothesis import HealthCheck, settings

from v3core.errors import ValidationFailed
from v3core.testing.checks import storyboard_violations
from v3core.testing.strategies import planning_rules

__all__ = ["PROPERTY", "attempt", "planning_rules", "storyboard_violations"]

T = TypeVar("T")
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def attempt(action: Callable[[], T]) -> T | ValidationFailed:
    """The result of ``action``, or the ``ValidationFailed`` it raised (any other error propagates)."""
    try:
        return action()
    except ValidationFailed as refused:
        return refused
