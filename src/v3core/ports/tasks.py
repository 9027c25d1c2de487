"""Background work: the core names a task and a job (or a webhook delivery); an adapter decides
where it runs."""

from __future__ import annotations

import enum
from typing import Protocol


class TaskKind(enum.StrEnum):
    """The kinds of background work a job needs."""

    PLAN_STORYBOARD = "plan_storyboard"
    RENDER_VIDEO = "render_video"
    DELIVER_WEBHOOK = "deliver_webhook"
    """One attempt of a webhook delivery; the task's id is the delivery's id, not a job's."""


class TaskRunner(Protocol):
    """Runs job work off the request path, at most once at a time per job."""

    async def submit(self, kind: TaskKind, job_id: str, *, delay: float = 0.0) -> None:
        """Schedule ``kind`` for ``job_id`` to start ``delay`` seconds from now (at once by
        default); returns once it is durably queued."""
        ...

    async def cancel(self, job_id: str) -> None:
        """Stop running work for ``job_id`` if any (best effort; state is already cancelled)."""
        ...
