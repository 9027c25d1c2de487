"""Wake-ups for readers of job event logs (SPEC §11): published after commit, never polled.

A wake-up says only "job X has new events"; a reader then reads the log from the last
sequence number it saw. Wake-ups may be merged, repeated or (when a process dies between
its commit and its publish) lost without losing an event: the log is the truth, and every
reader reads it once right after subscribing.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol


class Wakeup(Protocol):
    """One reader's subscription to one job's wake-ups."""

    async def wait(self, seconds: float | None = None) -> bool:
        """Until the job may have new events since the last ``wait`` returned (True) or
        ``seconds`` passed without a wake-up (False). A wake-up published while the
        reader was busy is not lost: the next ``wait`` returns at once."""
        ...


class JobEvents(Protocol):
    """Announces committed job events to the readers waiting for them."""

    async def publish(self, job_ids: Sequence[str]) -> None:
        """Wake every reader of these jobs (called after the commit; never raises for a
        delivery problem: the events are committed whatever happens to the wake-up)."""
        ...

    def subscribe(self, job_id: str) -> AbstractAsyncContextManager[Wakeup]:
        """Wake-ups of ``job_id`` from the moment the ``async with`` block is entered."""
        ...

    async def close(self) -> None:
        """Release connections (app shutdown)."""
        ...


class DeliverableEvents(Protocol):
    """Hears, after a commit, which jobs got an event that webhooks deliver (SPEC §11), so
    their deliveries go out at once rather than at the next recovery scan."""

    async def committed(self, jobs: Sequence[tuple[str, str]]) -> None:
        """``(owner_id, job_id)`` of each job with a new deliverable event; never raises (a
        missed dispatch is found by the recovery scan of committed events)."""
        ...
