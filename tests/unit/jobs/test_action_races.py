"""A person's action is never refused because background work wrote the job at the same moment."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any, Self

import attrs

from tests.unit.jobs.media_world import MediaWorld
from v3core.model import Job, JobStatus
from v3core.ports.storage import UnitOfWork, UnitOfWorkFactory
from v3core.services.jobs import ApplyJobAction, JobActionCommand, RegenerateScene


class RacingJobs:
    """The job repository of one unit of work; before the first ``update`` a background write
    (a progress change, as the render task makes) lands in another unit of work."""

    def __init__(self, inner: Any, factory: UnitOfWorkFactory, raced: list[bool]) -> None:
        self._inner = inner
        self._factory = factory
        self._raced = raced

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def update(self, job: Job) -> None:
        if not self._raced:
            self._raced.append(True)
            async with self._factory() as other:
                stored = await other.jobs.get_any(job.id)
                assert stored is not None
                stored.progress = attrs.evolve(stored.progress, message="Composed scene 1 of 5")
                await other.jobs.update(stored)
                await other.commit()
        await self._inner.update(job)


class RacingUnitOfWork:
    def __init__(self, factory: UnitOfWorkFactory, raced: list[bool]) -> None:
        self._inner: UnitOfWork = factory()
        self._factory = factory
        self._raced = raced

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def __aenter__(self) -> Self:
        await self._inner.__aenter__()
        self.jobs = RacingJobs(self._inner.jobs, self._factory, self._raced)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._inner.__aexit__(exc_type, exc, tb)


async def test_cancel_succeeds_when_the_render_task_wrote_progress_meanwhile(tmp_path: Path) -> None:
    world = MediaWorld(tmp_path, image=False, video=False)
    await world.seed()
    job_id = await world.ready_job()
    await world.action(job_id, "approve")
    raced: list[bool] = []

    def racing() -> UnitOfWork:
        return RacingUnitOfWork(world.uow, raced)  # type: ignore[return-value]

    regenerate = RegenerateScene(racing, world.clock, world.planner, world.rules, world.prices)
    act = ApplyJobAction(racing, world.clock, world.tasks, regenerate)
    result = await act.execute(JobActionCommand(world.owner_id, job_id, "cancel"))

    assert raced == [True]
    assert result.view.job.status == JobStatus.CANCELLED
    assert (await world.job(job_id)).status == JobStatus.CANCELLED
