"""A cancel that lands while the AI is still answering wins: the late storyboard is discarded.

The use cases over SQLite with the OpenAI SDK against the fake provider; the task
runner here cannot interrupt the call in flight (as a queue worker in another process
could not), so the storyboard really arrives after the cancel.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from adapters.planners.openai_planner import OpenAIScenePlanner
from entrypoints.storage import open_storage
from tests.integration.ai.fake_provider import OPENAI_PATH, FakeProvider
from tests.integration.jobs.conftest import answer, brief, fresh_sqlite, storyboard
from v3core.model import JobStatus
from v3core.services.jobs import CreateJobCommand, JobActionCommand
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
