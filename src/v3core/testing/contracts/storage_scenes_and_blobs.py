"""Scenes (ordered, replaced wholesale, version-guarded) and blob reference counts."""

from __future__ import annotations

import uuid

import attrs
import pytest
import pytest_asyncio

from v3core.errors import NotFound, StaleVersion
from v3core.model import Voiceover
from v3core.ports.storage import UnitOfWorkFactory
from v3core.testing.builders import a_job, a_scene
from v3core.testing.contracts.storage_base import StorageFixtures


class SceneStorageContract(StorageFixtures):
    """Scenes (ordered, replaced wholesale, version-guarded) and blob reference counts."""

    @pytest_asyncio.fixture
    async def job_id(self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str) -> str:
        job = a_job(owner, client_id)
        async with uow_factory() as uow:
            await uow.jobs.add(job)
            await uow.commit()
        return job.id

    @pytest.mark.asyncio
    async def test_scenes_come_back_ordered_by_number(
        self, uow_factory: UnitOfWorkFactory, job_id: str
    ) -> None:
        scenes = [a_scene(job_id, n, asset_ids=(f"a{n}",), metadata={"n": n}) for n in (3, 1, 2)]
        async with uow_factory() as uow:
            await uow.scenes.add_many(scenes)
            await uow.commit()
        async with uow_factory() as uow:
            stored = await uow.scenes.list_for_job(job_id)
            assert await uow.scenes.get(job_id, scenes[0].id) == scenes[0]
            assert await uow.scenes.get("another-job", scenes[0].id) is None
        assert stored == sorted(scenes, key=lambda s: s.number)

    @pytest.mark.asyncio
    async def test_replace_all_swaps_the_whole_storyboard(
        self, uow_factory: UnitOfWorkFactory, job_id: str
    ) -> None:
        old = [a_scene(job_id, n) for n in (1, 2, 3)]
        new = [a_scene(job_id, n, description="again") for n in (1, 2)]
        async with uow_factory() as uow:
            await uow.scenes.add_many(old)
            await uow.commit()
        async with uow_factory() as uow:
            await uow.scenes.replace_all(job_id, new)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.scenes.list_for_job(job_id) == new

    @pytest.mark.asyncio
    async def test_deleting_a_scene_leaves_the_other_numbers_untouched(
        self, uow_factory: UnitOfWorkFactory, job_id: str
    ) -> None:
        scenes = [a_scene(job_id, n) for n in (1, 2, 3)]
        async with uow_factory() as uow:
            await uow.scenes.add_many(scenes)
            await uow.scenes.delete(job_id, scenes[1].id)
            await uow.commit()
        async with uow_factory() as uow:
            assert [s.number for s in await uow.scenes.list_for_job(job_id)] == [1, 3]

    @pytest.mark.asyncio
    async def test_a_scene_update_needs_the_current_version(
        self, uow_factory: UnitOfWorkFactory, job_id: str
    ) -> None:
        scene = a_scene(job_id, 1)
        async with uow_factory() as uow:
            await uow.scenes.add_many([scene])
            await uow.commit()
        first = attrs.evolve(scene, script="first writer", version=2)
        second = attrs.evolve(scene, script="second writer", version=2)
        async with uow_factory() as uow:
            await uow.scenes.update(first, expected_version=1)
            await uow.commit()
        async with uow_factory() as uow:
            with pytest.raises(StaleVersion):
                await uow.scenes.update(second, expected_version=1)
            with pytest.raises(NotFound):
                await uow.scenes.update(attrs.evolve(second, job_id="another-job"), expected_version=2)
        async with uow_factory() as uow:
            assert await uow.scenes.list_for_job(job_id) == [first]

    @pytest.mark.asyncio
    async def test_blob_references_count_up_and_down_to_zero(self, uow_factory: UnitOfWorkFactory) -> None:
        blob = uuid.uuid4().hex * 2
        async with uow_factory() as uow:
            assert await uow.blob_refs.count(blob) == 0
            assert await uow.blob_refs.incref(blob, 10, "image/png") == 1
            assert await uow.blob_refs.incref(blob, 10, "image/png") == 2
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.blob_refs.decref(blob) == 1
            assert await uow.blob_refs.decref(blob) == 0
            assert await uow.blob_refs.decref(blob) == 0
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.blob_refs.count(blob) == 0
            assert await uow.blob_refs.incref(blob, 10, "image/png") == 1

    @pytest.mark.asyncio
    async def test_uncommitted_references_are_rolled_back(self, uow_factory: UnitOfWorkFactory) -> None:
        blob = uuid.uuid4().hex * 2
        async with uow_factory() as uow:
            await uow.blob_refs.incref(blob, 1, "text/plain")
            await uow.commit()
        async with uow_factory() as uow:
            await uow.blob_refs.incref(blob, 1, "text/plain")
            await uow.blob_refs.decref(blob)
            await uow.blob_refs.decref(blob)
        async with uow_factory() as uow:
            assert await uow.blob_refs.count(blob) == 1

    @pytest.mark.asyncio
    async def test_references_taken_by_interleaved_units_of_work_all_count(
        self,
        uow_factory: UnitOfWorkFactory,
    ) -> None:
        blob = uuid.uuid4().hex * 2
        async with uow_factory() as first:
            await first.blob_refs.incref(blob, 1, "text/plain")
            await first.commit()
            async with uow_factory() as second:
                await second.blob_refs.incref(blob, 1, "text/plain")
                await second.commit()
            await first.blob_refs.incref(blob, 1, "text/plain")
            await first.commit()
        async with uow_factory() as uow:
            assert await uow.blob_refs.count(blob) == 3

    @pytest.mark.asyncio
    async def test_a_scene_keeps_the_voiceover_a_render_recorded_on_it(
        self, uow_factory: UnitOfWorkFactory, job_id: str
    ) -> None:
        scene = a_scene(job_id, 1)
        async with uow_factory() as uow:
            await uow.scenes.add_many([scene])
            await uow.commit()
        spoken = attrs.evolve(scene, duration=5.65, voiceover=Voiceover(0.15, 5.25, 4.0), version=2)
        async with uow_factory() as uow:
            await uow.scenes.update(spoken, expected_version=1)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.scenes.get(job_id, scene.id) == spoken
        silent = attrs.evolve(spoken, duration=4.0, voiceover=None, version=3)
        async with uow_factory() as uow:
            await uow.scenes.update(silent, expected_version=2)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.scenes.get(job_id, scene.id) == silent
