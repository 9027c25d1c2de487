"""Running a synchronous hypothesis test against adapters that live on the test's event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def on_loop(loop: asyncio.AbstractEventLoop) -> Callable[[Awaitable[T]], T]:
    """A function that runs an awaitable on ``loop`` from another thread and returns its result."""

    def run(work: Awaitable[T]) -> T:
        async def wrapped() -> T:
            return await work

        return asyncio.run_coroutine_threadsafe(wrapped(), loop).result()

    return run


async def in_a_thread(check: Callable[[], None]) -> None:
    """Run ``check`` (a hypothesis test) in a worker thread while the loop stays free."""
    await asyncio.to_thread(check)
