"""Background planning of a storyboard: import the brief's URLs, ask the planner, store scenes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from v3core.costs import PriceTable
from v3core.errors import DomainError, StaleVersion, StorageUnavailable
from v3core.lifecycle import FailedStep, JobAction
from v3core.model import Asset, BrandGuidelines, Job, JobCost, JobStatus, Progress, Scene
from v3core.planning import normalise_storyboard, requested_scene_count
from v3core.ports.planner import PlanMode, PlanRequest, ScenePlanner
from v3core.ports.storage import UnitOfWorkFactory
from v3core.ports.system import Clock, IdGenerator
from v3core.services.jobs.ai import plan_with_repair
from v3core.services.jobs.common import (
    add_costs,
    direct_asset_ids,
    fail_job,
    move,
    plan_assets,
    progress,
    to_draft,
    url_inputs,
)
from v3core.services.jobs.frames import StoryboardFrames
from v3core.services.jobs.media import SceneMedia
from v3core.services.jobs.ports import UrlAssetImporter, UrlImport
from v3core.storyboard import PlanningRules, SceneDraft

_PLANNABLE = (JobStatus.PENDING, JobStatus.STORYBOARD_PROCESSING)


def kept_scene_count(feedback: str | None, current: int, rules: PlanningRules) -> int | None:
    """The scene count a regeneration keeps: the current one unless the feedback asks for another."""
    if current == 0:
        return None
    return requested_scene_count(feedback, current, rules) or current


@attrs.frozen
class PlanStoryboard:
    """The ``plan_storyboard`` task: pending/storyboard_processing → storyboard_ready (or failed)."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    planner: ScenePlanner
    importer: UrlAssetImporter
    rules: PlanningRules
    prices: PriceTable
    media: SceneMedia | None = None
    """Makes storyboard frames when an image generator is wired."""

    async def execute(self, job_id: str) -> None:
        """Run planning for ``job_id``; a job not waiting for a plan is left alone."""
        job = await self._start(job_id)
        if job is None:
            return
        step = FailedStep.ASSET_IMPORT
        try:
            assets = await self._import_urls(job)
            step = FailedStep.STORYBOARD_GENERATION
            planning = progress("planning", 25, f"Planning with the {self.planner.name} planner", 2)
            if assets is None or not await self._report(job_id, planning):
                return  # cancelled meanwhile: no AI call is paid for
            async with self.uow() as uow:
                current = tuple(to_draft(s) for s in await uow.scenes.list_for_job(job_id))
            drafts = await self._plan(job, assets, current)
            previews = await self._frames(job_id, drafts)
        except StorageUnavailable:
            raise  # not the job's fault: the step is retried once the database is back
        except DomainError as error:
            await fail_job(self.uow, self.clock, job_id, step, error.code, error.message)
            return
        if previews is not None:
            await self._finish(job, drafts, previews)

    async def _frames(self, job_id: str, drafts: tuple[SceneDraft, ...]) -> dict[int, str] | None:
        """Each draft's storyboard frame by scene number; None once the job stopped planning."""
        frames = StoryboardFrames(self.media)
        if not frames.enabled:
            return {}
        drawing = progress("generating_frames", 40, f"Drawing {len(drafts)} storyboard frames", 2)
        if not await self._report(job_id, drawing):
            return None
        async with self.uow() as uow:
            job = await uow.jobs.get_any(job_id)
            client = None if job is None else await uow.clients.get(job.owner_id, job.client_id)
        if job is None:
            return None
        return await frames.for_drafts(job, client.brand_guidelines if client else BrandGuidelines(), drafts)

    async def _start(self, job_id: str) -> Job | None:
        async with self.uow() as uow:
            job = await uow.jobs.get_any(job_id)
            if job is None or job.status not in _PLANNABLE:
                return None
            move(
                job,
                JobAction.PLANNING_STARTED,
                self.clock,
                progress("importing_assets", 5, "Importing assets", 1),
            )
            job.error = None
            await uow.jobs.update(job)
            await uow.commit()
            return job

    async def _report(self, job_id: str, value: Progress) -> bool:
        """Record progress; False when the job is no longer planning (cancelled)."""
        async with self.uow() as uow:
            job = await uow.jobs.get_any(job_id)
            if job is None or job.status != JobStatus.STORYBOARD_PROCESSING:
                return False
            job.progress = value
            job.updated_at = self.clock.now()
            await uow.jobs.update(job)
            await uow.commit()
            return True

    async def _import_urls(self, job: Job) -> list[Asset] | None:
        """The job's assets with the brief's URLs imported; None once the job stopped planning.

        Imports already attached (by an earlier, interrupted run) are not repeated: they sit
        in ``job.asset_ids`` after the brief's direct assets, in brief order.
        """
        async with self.uow() as uow:
            assets = list(await uow.assets.get_many(job.owner_id, job.asset_ids))
        already = len(job.asset_ids) - len(direct_asset_ids(job.brief))
        for index, item in enumerate(url_inputs(job)):
            if index < already or item.url is None:
                continue
            asset = await self.importer.import_url(
                UrlImport(
                    owner_id=job.owner_id,
                    url=item.url,
                    job_id=job.id,
                    declared_type=item.type,
                    name=item.name,
                    client_id=job.client_id,
                    campaign_id=job.campaign_id,
                )
            )
            assets.append(asset)
            if not await self._attach(job, asset, index):
                return None
        return assets

    async def _attach(self, job: Job, asset: Asset, index: int) -> bool:
        async with self.uow() as uow:
            stored = await uow.jobs.get_any(job.id)
            if stored is None or stored.status != JobStatus.STORYBOARD_PROCESSING:
                return False
            stored.asset_ids = (*stored.asset_ids, asset.id)
            stored.progress = progress("importing_assets", 5 + index, f"Imported {asset.name}", 1)
            await uow.jobs.update(stored)
            await uow.commit()
            job.asset_ids = stored.asset_ids
            return True

    async def _plan(
        self, job: Job, assets: Sequence[Asset], current: tuple[SceneDraft, ...]
    ) -> tuple[SceneDraft, ...]:
        async with self.uow() as uow:
            client = await uow.clients.get(job.owner_id, job.client_id)
        available = plan_assets(job, assets)
        request = PlanRequest(
            brief=job.brief,
            rules=self.rules,
            mode=PlanMode.STORYBOARD,
            client_name=client.name if client else "",
            brand=client.brand_guidelines if client else BrandGuidelines(),
            assets=available,
            feedback=job.feedback,
            current_scenes=current,
        )
        keep = kept_scene_count(job.feedback, len(current), self.rules)

        def normalise(raw: object) -> tuple[SceneDraft, ...]:
            return normalise_storyboard(
                raw, brief=job.brief, rules=self.rules, assets=available, keep_count=keep
            )

        spent = JobCost()
        try:
            return await plan_with_repair(self.planner, request, normalise, spent, self.prices)
        finally:
            await self._charge(job.id, spent)

    async def _charge(self, job_id: str, spent: JobCost) -> None:
        if not spent.breakdown:
            return
        async with self.uow() as uow:
            job = await uow.jobs.get_any(job_id)
            if job is None:
                return
            add_costs(job, spent)
            await uow.jobs.update(job)
            await uow.commit()

    async def _finish(self, planned: Job, drafts: tuple[SceneDraft, ...], previews: dict[int, str]) -> None:
        try:
            async with self.uow() as uow:
                job = await uow.jobs.get_any(planned.id)
                if job is None or job.status != JobStatus.STORYBOARD_PROCESSING:
                    return
                now = self.clock.now()
                scenes = [self._scene(job.id, d, now, previews.get(d.number)) for d in drafts]
                await uow.scenes.replace_all(job.id, scenes)
                job.feedback = None
                move(job, JobAction.PLANNING_FINISHED, self.clock)
                await uow.jobs.update(job)
                await uow.commit()
        except StaleVersion:
            await self._finish(planned, drafts, previews)

    def _scene(self, job_id: str, draft: SceneDraft, now: datetime, preview: str | None) -> Scene:
        return Scene(
            id=self.ids.new_id(),
            job_id=job_id,
            number=draft.number,
            duration=draft.duration,
            description=draft.description,
            script=draft.script,
            shot_type=draft.shot_type,
            transition=draft.transition,
            asset_ids=draft.asset_ids,
            metadata=dict(draft.metadata),
            created_at=now,
            updated_at=now,
            preview_asset_id=preview,
        )
