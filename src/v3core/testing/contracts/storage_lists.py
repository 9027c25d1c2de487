"""Lists: newest first (created_at, then id), filters in the store, totals for paging."""

from __future__ import annotations

import pytest

from v3core.model import AssetType, CampaignStatus, JobStatus
from v3core.ports.storage import PageRequest, UnitOfWorkFactory
from v3core.testing.builders import T0, a_campaign, a_client, a_job, an_asset, new_id
from v3core.testing.contracts.storage_base import StorageFixtures


class ListStorageContract(StorageFixtures):
    """Lists: newest first (created_at, then id), filters in the store, totals for paging."""

    @pytest.mark.asyncio
    async def test_pages_are_newest_first_with_the_total(
        self, uow_factory: UnitOfWorkFactory, owner: str
    ) -> None:
        clients = [a_client(owner, created_at=T0.replace(minute=m)) for m in (5, 1, 9, 3, 7)]
        async with uow_factory() as uow:
            for c in clients:
                await uow.clients.add(c)
            await uow.commit()
        newest_first = [c.id for c in sorted(clients, key=lambda c: c.created_at, reverse=True)]
        async with uow_factory() as uow:
            first = await uow.clients.list(owner, PageRequest(limit=2, offset=0))
            middle = await uow.clients.list(owner, PageRequest(limit=2, offset=2))
            last = await uow.clients.list(owner, PageRequest(limit=2, offset=4))
            beyond = await uow.clients.list(owner, PageRequest(limit=2, offset=10))
        assert [c.id for c in [*first.items, *middle.items, *last.items]] == newest_first
        assert [p.total for p in (first, middle, last, beyond)] == [5, 5, 5, 5]
        assert beyond.items == []

    @pytest.mark.asyncio
    async def test_equal_creation_times_are_ordered_by_id_descending(
        self, uow_factory: UnitOfWorkFactory, owner: str
    ) -> None:
        ids = ["a-1", "a1", "A_2", "b", "a.0", "Z"]
        clients = [a_client(owner, id=f"{owner}/{i}", created_at=T0) for i in ids]
        async with uow_factory() as uow:
            for c in clients:
                await uow.clients.add(c)
            await uow.commit()
        async with uow_factory() as uow:
            page = await uow.clients.list(owner, PageRequest())
        assert [c.id for c in page.items] == sorted((c.id for c in clients), reverse=True)

    @pytest.mark.asyncio
    async def test_campaigns_filter_by_client_and_status(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        other = a_client(owner)
        active = a_campaign(owner, client_id, status=CampaignStatus.ACTIVE)
        draft = a_campaign(owner, client_id)
        elsewhere = a_campaign(owner, other.id, status=CampaignStatus.ACTIVE)
        async with uow_factory() as uow:
            await uow.clients.add(other)
            for c in (active, draft, elsewhere):
                await uow.campaigns.add(c)
            await uow.commit()
        async with uow_factory() as uow:
            of_client = await uow.campaigns.list(owner, PageRequest(), client_id=client_id)
            of_status = await uow.campaigns.list(owner, PageRequest(), status="active")
            both = await uow.campaigns.list(owner, PageRequest(), client_id=client_id, status="active")
        assert {c.id for c in of_client.items} == {active.id, draft.id}
        assert {c.id for c in of_status.items} == {active.id, elsewhere.id}
        assert [c.id for c in both.items] == [active.id]
        assert both.total == 1

    @pytest.mark.asyncio
    async def test_assets_filter_by_client_campaign_type_and_tag(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        campaign = a_campaign(owner, client_id)
        logo = an_asset(owner, client_id=client_id, tags=("logo", "brand"))
        clip = an_asset(
            owner, client_id=client_id, campaign_id=campaign.id, type=AssetType.VIDEO, tags=("brand",)
        )
        loose = an_asset(owner, tags=("logo",))
        async with uow_factory() as uow:
            await uow.campaigns.add(campaign)
            for a in (logo, clip, loose):
                await uow.assets.add(a)
            await uow.commit()

        async def ids(**filters: str) -> set[str]:
            async with uow_factory() as uow:
                page = await uow.assets.list(owner, PageRequest(), **filters)
            assert page.total == len(page.items)
            return {a.id for a in page.items}

        assert await ids() == {logo.id, clip.id, loose.id}
        assert await ids(client_id=client_id) == {logo.id, clip.id}
        assert await ids(campaign_id=campaign.id) == {clip.id}
        assert await ids(type="video") == {clip.id}
        assert await ids(tag="logo") == {logo.id, loose.id}
        assert await ids(tag="brand", type="image") == {logo.id}
        assert await ids(tag="nothing") == set()

    @pytest.mark.asyncio
    async def test_retagging_an_asset_changes_what_the_tag_filter_finds(
        self, uow_factory: UnitOfWorkFactory, owner: str
    ) -> None:
        asset = an_asset(owner, tags=("old",))
        async with uow_factory() as uow:
            await uow.assets.add(asset)
            await uow.commit()
        async with uow_factory() as uow:
            asset.tags = ("new", "newer")
            await uow.assets.update(asset)
            await uow.commit()
        async with uow_factory() as uow:
            assert (await uow.assets.list(owner, PageRequest(), tag="old")).total == 0
            assert [a.id for a in (await uow.assets.list(owner, PageRequest(), tag="newer")).items] == [
                asset.id
            ]
            assert await uow.assets.get(owner, asset.id) == asset

    @pytest.mark.asyncio
    async def test_get_many_keeps_the_asked_order_and_skips_foreign_or_missing_ids(
        self, uow_factory: UnitOfWorkFactory, owner: str
    ) -> None:
        first, second = an_asset(owner), an_asset(owner)
        async with uow_factory() as uow:
            await uow.assets.add(first)
            await uow.assets.add(second)
            await uow.commit()
        async with uow_factory() as uow:
            found = await uow.assets.get_many(owner, [second.id, "missing", first.id, second.id])
            assert [a.id for a in found] == [second.id, first.id]
            assert await uow.assets.get_many("someone-else", [first.id]) == []
            assert await uow.assets.ids_for_client(owner, "nobody") == []

    @pytest.mark.asyncio
    async def test_jobs_filter_by_client_campaign_and_status(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        campaign = a_campaign(owner, client_id)
        done = a_job(owner, client_id, campaign_id=campaign.id, status=JobStatus.COMPLETED)
        pending = a_job(owner, client_id)
        async with uow_factory() as uow:
            await uow.campaigns.add(campaign)
            await uow.jobs.add(done)
            await uow.jobs.add(pending)
            await uow.commit()
        async with uow_factory() as uow:
            by_client = await uow.jobs.list(owner, PageRequest(limit=1), client_id=client_id)
            by_campaign = await uow.jobs.list(owner, PageRequest(), campaign_id=campaign.id)
            by_status = await uow.jobs.list(owner, PageRequest(), status="pending")
            ids = await uow.jobs.ids_for_client(owner, client_id)
        assert ([j.id for j in by_client.items], by_client.total) == ([pending.id], 2)
        assert [j.id for j in by_campaign.items] == [done.id]
        assert [j.id for j in by_status.items] == [pending.id]
        assert ids == [pending.id, done.id]
        assert new_id() not in ids
