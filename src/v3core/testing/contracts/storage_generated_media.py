"""Generated media in storage: an asset's generation record, a job's assets, a scene's preview."""

from __future__ import annotations

import attrs
import pytest

from v3core.model import AssetType, Generation, MediaKind
from v3core.ports.storage import UnitOfWorkFactory
from v3core.testing.builders import a_job, a_scene, an_asset
from v3core.testing.contracts.storage_base import StorageFixtures


class GeneratedMediaStorageContract(StorageFixtures):
    """Generated media in storage: an asset's generation record, a job's assets, a scene's preview."""

    @pytest.mark.asyncio
    async def test_a_generation_record_round_trips_and_a_jobs_assets_are_listed_oldest_first(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        job, other = a_job(owner, client_id), a_job(owner, client_id)
        clip = Generation(MediaKind.CLIP, 3, "replicate", "minimax/hailuo-02", "ab" * 32, 0.27)
        first = an_asset(
            owner, job_id=job.id, generation=attrs.evolve(clip, kind=MediaKind.FRAME, cost=0.003)
        )
        second = an_asset(owner, job_id=job.id, type=AssetType.VIDEO, generation=clip)
        elsewhere = an_asset(owner, job_id=other.id)
        unrelated = an_asset(owner)
        async with uow_factory() as uow:
            await uow.jobs.add(job)
            await uow.jobs.add(other)
            for asset in (second, first, elsewhere, unrelated):
                await uow.assets.add(asset)
            await uow.commit()
        async with uow_factory() as uow:
            listed = await uow.assets.list_for_job(owner, job.id)
            foreign = await uow.assets.list_for_job("someone-else", job.id)
            plain = await uow.assets.get(owner, unrelated.id)

        assert [a.id for a in listed] == [first.id, second.id]
        assert listed[1].generation == clip
        assert listed[0].generation is not None
        assert listed[0].generation.kind is MediaKind.FRAME
        assert foreign == []
        assert plain is not None
        assert plain.generation is None

    @pytest.mark.asyncio
    async def test_a_scene_keeps_its_preview_frame(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        job = a_job(owner, client_id)
        frame = an_asset(owner, job_id=job.id)
        async with uow_factory() as uow:
            await uow.jobs.add(job)
            await uow.assets.add(frame)
            scene = a_scene(job.id, 1, preview_asset_id=frame.id)
            await uow.scenes.add_many([scene])
            await uow.commit()
        async with uow_factory() as uow:
            stored = await uow.scenes.get(job.id, scene.id)
            assert stored is not None
            assert stored.preview_asset_id == frame.id
            changed = attrs.evolve(stored, preview_asset_id=None, version=stored.version + 1)
            await uow.scenes.update(changed, expected_version=stored.version)
            await uow.commit()
        async with uow_factory() as uow:
            again = await uow.scenes.get(job.id, scene.id)
        assert again is not None
        assert again.preview_asset_id is None
