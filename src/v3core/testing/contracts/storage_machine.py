"""Stateful property test: each backend behaves like a plain-Python model of the store.

Hypothesis drives jobs (version-checked updates, deletes, paged and filtered lists,
stats), scenes (ordering, version checks, replace_all) and blob reference counts, each
step committed or abandoned at random; after every step the backend must agree with
the model. The machine is synchronous: it runs in a worker thread and hands each unit of
work to the test's event loop, so the units of work the subclass's ``uow_factory`` fixture
makes are used on the loop they were made for.

``StorageModelContract.storage_model_settings`` sizes the run (override it in a subclass).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from v3core.errors import StaleVersion
from v3core.model import JobCost, JobStatus
from v3core.ports.storage import PageRequest, UnitOfWork, UnitOfWorkFactory
from v3core.testing.builders import T0, a_client, a_job, a_scene, a_user
from v3core.testing.contracts._loop import in_a_thread, on_loop

T = TypeVar("T")
ID_PARTS = st.text(alphabet="aAzZ09-_.", min_size=1, max_size=3)
STATUSES = st.sampled_from(list(JobStatus))


@attrs.define
class JobRow:
    id: str
    created_at: Any
    status: JobStatus
    version: int = 1
    cost: float = 0.0


@attrs.define
class SceneRow:
    id: str
    job_id: str
    number: int
    version: int = 1


@attrs.define
class Harness:
    """What one backend gives the machine: units of work and a way to run coroutines."""

    uow: UnitOfWorkFactory
    run: Callable[[Awaitable[Any]], Any]


class StorageMachine(RuleBasedStateMachine):
    harness: Harness

    def __init__(self) -> None:
        super().__init__()
        self.counter = 0
        self.blob_prefix = uuid.uuid4().hex[:8]
        self.jobs: dict[str, JobRow] = {}
        self.scenes: dict[str, SceneRow] = {}
        self.blobs: dict[str, int] = {}
        user = a_user()
        client = a_client(user.id)
        self.owner, self.client_id = user.id, client.id

        async def setup(uow: UnitOfWork) -> None:
            await uow.users.add(user)
            await uow.clients.add(client)

        self.transact(setup, commit=True)

    def transact(self, work: Callable[[UnitOfWork], Awaitable[T]], commit: bool) -> T:
        async def go() -> T:
            async with self.harness.uow() as uow:
                result = await work(uow)
                if commit:
                    await uow.commit()
                return result

        return self.harness.run(go())  # type: ignore[no-any-return]

    def new_id(self, part: str) -> str:
        self.counter += 1
        return f"{self.owner}/{part}~{self.counter}"

    # --- jobs -------------------------------------------------------------------------
    @rule(
        part=ID_PARTS,
        second=st.integers(0, 3),
        status=STATUSES,
        cost=st.integers(0, 400),
        commit=st.booleans(),
    )
    def add_job(self, part: str, second: int, status: JobStatus, cost: int, commit: bool) -> None:
        row = JobRow(self.new_id(part), T0 + timedelta(seconds=second), status, cost=cost / 100)
        job = a_job(self.owner, self.client_id, id=row.id, created_at=row.created_at, status=status)
        job.cost = JobCost(actual=row.cost)

        async def work(uow: UnitOfWork) -> None:
            await uow.jobs.add(job)

        self.transact(work, commit)
        if commit:
            self.jobs[row.id] = row

    @precondition(lambda self: self.jobs)
    @rule(data=st.data(), status=STATUSES, stale_by=st.sampled_from([0, 0, -1, 1]), commit=st.booleans())
    def update_job(self, data: st.DataObject, status: JobStatus, stale_by: int, commit: bool) -> None:
        row = self.jobs[data.draw(st.sampled_from(sorted(self.jobs)))]

        async def work(uow: UnitOfWork) -> bool:
            job = await uow.jobs.get(self.owner, row.id)
            assert job is not None
            assert job.version == row.version
            job.status = status
            job.version += stale_by
            try:
                await uow.jobs.update(job)
            except StaleVersion:
                return False
            assert job.version == row.version + 1
            return True

        updated = self.transact(work, commit)
        assert updated == (stale_by == 0)
        if updated and commit:
            row.status = status
            row.version += 1

    @precondition(lambda self: self.jobs)
    @rule(data=st.data(), commit=st.booleans())
    def delete_job(self, data: st.DataObject, commit: bool) -> None:
        job_id = data.draw(st.sampled_from(sorted(self.jobs)))

        async def work(uow: UnitOfWork) -> None:
            await uow.jobs.delete(self.owner, job_id)

        self.transact(work, commit)
        if commit:
            del self.jobs[job_id]
            self.scenes = {k: s for k, s in self.scenes.items() if s.job_id != job_id}

    @rule(limit=st.integers(1, 4), offset=st.integers(0, 6), status=st.none() | STATUSES)
    def list_jobs(self, limit: int, offset: int, status: JobStatus | None) -> None:
        async def work(uow: UnitOfWork) -> Any:
            return await uow.jobs.list(self.owner, PageRequest(limit, offset), status=status)

        page = self.transact(work, commit=False)
        rows = [r for r in self.jobs.values() if status is None or r.status == status]
        expected = sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
        assert [j.id for j in page.items] == [r.id for r in expected[offset : offset + limit]]
        assert page.total == len(expected)

    # --- scenes -----------------------------------------------------------------------
    @precondition(lambda self: self.jobs)
    @rule(
        data=st.data(),
        numbers=st.lists(st.integers(1, 7), max_size=4),
        replace=st.booleans(),
        commit=st.booleans(),
    )
    def add_scenes(self, data: st.DataObject, numbers: list[int], replace: bool, commit: bool) -> None:
        job_id = data.draw(st.sampled_from(sorted(self.jobs)))
        new = [SceneRow(self.new_id("s"), job_id, n) for n in numbers]
        scenes = [a_scene(job_id, s.number, id=s.id) for s in new]

        async def work(uow: UnitOfWork) -> None:
            if replace:
                await uow.scenes.replace_all(job_id, scenes)
            else:
                await uow.scenes.add_many(scenes)

        self.transact(work, commit)
        if commit:
            if replace:
                self.scenes = {k: s for k, s in self.scenes.items() if s.job_id != job_id}
            self.scenes.update((s.id, s) for s in new)

    @precondition(lambda self: self.scenes)
    @rule(data=st.data(), stale_by=st.sampled_from([0, 0, -1, 1]), commit=st.booleans())
    def update_scene(self, data: st.DataObject, stale_by: int, commit: bool) -> None:
        row = self.scenes[data.draw(st.sampled_from(sorted(self.scenes)))]

        async def work(uow: UnitOfWork) -> bool:
            scene = await uow.scenes.get(row.job_id, row.id)
            assert scene is not None
            changed = attrs.evolve(scene, script="edited", version=scene.version + 1)
            try:
                await uow.scenes.update(changed, expected_version=row.version + stale_by)
            except StaleVersion:
                return False
            return True

        updated = self.transact(work, commit)
        assert updated == (stale_by == 0)
        if updated and commit:
            row.version += 1

    # --- blobs ------------------------------------------------------------------------
    @rule(which=st.integers(0, 2), up=st.booleans(), commit=st.booleans())
    def change_blob_reference(self, which: int, up: bool, commit: bool) -> None:
        blob = f"{self.blob_prefix}-{which}"
        expected = self.blobs.get(blob, 0) + 1 if up else max(self.blobs.get(blob, 0) - 1, 0)

        async def work(uow: UnitOfWork) -> int:
            return await (uow.blob_refs.incref(blob, 3, "text/plain") if up else uow.blob_refs.decref(blob))

        assert self.transact(work, commit) == expected
        if commit:
            self.blobs[blob] = expected

    # --- invariants -------------------------------------------------------------------
    @invariant()
    def agrees_with_the_model(self) -> None:
        async def read(uow: UnitOfWork) -> Any:
            stats = await uow.clients.stats(self.owner, self.client_id)
            scenes = {j: await uow.scenes.list_for_job(j) for j in self.jobs}
            blobs = {b: await uow.blob_refs.count(b) for b in self.blobs}
            return stats, scenes, blobs

        stats, scenes, blobs = self.transact(read, commit=False)
        assert stats.job_count == len(self.jobs)
        assert stats.video_count == sum(r.status == JobStatus.COMPLETED for r in self.jobs.values())
        assert stats.total_spend == pytest.approx(sum(r.cost for r in self.jobs.values()))
        for job_id, stored in scenes.items():
            rows = sorted(
                (s for s in self.scenes.values() if s.job_id == job_id), key=lambda s: (s.number, s.id)
            )
            assert [(s.id, s.number, s.version) for s in stored] == [
                (s.id, s.number, s.version) for s in rows
            ]
        assert blobs == self.blobs


class StorageModelContract:
    """The storage agrees with a plain-Python model after every random step (needs ``uow_factory``)."""

    storage_model_settings = settings(
        max_examples=25,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )

    @pytest.mark.asyncio
    async def test_the_store_behaves_like_the_model(self, uow_factory: UnitOfWorkFactory) -> None:
        harness = Harness(uow_factory, on_loop(asyncio.get_running_loop()))
        machine = type("Machine", (StorageMachine,), {"harness": harness})
        await in_a_thread(lambda: run_state_machine_as_test(machine, settings=self.storage_model_settings))
