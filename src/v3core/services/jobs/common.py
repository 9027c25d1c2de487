"""Helpers shared by the job use cases: loading, progress, drafts and failure."""

from __future__ import annotations

from collections.abc import Sequence

from v3core.brief import AssetInput, Brief
from v3core.errors import NotFound
from v3core.lifecycle import FailedStep, JobAction, next_status
from v3core.model import Asset, Job, JobCost, JobError, JobStatus, Progress, Scene
from v3core.ports.planner import PlanAsset
from v3core.ports.storage import UnitOfWork, UnitOfWorkFactory
from v3core.ports.system import Clock
from v3core.redaction import redact_urls
from v3core.storyboard import SceneDraft

TOTAL_STEPS = 4
"""asset import, storyboard generation, review, video rendering."""

PROGRESS_BY_STATUS: dict[JobStatus, Progress] = {
    JobStatus.PENDING: Progress("queued", 0, "Waiting to start", 0, TOTAL_STEPS),
    JobStatus.STORYBOARD_READY: Progress(
        "storyboard_review", 50, "Storyboard ready for review", 3, TOTAL_STEPS
    ),
    JobStatus.COMPLETED: Progress("completed", 100, "Video ready", TOTAL_STEPS, TOTAL_STEPS),
}


def progress(stage: str, percent: int, message: str, step: int) -> Progress:
    """A progress value with the job's step count."""
    return Progress(stage, percent, message, step, TOTAL_STEPS)


async def load_job(uow: UnitOfWork, owner_id: str, job_id: str) -> Job:
    """The owner's job, or ``NotFound`` (another tenant's job looks missing)."""
    job = await uow.jobs.get(owner_id, job_id)
    if job is None:
        raise NotFound("job", job_id)
    return job


async def load_scene(uow: UnitOfWork, job: Job, scene_ref: str | int) -> Scene:
    """A scene of ``job`` by id or by number (a path segment of digits is a number)."""
    text = str(scene_ref).strip()
    if text.isdigit():
        number = int(text)
        by_number = {s.number: s for s in await uow.scenes.list_for_job(job.id)}
        found = by_number.get(number)
    else:
        found = await uow.scenes.get(job.id, text)
    if found is None:
        raise NotFound("scene", text)
    return found


def to_draft(scene: Scene) -> SceneDraft:
    """The editable content of a stored scene."""
    return SceneDraft(
        number=scene.number,
        duration=scene.duration,
        description=scene.description,
        script=scene.script,
        shot_type=scene.shot_type,
        transition=scene.transition,
        asset_ids=scene.asset_ids,
        metadata=dict(scene.metadata),
    )


def direct_asset_ids(brief: Brief) -> tuple[str, ...]:
    """The existing assets the brief names (``assetId``), once each, in brief order.

    A job's ``asset_ids`` hold these first, then the brief's URL imports in brief order.
    """
    return tuple(dict.fromkeys(a.asset_id for a in brief.creative.assets if a.asset_id))


REFERENCE_ROLES = frozenset({"product_shot", "logo"})
"""Brief asset roles whose images image generators are given as references (SPEC §8)."""


def reference_asset_ids(job: Job) -> tuple[str, ...]:
    """The job's assets the brief supplies as a product shot or a logo, once each, in brief
    order: named ones by id, URL ones once imported (``job.asset_ids`` holds them after the
    direct ones, in brief order)."""
    imported = job.asset_ids[len(direct_asset_ids(job.brief)) :]
    found: list[str] = []
    urls = 0
    for item in job.brief.creative.assets:
        if item.url:
            if item.role in REFERENCE_ROLES and urls < len(imported):
                found.append(imported[urls])
            urls += 1
        elif item.asset_id and item.role in REFERENCE_ROLES:
            found.append(item.asset_id)
    return tuple(dict.fromkeys(found))


def url_inputs(job: Job) -> tuple[AssetInput, ...]:
    """The brief's assets to import from a URL, in brief order."""
    return tuple(a for a in job.brief.creative.assets if a.url)


def asset_roles(job: Job) -> dict[str, str]:
    """The brief's role hint of each of the job's assets (URL imports matched by position,
    so a redirected import keeps its role)."""
    roles = {a.asset_id: a.role for a in job.brief.creative.assets if a.asset_id and a.role}
    imported = job.asset_ids[len(direct_asset_ids(job.brief)) :]
    for asset_id, item in zip(imported, url_inputs(job), strict=False):
        if item.role:
            roles[asset_id] = item.role
    return roles


def plan_assets(job: Job, assets: Sequence[Asset]) -> tuple[PlanAsset, ...]:
    """The job's assets as the planner sees them, with the brief's role hints."""
    roles = asset_roles(job)
    by_id = {a.id: a for a in assets}
    result = []
    for asset_id in job.asset_ids:
        asset = by_id.get(asset_id)
        if asset is None:
            continue
        role = roles.get(asset.id)
        result.append(
            PlanAsset(
                id=asset.id,
                type=asset.type.value,
                name=asset.name,
                role=role,
                width=asset.width,
                height=asset.height,
                duration=asset.duration,
            )
        )
    return tuple(result)


def move(job: Job, action: JobAction, clock: Clock, new_progress: Progress | None = None) -> None:
    """Apply ``action`` to ``job`` in memory (raises ``IllegalTransition``)."""
    failed_step = job.error.step if job.error else None
    job.status = next_status(job.status, action, failed_step)
    if new_progress is not None:
        job.progress = new_progress
    elif job.status in PROGRESS_BY_STATUS:
        job.progress = PROGRESS_BY_STATUS[job.status]
    job.updated_at = clock.now()


async def fail_job(
    uow_factory: UnitOfWorkFactory, clock: Clock, job_id: str, step: FailedStep, code: str, message: str
) -> None:
    """Mark a processing job failed with a stable code and the step that failed.

    A job that is no longer processing (cancelled meanwhile) is left as it is. URLs in
    ``message`` are stored redacted (userinfo and query values masked).
    """
    message = redact_urls(message)
    async with uow_factory() as uow:
        job = await uow.jobs.get_any(job_id)
        if job is None or job.status.is_terminal or job.status == JobStatus.STORYBOARD_READY:
            return
        job.error = JobError(code=code, message=message, step=step.value)
        move(
            job,
            JobAction.FAIL,
            clock,
            progress("failed", job.progress.percent, message, job.progress.current_step),
        )
        await uow.jobs.update(job)
        await uow.commit()


def add_costs(job: Job, spent: JobCost) -> None:
    """Charge to ``job`` everything recorded in ``spent``, step by step."""
    for step, amount in spent.breakdown.items():
        job.cost.charge(step, amount)
