"""Job events (SPEC §11): every change of a job, in order, with a per-job sequence number.

An event is appended to the job's event log in the same transaction as the change it
describes; ``seq`` starts at 1 and grows by one per event of that job. Listeners are
woken after commit (``v3core.ports.events``), webhooks deliver the types in
``WEBHOOK_EVENT_TYPES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final

import attrs

JOB_CREATED: Final = "job.created"
JOB_STATUS_CHANGED: Final = "job.status_changed"
JOB_PROGRESS: Final = "job.progress"
JOB_SCENES_CHANGED: Final = "job.scenes_changed"
JOB_COST_CHANGED: Final = "job.cost_changed"
JOB_STORYBOARD_READY: Final = "job.storyboard_ready"
JOB_COMPLETED: Final = "job.completed"
JOB_FAILED: Final = "job.failed"
JOB_CANCELLED: Final = "job.cancelled"
JOB_UPDATED: Final = "job.updated"
"""Any other change a reader can see (assets attached, the video stored without a status change)."""

STATUS_EVENT_TYPES: Final = {
    "storyboard_ready": JOB_STORYBOARD_READY,
    "completed": JOB_COMPLETED,
    "failed": JOB_FAILED,
    "cancelled": JOB_CANCELLED,
}
"""A change into one of these statuses is the event of that name (the one webhooks subscribe
to) rather than ``job.status_changed``."""

WEBHOOK_EVENT_TYPES: Final = (JOB_STORYBOARD_READY, JOB_COMPLETED, JOB_FAILED, JOB_CANCELLED)
"""The event types a webhook endpoint may subscribe to (SPEC §11), besides the wildcard."""
WEBHOOK_WILDCARD: Final = "job.*"
TERMINAL_EVENT_TYPES: Final = (JOB_COMPLETED, JOB_FAILED, JOB_CANCELLED)
"""After one of these a job's event stream ends."""


@attrs.frozen
class JobEvent:
    """One entry of a job's event log. ``data`` is JSON-ready (the job as the API shows it,
    or the part that changed); ``owner_id`` scopes it to its tenant."""

    job_id: str
    owner_id: str
    seq: int
    type: str
    data: Mapping[str, object]
    created_at: datetime


def subscribed(filters: tuple[str, ...] | list[str], event_type: str) -> bool:
    """Whether an endpoint subscribed to ``filters`` receives ``event_type``."""
    return event_type in filters or (WEBHOOK_WILDCARD in filters and event_type in WEBHOOK_EVENT_TYPES)
