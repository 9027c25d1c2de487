"""The journal: every change of a job becomes an event of its log, in the change's transaction.

This is the one place that turns changes into events (decision 0170). Every storage
adapter's unit of work hands its raw job and scene repositories to ``Journal.wrap``, so
whatever changes a job through a unit of work (a use case, a worker, the CLI, a test) goes
through ``JournaledJobs.update``/``add`` or ``JournaledScenes``, which append the event with
``JobEventRepository.append`` before the caller commits. A rollback drops the change and its
event together. After a successful commit the unit of work calls ``Journal.committed``, which
tells the ``JobEvents`` port which jobs have new events (a wake-up, never the events).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from v3core import events as ev
from v3core.model import Job, JobCost, JobError, JobStatus, Progress, Scene
from v3core.money import money
from v3core.ports.events import DeliverableEvents, JobEvents
from v3core.ports.storage import JobEventRepository, JobRepository, Page, PageRequest, SceneRepository
from v3core.ports.system import Clock


@attrs.frozen
class JobState:
    """What a reader of a job can see change (everything but timestamps and the version)."""

    status: JobStatus
    progress: Progress
    cost: tuple[float, float, str, tuple[tuple[str, float], ...]]
    error: JobError | None
    asset_ids: tuple[str, ...]
    video_asset_id: str | None
    feedback: str | None

    @classmethod
    def of(cls, job: Job) -> JobState:
        """A copy of ``job``'s visible state (the job itself is mutable)."""
        c = job.cost
        cost = (c.estimated, c.actual, c.currency, tuple(sorted(c.breakdown.items())))
        return cls(
            job.status, job.progress, cost, job.error, tuple(job.asset_ids), job.video_asset_id, job.feedback
        )


def _cost(cost: JobCost) -> dict[str, object]:
    breakdown = {step: money(amount) for step, amount in cost.breakdown.items()}
    return {
        "estimated": money(cost.estimated),
        "actual": money(cost.actual),
        "currency": cost.currency,
        "breakdown": breakdown,
    }


def job_data(job: Job, changed: Sequence[str], previous: JobStatus | None = None) -> dict[str, object]:
    """The JSON-ready body of a job event: the job's visible state after the change."""
    p, e = job.progress, job.error
    data: dict[str, object] = {
        "jobId": job.id,
        "clientId": job.client_id,
        "campaignId": job.campaign_id,
        "status": job.status.value,
        "progress": {
            "stage": p.stage,
            "percent": p.percent,
            "message": p.message,
            "currentStep": p.current_step,
            "totalSteps": p.total_steps,
        },
        "cost": _cost(job.cost),
        "error": e.message if e else None,
        "errorCode": e.code if e else None,
        "failedStep": e.step if e else None,
        "videoAssetId": job.video_asset_id,
        "version": job.version,
        "changed": list(changed),
    }
    if previous is not None:
        data["previousStatus"] = previous.value
    return data


def job_event(before: JobState | None, job: Job) -> tuple[str, dict[str, object]] | None:
    """The type and body of the event ``job``'s change from ``before`` makes (``None`` when a
    reader could see no difference). ``before`` is ``None`` for a new job."""
    if before is None:
        return ev.JOB_CREATED, job_data(job, ["created"])
    after = JobState.of(job)
    changed = [f.name for f in attrs.fields(JobState) if getattr(before, f.name) != getattr(after, f.name)]
    if not changed:
        return None
    if "status" in changed:
        kind = ev.STATUS_EVENT_TYPES.get(job.status.value, ev.JOB_STATUS_CHANGED)
        return kind, job_data(job, changed, before.status)
    if "progress" in changed:
        kind = ev.JOB_PROGRESS
    elif "cost" in changed:
        kind = ev.JOB_COST_CHANGED
    else:
        kind = ev.JOB_UPDATED
    return kind, job_data(job, changed)


def scene_ref(scene: Scene) -> dict[str, object]:
    """A scene as a scene event names it."""
    return {"id": scene.id, "sceneNumber": scene.number, "version": scene.version}


def scenes_data(job_id: str, change: str, scenes: Sequence[Scene]) -> dict[str, object]:
    """The body of a ``job.scenes_changed`` event: ``change`` is replaced, updated or deleted."""
    return {"jobId": job_id, "change": change, "scenes": [scene_ref(s) for s in scenes]}


