"""Shutdown of what the container actually built, and nothing else.

A provider wrapped with ``closing`` registers its object's close step when the object is
first made; ``Teardown.run`` then closes only those, background work first (so nothing
still running uses what is being closed), the rest newest first.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")
Close = Callable[[Any], Awaitable[None] | None]


class Teardown:
    """Close steps registered as objects are built."""

    def __init__(self) -> None:
        self._first: list[Callable[[], Awaitable[None] | None]] = []
        self._rest: list[Callable[[], Awaitable[None] | None]] = []

    def closing(self, made: T, close: Close, *, first: bool = False) -> T:
        """Remember to ``close(made)`` at shutdown; returns ``made``."""
        (self._first if first else self._rest).append(lambda: close(made))
        return made

    async def run(self) -> None:
        """Run every step once: the ``first`` ones, then the others newest first."""
        steps = [*self._first, *reversed(self._rest)]
        self._first.clear()
        self._rest.clear()
        for step in steps:
            outcome = step()
            if inspect.isawaitable(outcome):
                await outcome


def closing(teardown: Teardown, made: T, close: Close, first: bool = False) -> T:
    """Provider-friendly form of ``Teardown.closing``."""
    return teardown.closing(made, close, first=first)
