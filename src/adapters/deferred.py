"""``Deferred``: an adapter built once, on first need, in a worker thread.

Some adapters import heavy libraries (numpy, PyAV and Pillow for the renderer; httpx for
the URL fetcher). The composition root builds every use case at start-up, so a stand-in
that builds the real adapter on its first call keeps those imports off start-up, and
building it in a worker thread keeps them off the event loop when the first call comes.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Deferred(Generic[T]):
    """``build()``'s value, made once on the first ``get()`` (thread-safe); refused after ``close()``."""

    def __init__(self, build: Callable[[], T], name: str) -> None:
        self._build = build
        self._name = name
        self._lock = threading.Lock()
        self._value: T | None = None
        self._closed = False

    @property
    def built(self) -> T | None:
        """The value once something asked for it (``None`` before)."""
        return self._value

    def _made(self) -> T:
        with self._lock:
            if self._closed:
                raise RuntimeError(f"the {self._name} is closed")
            if self._value is None:
                self._value = self._build()
            return self._value

    async def get(self) -> T:
        """The value, built in a worker thread the first time."""
        value = self._value
        if value is None or self._closed:
            return await asyncio.to_thread(self._made)
        return value

    def close(self) -> T | None:
        """Refuse any later ``get()``; the value if one was built, on the first call only (for
        the caller to close once)."""
        with self._lock:
            if self._closed:
                return None
            self._closed = True
            return self._value