@attrs.define
class Journal:
    """The event bookkeeping of one unit of work: the jobs it appended events to, and where to
    announce them after commit."""

    log: JobEventRepository
    clock: Clock
    wakeups: JobEvents | None = None
    deliverable: DeliverableEvents | None = None
    touched: set[str] = attrs.field(factory=set)
    for_webhooks: dict[str, str] = attrs.field(factory=dict)
    """job id → owner id of the jobs that got an event webhooks deliver."""

    def wrap(self, jobs: JobRepository, scenes: SceneRepository) -> tuple[JobRepository, SceneRepository]:
        """The repositories a unit of work exposes: ``jobs`` and ``scenes`` journaled."""
        return JournaledJobs(jobs, self), JournaledScenes(scenes, self)

    async def append(
        self, job_id: str, kind: str, data: dict[str, object], owner_id: str | None = None
    ) -> None:
        """Append one event to ``job_id``'s log in the current transaction (``owner_id`` given
        by job changes, which alone make the events webhooks deliver)."""
        await self.log.append(job_id, kind, data, self.clock.now())
        self.touched.add(job_id)
        if owner_id is not None and kind in ev.WEBHOOK_EVENT_TYPES:
            self.for_webhooks[job_id] = owner_id

    async def committed(self) -> None:
        """Announce the jobs with new events (after the commit made them visible)."""
        touched, self.touched = self.touched, set()
        deliverable, self.for_webhooks = self.for_webhooks, {}
        if touched and self.wakeups is not None:
            await self.wakeups.publish(sorted(touched))
        if deliverable and self.deliverable is not None:
            await self.deliverable.committed([(owner, job) for job, owner in deliverable.items()])

    def discard(self) -> None:
        """Forget what a rollback undid."""
        self.touched.clear()
        self.for_webhooks.clear()


class JournaledJobs(JobRepository):
    """A job repository whose ``add`` and ``update`` append the change's event.

    The state each job had when it was read is kept, so ``update`` can tell what changed;
    a job read elsewhere is compared with the stored one."""

    def __init__(self, inner: JobRepository, journal: Journal) -> None:
        self._inner = inner
        self._journal = journal
        self._seen: dict[str, JobState] = {}

    def _remember(self, job: Job | None) -> Job | None:
        if job is not None:
            self._seen[job.id] = JobState.of(job)
        return job

    async def add(self, job: Job) -> None:
        await self._inner.add(job)
        await self._record(None, job)
        self._seen[job.id] = JobState.of(job)

    async def get(self, owner_id: str, job_id: str) -> Job | None:
        return self._remember(await self._inner.get(owner_id, job_id))

    async def get_any(self, job_id: str) -> Job | None:
        return self._remember(await self._inner.get_any(job_id))

    async def update(self, job: Job) -> None:
        before = self._seen.get(job.id)
        if before is None:
            stored = await self._inner.get_any(job.id)
            before = JobState.of(stored) if stored is not None else None
        await self._inner.update(job)
        if before is not None:
            await self._record(before, job)
        self._seen[job.id] = JobState.of(job)

    async def _record(self, before: JobState | None, job: Job) -> None:
        made = job_event(before, job)
        if made is not None:
            await self._journal.append(job.id, made[0], made[1], job.owner_id)

    async def delete(self, owner_id: str, job_id: str) -> None:
        await self._inner.delete(owner_id, job_id)

    async def list(self, owner_id: str, page: PageRequest, **filters: Any) -> Page[Job]:
        return await self._inner.list(owner_id, page, **filters)

    async def find_by_idempotency_key(self, owner_id: str, key: str) -> Job | None:
        return self._remember(await self._inner.find_by_idempotency_key(owner_id, key))

    async def list_in_status(self, statuses: Sequence[JobStatus]) -> Sequence[Job]:
        return await self._inner.list_in_status(statuses)

    async def ids_for_client(self, owner_id: str, client_id: str) -> Sequence[str]:
        return await self._inner.ids_for_client(owner_id, client_id)

    async def uses_asset(self, owner_id: str, asset_id: str, unfinished_only: bool = True) -> bool:
        return await self._inner.uses_asset(owner_id, asset_id, unfinished_only)

    async def with_video(self, owner_id: str, asset_id: str) -> str | None:
        return await self._inner.with_video(owner_id, asset_id)


class JournaledScenes(SceneRepository):
    """A scene repository whose changes append a ``job.scenes_changed`` event."""

    def __init__(self, inner: SceneRepository, journal: Journal) -> None:
        self._inner = inner
        self._journal = journal

    async def list_for_job(self, job_id: str) -> Sequence[Scene]:
        return await self._inner.list_for_job(job_id)

    async def get(self, job_id: str, scene_id: str) -> Scene | None:
        return await self._inner.get(job_id, scene_id)

    async def add_many(self, scenes: Sequence[Scene]) -> None:
        await self._inner.add_many(scenes)
        for job_id in dict.fromkeys(s.job_id for s in scenes):
            await self._changed(job_id, "added", [s for s in scenes if s.job_id == job_id])

    async def replace_all(self, job_id: str, scenes: Sequence[Scene]) -> None:
        await self._inner.replace_all(job_id, scenes)
        await self._changed(job_id, "replaced", scenes)

    async def update(self, scene: Scene, expected_version: int) -> None:
        await self._inner.update(scene, expected_version)
        await self._changed(scene.job_id, "updated", [scene])

    async def delete(self, job_id: str, scene_id: str) -> None:
        scene = await self._inner.get(job_id, scene_id)
        await self._inner.delete(job_id, scene_id)
        if scene is not None:
            await self._changed(job_id, "deleted", [scene])

    async def _changed(self, job_id: str, change: str, scenes: Sequence[Scene]) -> None:
        await self._journal.append(job_id, ev.JOB_SCENES_CHANGED, scenes_data(job_id, change, scenes))
