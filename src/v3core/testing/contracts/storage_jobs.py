"""Jobs: brief round trip, versions, idempotency, recovery queries, stats and dependents."""

from __future__ import annotations

import asyncio

import pytest

from v3core.errors import Conflict, NotFound, StaleVersion
from v3core.model import JobCost, JobError, JobStatus, Progress
from v3core.ports.storage import CampaignStats, ClientDependents, ClientStats, UnitOfWorkFactory
from v3core.testing.builders import a_campaign, a_job, a_scene, an_asset
from v3core.testing.contracts.storage_base import StorageFixtures


class JobStorageContract(StorageFixtures):
    """Jobs: brief round trip, versions, idempotency, recovery queries, stats and dependents."""

    @pytest.mark.asyncio
    async def test_a_job_round_trips_with_its_brief_cost_progress_and_error(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        job = a_job(
            owner,
            client_id,
            status=JobStatus.FAILED,
            progress=Progress("rendering", 40, "Rendering scene 2", 2, 5),
            asset_ids=("a1", "a2"),
            cost=JobCost(estimated=1.5, actual=0.25, breakdown={"storyboard_generation": 0.25}),
            error=JobError("upstream_timeout", "AI took too long", "storyboard_generation"),
            feedback="more blue",
            video_duration=30.5,
            idempotency_key="key-1",
            request_hash="abc",
        )
        async with uow_factory() as uow:
            await uow.jobs.add(job)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.jobs.get(owner, job.id) == job
            assert await uow.jobs.get_any(job.id) == job
            assert await uow.jobs.get("someone-else", job.id) is None

    @pytest.mark.asyncio
    async def test_update_bumps_the_version_and_refuses_a_stale_one(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        job = a_job(owner, client_id)
        async with uow_factory() as uow:
            await uow.jobs.add(job)
            await uow.commit()
        async with uow_factory() as uow:
            mine = await uow.jobs.get(owner, job.id)
        async with uow_factory() as uow:
            theirs = await uow.jobs.get(owner, job.id)
            assert theirs is not None
            theirs.status = JobStatus.STORYBOARD_PROCESSING
            await uow.jobs.update(theirs)
            assert theirs.version == 2
            await uow.commit()
        assert mine is not None
        async with uow_factory() as uow:
            mine.feedback = "lost?"
            with pytest.raises(StaleVersion):
                await uow.jobs.update(mine)
        async with uow_factory() as uow:
            stored = await uow.jobs.get(owner, job.id)
        assert stored is not None
        assert (stored.version, stored.status, stored.feedback) == (2, JobStatus.STORYBOARD_PROCESSING, None)

    @pytest.mark.asyncio
    async def test_two_updates_in_one_unit_of_work_each_bump_the_version(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        job = a_job(owner, client_id)
        async with uow_factory() as uow:
            await uow.jobs.add(job)
            job.cost.charge("storyboard_generation", 0.1)
            await uow.jobs.update(job)
            job.cost.charge("video_rendering", 0.2)
            await uow.jobs.update(job)
            await uow.commit()
        async with uow_factory() as uow:
            stored = await uow.jobs.get(owner, job.id)
        assert stored == job
        assert stored.version == 3

    @pytest.mark.asyncio
    async def test_updating_another_owners_job_is_not_found(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        job = a_job(owner, client_id)
        async with uow_factory() as uow:
            await uow.jobs.add(job)
            await uow.commit()
        job.owner_id = "someone-else"
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.jobs.update(job)

    @pytest.mark.asyncio
    async def test_finds_a_job_by_its_idempotency_key_and_refuses_a_duplicate(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        job = a_job(owner, client_id, idempotency_key="retry-me", request_hash="h1")
        async with uow_factory() as uow:
            await uow.jobs.add(job)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.jobs.find_by_idempotency_key(owner, "retry-me") == job
            assert await uow.jobs.find_by_idempotency_key("someone-else", "retry-me") is None
            assert await uow.jobs.find_by_idempotency_key(owner, "other") is None
            with pytest.raises(Conflict):
                await uow.jobs.add(a_job(owner, client_id, idempotency_key="retry-me"))

    @pytest.mark.asyncio
    async def test_lists_jobs_in_given_states_across_owners_oldest_first(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        planning = a_job(owner, client_id, status=JobStatus.STORYBOARD_PROCESSING)
        rendering = a_job(owner, client_id, status=JobStatus.VIDEO_PROCESSING)
        finished = a_job(owner, client_id, status=JobStatus.COMPLETED)
        async with uow_factory() as uow:
            for j in (planning, rendering, finished):
                await uow.jobs.add(j)
            await uow.commit()
        mine = {planning.id, rendering.id, finished.id}
        async with uow_factory() as uow:
            found = await uow.jobs.list_in_status(
                [JobStatus.STORYBOARD_PROCESSING, JobStatus.VIDEO_PROCESSING]
            )
            assert await uow.jobs.list_in_status([]) == []
        assert [j.id for j in found if j.id in mine] == [planning.id, rendering.id]

    @pytest.mark.asyncio
    async def test_knows_whether_an_unfinished_job_uses_an_asset(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        running = a_job(owner, client_id, asset_ids=("in-use", "both"), status=JobStatus.STORYBOARD_READY)
        done = a_job(owner, client_id, asset_ids=("was-used", "both"), status=JobStatus.COMPLETED)
        async with uow_factory() as uow:
            await uow.jobs.add(running)
            await uow.jobs.add(done)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.jobs.uses_asset(owner, "in-use")
            assert await uow.jobs.uses_asset(owner, "both")
            assert not await uow.jobs.uses_asset(owner, "was-used")
            assert await uow.jobs.uses_asset(owner, "was-used", unfinished_only=False)
            assert not await uow.jobs.uses_asset(owner, "in-us")
            assert not await uow.jobs.uses_asset("someone-else", "in-use")

    @pytest.mark.asyncio
    async def test_client_and_campaign_stats_are_aggregates_of_their_jobs(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        campaign, empty = a_campaign(owner, client_id), a_campaign(owner, client_id)
        jobs = [
            a_job(
                owner,
                client_id,
                campaign_id=campaign.id,
                status=JobStatus.COMPLETED,
                cost=JobCost(actual=1.25),
            ),
            a_job(
                owner,
                client_id,
                campaign_id=campaign.id,
                status=JobStatus.COMPLETED,
                cost=JobCost(actual=0.75),
            ),
            a_job(
                owner, client_id, campaign_id=campaign.id, status=JobStatus.FAILED, cost=JobCost(actual=0.5)
            ),
            a_job(owner, client_id, status=JobStatus.PENDING),
        ]
        async with uow_factory() as uow:
            await uow.campaigns.add(campaign)
            await uow.campaigns.add(empty)
            for j in jobs:
                await uow.jobs.add(j)
            await uow.commit()
        async with uow_factory() as uow:
            client_stats = await uow.clients.stats(owner, client_id)
            campaign_stats = await uow.campaigns.stats(owner, campaign.id)
            empty_stats = await uow.campaigns.stats(owner, empty.id)
            foreign = await uow.clients.stats("someone-else", client_id)
        assert (client_stats.campaign_count, client_stats.job_count, client_stats.video_count) == (2, 4, 2)
        assert client_stats.total_spend == pytest.approx(2.5)
        assert (campaign_stats.job_count, campaign_stats.video_count) == (3, 2)
        assert (campaign_stats.total_spend, campaign_stats.avg_cost) == pytest.approx((2.5, 1.0))
        assert empty_stats == CampaignStats(job_count=0, video_count=0, total_spend=0.0, avg_cost=0.0)
        assert foreign == ClientStats(0, 0, 0, 0.0)

    @pytest.mark.asyncio
    async def test_dependents_count_what_hangs_on_a_client(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        async with uow_factory() as uow:
            assert not (await uow.clients.dependents(owner, client_id)).any
            await uow.campaigns.add(a_campaign(owner, client_id))
            await uow.assets.add(an_asset(owner, client_id=client_id))
            await uow.assets.add(an_asset(owner, client_id=client_id))
            await uow.jobs.add(a_job(owner, client_id))
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.clients.dependents(owner, client_id) == ClientDependents(
                campaigns=1, assets=2, jobs=1
            )
            assert await uow.clients.dependents("someone-else", client_id) == ClientDependents(0, 0, 0)

    @pytest.mark.asyncio
    async def test_deleting_a_job_removes_its_scenes_and_detaches_its_video(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        job = a_job(owner, client_id)
        video = an_asset(owner, job_id=job.id)
        async with uow_factory() as uow:
            await uow.jobs.add(job)
            await uow.scenes.add_many([a_scene(job.id, 1)])
            await uow.assets.add(video)
            await uow.commit()
        async with uow_factory() as uow:
            await uow.jobs.delete(owner, job.id)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.jobs.get(owner, job.id) is None
            assert await uow.scenes.list_for_job(job.id) == []
            kept = await uow.assets.get(owner, video.id)
        assert kept is not None
        assert kept.job_id is None

    @pytest.mark.asyncio
    async def test_concurrent_writers_of_one_job_never_lose_an_update(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        job = a_job(owner, client_id)
        async with uow_factory() as uow:
            await uow.jobs.add(job)
            await uow.commit()
        everyone_has_read = asyncio.Barrier(5)

        async def writer(n: int) -> bool:
            async with uow_factory() as uow:
                mine = await uow.jobs.get(owner, job.id)
                assert mine is not None
                await everyone_has_read.wait()
                mine.feedback = f"writer {n}"
                try:
                    await uow.jobs.update(mine)
                    await uow.commit()
                except StaleVersion:
                    return False
                return True

        landed = await asyncio.gather(*(writer(n) for n in range(5)))
        async with uow_factory() as uow:
            stored = await uow.jobs.get(owner, job.id)
        assert landed.count(True) == 1
        assert stored is not None
        assert stored.version == 2
        assert stored.feedback == f"writer {landed.index(True)}"
