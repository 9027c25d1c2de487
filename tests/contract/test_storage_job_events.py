"""The job event log (SPEC §11): every change of a job through a unit of work is an event of
its log, in the same transaction, numbered 1, 2, 3... with no gap, on every backend."""

from __future__ import annotations

import asyncio

import attrs
import pytest

from tests.contract.builders import a_job, a_scene, later
from v3core.errors import NotFound
from v3core.events import JobEvent
from v3core.model import JobError, JobStatus, Progress
from v3core.ports.storage import PageRequest, UnitOfWorkFactory


async def _log(uow_factory: UnitOfWorkFactory, owner: str, job_id: str, after: int = 0) -> list[JobEvent]:
    async with uow_factory() as uow:
        return list(await uow.job_events.after(owner, job_id, after))


async def _new_job(uow_factory: UnitOfWorkFactory, owner: str, client_id: str, scenes: int = 0) -> str:
    job = a_job(owner, client_id)
    async with uow_factory() as uow:
        await uow.jobs.add(job)
        await uow.scenes.add_many([a_scene(job.id, n) for n in range(1, scenes + 1)])
        await uow.commit()
    return job.id


async def _change(uow_factory: UnitOfWorkFactory, owner: str, job_id: str, **changes: object) -> None:
    async with uow_factory() as uow:
        job = await uow.jobs.get(owner, job_id)
        assert job is not None
        for name, value in changes.items():
            setattr(job, name, value)
        job.updated_at = later()
        await uow.jobs.update(job)
        await uow.commit()


async def test_each_change_of_a_job_is_an_event_of_its_type_numbered_from_one(
    uow_factory: UnitOfWorkFactory, owner: str, client_id: str
) -> None:
    job_id = await _new_job(uow_factory, owner, client_id)
    await _change(uow_factory, owner, job_id, status=JobStatus.STORYBOARD_PROCESSING)
    await _change(uow_factory, owner, job_id, progress=Progress("planning", 25, "Planning", 2, 4))
    await _change(uow_factory, owner, job_id, status=JobStatus.STORYBOARD_READY)
    await _change(uow_factory, owner, job_id, status=JobStatus.VIDEO_PROCESSING)
    error = JobError("render_failed", "boom", "video_rendering")
    await _change(uow_factory, owner, job_id, status=JobStatus.FAILED, error=error)

    log = await _log(uow_factory, owner, job_id)

    assert [e.seq for e in log] == [1, 2, 3, 4, 5, 6]
    assert [e.type for e in log] == [
        "job.created",
        "job.status_changed",
        "job.progress",
        "job.storyboard_ready",
        "job.status_changed",
        "job.failed",
    ]
    assert all(e.job_id == job_id and e.owner_id == owner for e in log)
    assert [e.data["status"] for e in log] == [
        "pending",
        "storyboard_processing",
        "storyboard_processing",
        "storyboard_ready",
        "video_processing",
        "failed",
    ]
    assert log[2].data["progress"] == {
        "stage": "planning",
        "percent": 25,
        "message": "Planning",
        "currentStep": 2,
        "totalSteps": 4,
    }
    assert log[5].data["errorCode"] == "render_failed"
    assert log[5].data["previousStatus"] == "video_processing"


async def test_a_charge_is_a_cost_event_and_a_write_that_changes_nothing_visible_is_none(
    uow_factory: UnitOfWorkFactory, owner: str, client_id: str
) -> None:
    job_id = await _new_job(uow_factory, owner, client_id)
    async with uow_factory() as uow:
        job = await uow.jobs.get(owner, job_id)
        assert job is not None
        job.cost.charge("storyboard_generation", 0.25)
        await uow.jobs.update(job)
        job.updated_at = later()
        await uow.jobs.update(job)  # only the time moved
        await uow.commit()

    log = await _log(uow_factory, owner, job_id)

    assert [e.type for e in log] == ["job.created", "job.cost_changed"]
    assert log[1].data["cost"] == {
        "estimated": 0.0,
        "actual": 0.25,
        "currency": "USD",
        "breakdown": {"storyboard_generation": 0.25},
    }


