"""References between rows: what a delete removed, cascades of a client, a deleted campaign."""

from __future__ import annotations

import uuid

import attrs
import pytest

from v3core.model import JobStatus
from v3core.ports.storage import PageRequest, UnitOfWorkFactory
from v3core.testing.builders import a_campaign, a_client, a_job, an_asset
from v3core.testing.contracts.storage_base import StorageFixtures


class ReferenceStorageContract(StorageFixtures):
    """References between rows: what a delete removed, cascades of a client, a deleted campaign."""

    @pytest.mark.asyncio
    async def test_a_delete_reports_the_row_it_removed_and_only_once(
        self, uow_factory: UnitOfWorkFactory, owner: str
    ) -> None:
        asset = an_asset(owner)
        async with uow_factory() as uow:
            await uow.assets.add(asset)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.assets.delete("someone-else", asset.id) is None
            assert await uow.assets.delete(owner, asset.id) == asset.blob_id
            assert await uow.assets.delete(owner, asset.id) is None
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.assets.delete(owner, asset.id) is None

    @pytest.mark.asyncio
    async def test_a_client_delete_reports_whether_it_removed_the_client(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        async with uow_factory() as uow:
            assert not await uow.clients.delete("someone-else", client_id)
            assert await uow.clients.delete(owner, client_id)
            assert not await uow.clients.delete(owner, client_id)

    @pytest.mark.asyncio
    async def test_deleting_a_clients_assets_takes_its_jobs_outputs_and_nothing_else(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        other = a_client(owner)
        job = a_job(owner, client_id)
        shared = uuid.uuid4().hex * 2
        own = an_asset(owner, client_id=client_id, blob_id=shared)
        also_own = an_asset(owner, client_id=client_id, blob_id=shared)
        made_by_job = an_asset(owner, job_id=job.id)
        elsewhere = an_asset(owner, client_id=other.id, blob_id=shared)
        unattached = an_asset(owner)
        async with uow_factory() as uow:
            await uow.clients.add(other)
            await uow.jobs.add(job)
            for asset in (own, also_own, made_by_job, elsewhere, unattached):
                await uow.assets.add(asset)
            await uow.commit()
        async with uow_factory() as uow:
            removed = await uow.assets.delete_for_client(owner, client_id)
            assert sorted(removed) == sorted([shared, shared, made_by_job.blob_id])
            assert await uow.assets.delete_for_client(owner, client_id) == []
            await uow.commit()
        async with uow_factory() as uow:
            left = await uow.assets.get_many(owner, [a.id for a in (own, made_by_job, elsewhere, unattached)])
            assert [a.id for a in left] == [elsewhere.id, unattached.id]

    @pytest.mark.asyncio
    async def test_several_references_go_in_one_change_never_below_zero(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        blob = uuid.uuid4().hex * 2
        async with uow_factory() as uow:
            for _ in range(3):
                await uow.blob_refs.incref(blob, 5, "text/plain")
            assert await uow.blob_refs.decref(blob, 2) == 1
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.blob_refs.decref(blob, 5) == 0
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.blob_refs.count(blob) == 0
            assert await uow.blob_refs.incref(blob, 5, "text/plain") == 1

    @pytest.mark.asyncio
    async def test_finds_the_job_whose_video_an_asset_is(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        video = an_asset(owner)
        job = a_job(owner, client_id, status=JobStatus.COMPLETED, video_asset_id=video.id)
        async with uow_factory() as uow:
            await uow.jobs.add(job)
            await uow.assets.add(video)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.jobs.with_video(owner, video.id) == job.id
            assert await uow.jobs.with_video("someone-else", video.id) is None
            assert await uow.jobs.with_video(owner, "another-asset") is None

    @pytest.mark.asyncio
    async def test_a_deleted_campaign_detaches_its_jobs_wholly_and_for_good(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        campaign = a_campaign(owner, client_id)
        job = a_job(owner, client_id, campaign_id=campaign.id)
        job.brief = attrs.evolve(job.brief, context=attrs.evolve(job.brief.context, campaign_id=campaign.id))
        async with uow_factory() as uow:
            await uow.campaigns.add(campaign)
            await uow.jobs.add(job)
            await uow.commit()
        async with uow_factory() as uow:
            stale = await uow.jobs.get(owner, job.id)
        assert stale is not None
        assert stale.brief.context.campaign_id == campaign.id
        async with uow_factory() as uow:
            await uow.campaigns.delete(owner, campaign.id)
            await uow.commit()
        async with uow_factory() as uow:
            detached = await uow.jobs.get(owner, job.id)
            assert detached is not None
            assert (detached.campaign_id, detached.brief.context.campaign_id) == (None, None)
            stale.feedback = "written by a worker that read the job before the campaign went"
            await uow.jobs.update(stale)
            await uow.commit()
        async with uow_factory() as uow:
            stored = await uow.jobs.get(owner, job.id)
            assert stored is not None
            assert stored.feedback == stale.feedback
            assert (stored.campaign_id, stored.brief.context.campaign_id) == (None, None)
            assert (await uow.jobs.list(owner, PageRequest(), campaign_id=campaign.id)).total == 0
