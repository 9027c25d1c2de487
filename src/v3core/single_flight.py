"""``SingleFlight``: one computation per key for concurrent identical requests.

The first caller for a key starts the work; callers arriving while it runs wait for the same
result (or error) instead of starting their own. The work is shielded from its callers: one
caller leaving does not cancel it for the others, and the result is cached by the work itself
(a thumbnail blob), not here: once finished, the key is forgotten.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class SingleFlight(Generic[T]):
    """Concurrent ``run(key, work)`` calls with the same key share one ``work()``."""

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Task[T]] = {}
        self._waiting: Counter[str] = Counter()

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> T:
        """The result of the one ``work()`` running for ``key`` (started now if none is)."""
        task = self._running.get(key)
        if task is None:
            task = asyncio.ensure_future(work())
            self._running[key] = task
            task.add_done_callback(lambda _: self._forget(key, task))
        self._waiting[key] += 1
        try:
            return await asyncio.shield(task)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]

    def waiting(self, key: str) -> int:
        """How many callers are waiting for ``key``'s computation (diagnostics and tests)."""
        return self._waiting[key]

    def _forget(self, key: str, task: asyncio.Task[T]) -> None:
        if self._running.get(key) is task:
            del self._running[key]
