"""Wake-ups within one process: a set of waiting readers per job."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager

from v3core.ports.events import JobEvents, Wakeup


class Subscription(Wakeup):
    """One reader's flag: set by a publish, cleared when ``wait`` returns."""

    def __init__(self) -> None:
        self._flag = asyncio.Event()

    def wake(self) -> None:
        self._flag.set()

    async def wait(self, seconds: float | None = None) -> bool:
        if not self._flag.is_set():
            try:
                await asyncio.wait_for(self._flag.wait(), seconds)
            except TimeoutError:
                return False
        self._flag.clear()
        return True


class InProcessJobEvents(JobEvents):
    """Wakes the readers of this process only (SQLite, memory, or one PostgreSQL process)."""

    def __init__(self) -> None:
        self._readers: dict[str, set[Subscription]] = {}

    async def publish(self, job_ids: Sequence[str]) -> None:
        self.wake(job_ids)

    def wake(self, job_ids: Iterable[str]) -> None:
        """Wake the readers of ``job_ids`` (synchronously: no await between commit and wake)."""
        for job_id in job_ids:
            for reader in self._readers.get(job_id, ()):
                reader.wake()

    def wake_all(self) -> None:
        """Wake every reader (after wake-ups may have been missed: they re-read their logs)."""
        for readers in self._readers.values():
            for reader in readers:
                reader.wake()

    @property
    def readers(self) -> int:
        """How many subscriptions are open."""
        return sum(len(r) for r in self._readers.values())

    @asynccontextmanager
    async def subscribe(self, job_id: str) -> AsyncIterator[Wakeup]:
        reader = Subscription()
        self._readers.setdefault(job_id, set()).add(reader)
        try:
            yield reader
        finally:
            readers = self._readers.get(job_id)
            if readers is not None:
                readers.discard(reader)
                if not readers:
                    del self._readers[job_id]

    async def close(self) -> None:
        return None
