"""Following a job's event log: woken after each commit, keep-alive ticks when idle, the end
after a terminal event, waiting for planning without polling."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.events.inprocess import InProcessJobEvents
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from tests.contract.builders import a_client, a_job, a_user, later
from v3core.errors import NotFound
from v3core.events import JobEvent
from v3core.model import JobStatus, Progress
from v3core.ports.storage import UnitOfWorkFactory
from v3core.services.jobs import FollowJobEvents, GetJob, WaitForStoryboard


class World:
    def __init__(self) -> None:
        self.wakeups = InProcessJobEvents()
        self.uow: UnitOfWorkFactory = InMemoryUnitOfWork.factory(InMemoryStore(), self.wakeups)
        self.follow = FollowJobEvents(self.uow, self.wakeups, keepalive_seconds=0.01)

    async def new_job(self) -> tuple[str, str]:
        user = a_user()
        client = a_client(user.id)
        job = a_job(user.id, client.id)
        async with self.uow() as uow:
            await uow.users.add(user)
            await uow.clients.add(client)
            await uow.jobs.add(job)
            await uow.commit()
        return user.id, job.id

    async def change(self, owner: str, job_id: str, **changes: object) -> None:
        async with self.uow() as uow:
            job = await uow.jobs.get(owner, job_id)
            assert job is not None
            for name, value in changes.items():
                setattr(job, name, value)
            job.updated_at = later()
            await uow.jobs.update(job)
            await uow.commit()


@pytest.fixture
def world() -> World:
    return World()


async def _next_event(stream: AsyncIterator[JobEvent | None]) -> JobEvent:
    while True:
        item = await anext(stream)
        if item is not None:
            return item


async def test_a_follower_gets_each_commit_as_it_happens_and_stops_after_the_terminal_event(
    world: World,
) -> None:
    owner, job_id = await world.new_job()
    stream = world.follow.follow(owner, job_id)
    assert (await _next_event(stream)).type == "job.created"

    assert await anext(stream) is None, "an idle stream ticks (keep-alive) instead of polling"
    await world.change(owner, job_id, status=JobStatus.STORYBOARD_PROCESSING)
    assert (await _next_event(stream)).seq == 2
    await world.change(owner, job_id, progress=Progress("planning", 30, "p", 2, 4))
    await world.change(owner, job_id, status=JobStatus.CANCELLED)
    await world.change(owner, job_id, progress=Progress("cancelled", 30, "after the end", 2, 4))

    rest = [e async for e in stream if e is not None]

    assert [(e.seq, e.type) for e in rest] == [(3, "job.progress"), (4, "job.cancelled")]
    assert world.wakeups.readers == 0, "the subscription ends with the stream"


async def test_a_follower_resuming_after_the_end_gets_what_is_left_then_stops(world: World) -> None:
    owner, job_id = await world.new_job()
    await world.change(owner, job_id, status=JobStatus.CANCELLED)
    await world.change(owner, job_id, progress=Progress("cancelled", 1, "charged late", 0, 4))

    resumed = [e async for e in world.follow.follow(owner, job_id, after=2) if e is not None]
    at_end = [e async for e in world.follow.follow(owner, job_id, after=3)]

    assert [(e.seq, e.type) for e in resumed] == [(3, "job.progress")]
    assert at_end == []


async def test_another_tenants_job_cannot_be_followed(world: World) -> None:
    _, job_id = await world.new_job()
    with pytest.raises(NotFound):
        await world.follow.check("someone-else", job_id)


async def test_waiting_for_the_storyboard_wakes_on_the_commit_and_gives_up_at_the_deadline(
    world: World,
) -> None:
    owner, job_id = await world.new_job()
    wait = WaitForStoryboard(GetJob(world.uow), world.wakeups)

    assert await wait.execute(owner, job_id, 0.01) is None
    waiting = asyncio.create_task(wait.execute(owner, job_id, 30))
    await asyncio.sleep(0)  # the waiter subscribes
    assert world.wakeups.readers == 1
    await world.change(owner, job_id, status=JobStatus.STORYBOARD_PROCESSING)
    await world.change(owner, job_id, status=JobStatus.STORYBOARD_READY)
    view = await asyncio.wait_for(waiting, 5)

    assert view is not None
    assert view.job.status == JobStatus.STORYBOARD_READY


async def test_an_idle_stream_of_a_job_deleted_with_its_client_ends(world: World) -> None:
    owner, job_id = await world.new_job()
    stream = world.follow.follow(owner, job_id)
    assert (await _next_event(stream)).type == "job.created"
    async with world.uow() as uow:
        job = await uow.jobs.get(owner, job_id)
        assert job is not None
        await uow.jobs.delete(owner, job_id)
        await uow.clients.delete(owner, job.client_id)
        await uow.commit()

    ticks = await asyncio.wait_for(_count_until_the_end(stream), 5)

    assert 0 < ticks < 10, "it ends after a few keep-alives, not never"
    assert world.wakeups.readers == 0


async def _count_until_the_end(stream: AsyncIterator[JobEvent | None]) -> int:
    return len([item async for item in stream])