async def test_scene_edits_replacements_and_deletes_are_events_of_their_job(
    uow_factory: UnitOfWorkFactory, owner: str, client_id: str
) -> None:
    job_id = await _new_job(uow_factory, owner, client_id, scenes=2)
    async with uow_factory() as uow:
        first, second = await uow.scenes.list_for_job(job_id)
        await uow.scenes.update(attrs.evolve(first, script="new", version=2), expected_version=1)
        await uow.scenes.delete(job_id, second.id)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.scenes.replace_all(job_id, [a_scene(job_id, 1), a_scene(job_id, 2), a_scene(job_id, 3)])
        await uow.commit()

    log = await _log(uow_factory, owner, job_id)

    assert [(e.seq, e.type) for e in log] == [
        (1, "job.created"),
        (2, "job.scenes_changed"),
        (3, "job.scenes_changed"),
        (4, "job.scenes_changed"),
        (5, "job.scenes_changed"),
    ]
    assert [e.data["change"] for e in log[1:]] == ["added", "updated", "deleted", "replaced"]
    assert log[2].data["scenes"] == [{"id": first.id, "sceneNumber": 1, "version": 2}]
    assert log[3].data["scenes"] == [{"id": second.id, "sceneNumber": 2, "version": 1}]
    assert [s["sceneNumber"] for s in log[4].data["scenes"]] == [1, 2, 3]  # type: ignore[union-attr]


async def test_a_rolled_back_change_leaves_no_event_and_no_gap(
    uow_factory: UnitOfWorkFactory, owner: str, client_id: str
) -> None:
    job_id = await _new_job(uow_factory, owner, client_id)
    async with uow_factory() as uow:
        job = await uow.jobs.get(owner, job_id)
        assert job is not None
        job.status = JobStatus.CANCELLED
        await uow.jobs.update(job)
        # left without commit
    await _change(uow_factory, owner, job_id, status=JobStatus.STORYBOARD_PROCESSING)

    log = await _log(uow_factory, owner, job_id)

    assert [(e.seq, e.type) for e in log] == [(1, "job.created"), (2, "job.status_changed")]


async def test_concurrent_writers_of_one_job_get_consecutive_numbers(
    uow_factory: UnitOfWorkFactory, owner: str, client_id: str
) -> None:
    """Two units of work editing different scenes of one job at once: both land, one after the
    other (PostgreSQL: the second waits for the job row), with distinct consecutive numbers."""
    job_id = await _new_job(uow_factory, owner, client_id, scenes=2)
    async with uow_factory() as uow:
        scenes = list(await uow.scenes.list_for_job(job_id))
    first_wrote = asyncio.Event()

    async def edit(index: int) -> None:
        scene = scenes[index]
        async with uow_factory() as uow:
            if index == 1:
                await first_wrote.wait()
            await uow.scenes.update(attrs.evolve(scene, script=f"take {index}", version=2), 1)
            if index == 0:
                first_wrote.set()
                await asyncio.sleep(0.05)  # the other writer is now waiting on this transaction
            await uow.commit()

    await asyncio.gather(edit(0), edit(1))

    log = await _log(uow_factory, owner, job_id)
    assert [e.seq for e in log] == [1, 2, 3, 4]
    edited = [e.data["scenes"][0]["id"] for e in log[2:]]  # type: ignore[index]
    assert sorted(edited) == sorted(s.id for s in scenes)  # in commit order


async def test_the_log_is_read_after_a_number_and_in_pages_only_by_its_owner(
    uow_factory: UnitOfWorkFactory, owner: str, client_id: str
) -> None:
    job_id = await _new_job(uow_factory, owner, client_id)
    for percent in (10, 20, 30, 40):
        await _change(uow_factory, owner, job_id, progress=Progress("planning", percent, "p", 2, 4))

    async with uow_factory() as uow:
        page = await uow.job_events.page(owner, job_id, PageRequest(limit=2, offset=1))
        after = await uow.job_events.after(owner, job_id, 3, limit=1)
        foreign = await uow.job_events.page("someone-else", job_id, PageRequest())
        foreign_after = await uow.job_events.after("someone-else", job_id, 0)

    assert [e.seq for e in page.items] == [2, 3]
    assert page.total == 5
    assert [e.seq for e in after] == [4]
    assert after[0].data["progress"]["percent"] == 30  # type: ignore[index]
    assert (list(foreign.items), foreign.total, list(foreign_after)) == ([], 0, [])


async def test_an_event_needs_its_job_and_goes_with_it(
    uow_factory: UnitOfWorkFactory, owner: str, client_id: str
) -> None:
    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.job_events.append("no-such-job", "job.progress", {}, later())
    job_id = await _new_job(uow_factory, owner, client_id)
    async with uow_factory() as uow:
        await uow.jobs.delete(owner, job_id)
        await uow.commit()

    assert await _log(uow_factory, owner, job_id) == []
    recreated = await _new_job(uow_factory, owner, client_id)
    assert [e.seq for e in await _log(uow_factory, owner, recreated)] == [1]
