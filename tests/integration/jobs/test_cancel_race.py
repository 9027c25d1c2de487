"""A cancel that lands while the AI is still answering wins: the late storyboard is discarded.

The use cases over SQLite with the OpenAI SDK against the fake provider; the task
runner here cannot interrupt the call in flight (as a queue worker in another process
could not), so the storyboard really arrives after the cancel.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from adapters.planners.openai_planner import OpenAIScenePlanner
from entrypoints.storage import open_storage
from tests.integration.ai.fake_provider import OPENAI_PATH, FakeProvider
from tests.integration.jobs.conftest import answer, brief, fresh_sqlite, storyboard
from v3core.costs import PriceTable
from v3core.model import Asset, AssetType, JobStatus
from v3core.services.jobs import CreateJobCommand, JobActionCommand, PlanStoryboard
from v3core.services.jobs.ports import UrlAssetImporter, UrlImport
from v3core.storyboard import PlanningRules
from v3core.testing.workflow import WorkflowKit, WorkflowServices


async def test_a_storyboard_arriving_after_a_cancel_is_discarded(
    migrated_sqlite: Path, tmp_path: Path, fake: FakeProvider
) -> None:
    storage = open_storage(fresh_sqlite(migrated_sqlite, tmp_path))
    planner = OpenAIScenePlanner("sk-test", "gpt-test", f"{fake.base_url}/v1", 10.0, 0)
    svc = WorkflowServices(WorkflowKit(uow=storage.uow_factory, planner=planner))
    owner, client = await svc.seed_owner()
    fake.script(OPENAI_PATH, answer(storyboard(), delay=10))
    job = (await svc.create.execute(CreateJobCommand(owner, brief(client)))).job
    planning = asyncio.create_task(svc.tasks.run_all())
    try:
        for _ in range(250):
            if fake.requests_to(OPENAI_PATH):
                break
            await asyncio.sleep(0.02)
        assert (await svc.job(owner, job.id)).status == JobStatus.STORYBOARD_PROCESSING

        cancelled = await svc.act.execute(JobActionCommand(owner, job.id, "cancel"))
        fake.reset()  # the AI's answer now arrives, late
        await asyncio.wait_for(planning, 10)
        async with svc.kit.uow() as uow:
            after = await uow.jobs.get(owner, job.id)
            scenes = await uow.scenes.list_for_job(job.id)
    finally:
        planning.cancel()
        await planner.aclose()
        await storage.close()

    assert cancelled.view.job.status == JobStatus.CANCELLED
    assert after is not None
    assert after.status == JobStatus.CANCELLED
    assert scenes == []
    assert after.cost.actual > 0, "the late answer did arrive (and its tokens are charged)"


class HeldImporter(UrlAssetImporter):
    """Imports every URL as a made-up image, once ``release`` is set."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def import_url(self, request: UrlImport) -> Asset:
        self.started.set()
        await self.release.wait()
        now = datetime(2026, 1, 1, tzinfo=UTC)
        return Asset(
            id=f"imported-{request.url.rsplit('/', 1)[-1]}",
            owner_id=request.owner_id,
            name=request.name or "image.png",
            type=AssetType.IMAGE,
            format="png",
            content_type="image/png",
            size=1,
            checksum="0" * 64,
            blob_id="0" * 64,
            created_at=now,
            updated_at=now,
            source_url=request.url,
        )


async def test_a_cancel_during_asset_import_stops_before_the_ai_is_asked(
    migrated_sqlite: Path, tmp_path: Path, fake: FakeProvider
) -> None:
    storage = open_storage(fresh_sqlite(migrated_sqlite, tmp_path))
    planner = OpenAIScenePlanner("sk-test", "gpt-test", f"{fake.base_url}/v1", 10.0, 0)
    svc = WorkflowServices(WorkflowKit(uow=storage.uow_factory, planner=planner))
    importer = HeldImporter()
    plan = PlanStoryboard(
        storage.uow_factory, svc.clock, svc.ids, planner, importer, PlanningRules(), PriceTable()
    )
    owner, client = await svc.seed_owner()
    body = brief(client, assets=[{"url": "https://example.test/a.png", "type": "image"}])
    job = (await svc.create.execute(CreateJobCommand(owner, body))).job
    planning = asyncio.create_task(plan.execute(job.id))
    try:
        await asyncio.wait_for(importer.started.wait(), 5)
        await svc.act.execute(JobActionCommand(owner, job.id, "cancel"))
        importer.release.set()
        await asyncio.wait_for(planning, 10)
        after = await svc.job(owner, job.id)
    finally:
        planning.cancel()
        await planner.aclose()
        await storage.close()

    assert after.status == JobStatus.CANCELLED
    assert after.progress.stage == "cancelled", "a cancelled job's progress is not overwritten"
    assert fake.requests_to(OPENAI_PATH) == [], "no AI call is paid for a cancelled job"
