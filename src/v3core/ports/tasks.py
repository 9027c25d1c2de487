"""Background work: the core names a task and a job; an adapter decides where it runs."""

from __future__ import annotations

import enum
from typing import Protocol


class TaskKind(enum.StrEnum):
    """The kinds of background work a job needs."""

    PLAN_STORYBOARD = "plan_storyboard"
    RENDER_VIDEO = "render_video"


class TaskRunner(Protocol):
    """Runs job work off the request path, at most once at a time per job."""

    async def submit(self, kind: TaskKind, job_id: str) -> None:
        """Schedule ``kind`` for ``job_id``; returns once it is durably queued."""
        ...

    async def cancel(self, job_id: str) -> None:
        """Stop running work for ``job_id`` if any (best effort; state is already cancelled)."""
        ...
