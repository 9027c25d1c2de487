"""Units of work: commit, rollback, private copies, tenant scoping and references."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from v3core.errors import Conflict, NotFound
from v3core.model import ApiKey, BrandGuidelines
from v3core.ports.storage import PageRequest, UnitOfWorkFactory
from v3core.testing.builders import a_campaign, a_client, a_job, a_user, an_asset
from v3core.testing.contracts.storage_base import StorageFixtures


class TransactionStorageContract(StorageFixtures):
    """Units of work: commit, rollback, private copies, tenant scoping and references."""

    @pytest.mark.asyncio
    async def test_committed_work_is_seen_by_the_next_unit_of_work(
        self, uow_factory: UnitOfWorkFactory, owner: str
    ) -> None:
        client = a_client(owner)
        async with uow_factory() as uow:
            await uow.clients.add(client)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.clients.get(owner, client.id) == client

    @pytest.mark.asyncio
    async def test_rolls_back_uncommitted_work_on_leaving(
        self, uow_factory: UnitOfWorkFactory, owner: str
    ) -> None:
        client = a_client(owner)
        async with uow_factory() as uow:
            await uow.clients.add(client)
            assert await uow.clients.get(owner, client.id) == client
        async with uow_factory() as uow:
            assert await uow.clients.get(owner, client.id) is None

    @pytest.mark.asyncio
    async def test_rolls_back_when_the_block_raises(self, uow_factory: UnitOfWorkFactory, owner: str) -> None:
        client = a_client(owner)

        async def add_then_fail() -> None:
            async with uow_factory() as uow:
                await uow.clients.add(client)
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            await add_then_fail()
        async with uow_factory() as uow:
            assert await uow.clients.get(owner, client.id) is None

    @pytest.mark.asyncio
    async def test_explicit_rollback_discards_and_later_commits_still_work(
        self, uow_factory: UnitOfWorkFactory, owner: str
    ) -> None:
        dropped, kept = a_client(owner), a_client(owner)
        async with uow_factory() as uow:
            await uow.clients.add(dropped)
            await uow.rollback()
            await uow.clients.add(kept)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.clients.get(owner, dropped.id) is None
            assert await uow.clients.get(owner, kept.id) == kept

    @pytest.mark.asyncio
    async def test_mutating_a_loaded_entity_changes_nothing_without_update(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        async with uow_factory() as uow:
            client = await uow.clients.get(owner, client_id)
            assert client is not None
            client.name = "Renamed"
            await uow.commit()
        async with uow_factory() as uow:
            stored = await uow.clients.get(owner, client_id)
            assert stored is not None
            assert stored.name == "Acme"

    @pytest.mark.asyncio
    async def test_another_owners_ids_look_missing(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        stranger = a_user()
        async with uow_factory() as uow:
            await uow.users.add(stranger)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.clients.get(stranger.id, client_id) is None
            assert (await uow.clients.list(stranger.id, PageRequest())).total == 0
            foreign = await uow.clients.get(owner, client_id)
            assert foreign is not None
            foreign.owner_id = stranger.id
            with pytest.raises(NotFound):
                await uow.clients.update(foreign)
            await uow.clients.delete(stranger.id, client_id)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.clients.get(owner, client_id) is not None

    @pytest.mark.asyncio
    async def test_updating_a_missing_record_is_not_found(
        self, uow_factory: UnitOfWorkFactory, owner: str
    ) -> None:
        async with uow_factory() as uow:
            with pytest.raises(NotFound):
                await uow.clients.update(a_client(owner))

    @pytest.mark.asyncio
    async def test_a_record_pointing_at_a_missing_client_is_refused(
        self, uow_factory: UnitOfWorkFactory, owner: str
    ) -> None:
        async with uow_factory() as uow:
            with pytest.raises(Conflict):
                await uow.campaigns.add(a_campaign(owner, "no-such-client"))

    @pytest.mark.asyncio
    async def test_adding_the_same_id_twice_is_a_conflict(
        self, uow_factory: UnitOfWorkFactory, owner: str
    ) -> None:
        client = a_client(owner)
        async with uow_factory() as uow:
            await uow.clients.add(client)
            await uow.commit()
        async with uow_factory() as uow:
            with pytest.raises(Conflict):
                await uow.clients.add(client)

    @pytest.mark.asyncio
    async def test_times_come_back_as_the_same_instant_in_utc(
        self, uow_factory: UnitOfWorkFactory, owner: str
    ) -> None:
        local = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
        client = a_client(owner, created_at=local)
        async with uow_factory() as uow:
            await uow.clients.add(client)
            await uow.commit()
        async with uow_factory() as uow:
            stored = await uow.clients.get(owner, client.id)
        assert stored is not None
        assert stored.created_at == local
        assert stored.created_at.utcoffset() == timedelta(0)

    @pytest.mark.asyncio
    async def test_client_documents_round_trip(self, uow_factory: UnitOfWorkFactory, owner: str) -> None:
        guidelines = BrandGuidelines(
            colors=("#fff", "#000"), fonts=("Inter",), tone="calm", restrictions=("no red",)
        )
        client = a_client(
            owner, brand_guidelines=guidelines, metadata={"tier": "gold", "n": [1, 2]}, homepage="https://a"
        )
        async with uow_factory() as uow:
            await uow.clients.add(client)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.clients.get(owner, client.id) == client

    @pytest.mark.asyncio
    async def test_campaign_brief_may_be_text_or_an_object(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        as_text = a_campaign(owner, client_id, brief="sell shoes")
        as_object = a_campaign(owner, client_id, brief={"goal": "sell", "budget": 10})
        async with uow_factory() as uow:
            await uow.campaigns.add(as_text)
            await uow.campaigns.add(as_object)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.campaigns.get(owner, as_text.id) == as_text
            assert await uow.campaigns.get(owner, as_object.id) == as_object

    @pytest.mark.asyncio
    async def test_users_are_found_by_email_and_keys_by_hash(self, uow_factory: UnitOfWorkFactory) -> None:
        user = a_user()
        key = ApiKey(
            id=user.id + "-k",
            user_id=user.id,
            key_hash=user.id + "-hash",
            prefix="v3_ab",
            created_at=user.created_at,
        )
        async with uow_factory() as uow:
            await uow.users.add(user)
            await uow.api_keys.add(key)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.users.get_by_email(user.email) == user
            assert await uow.users.get(user.id) == user
            assert await uow.api_keys.get_by_hash(key.key_hash) == key
            assert await uow.api_keys.get_by_hash("unknown") is None
            key.revoked_at = user.created_at + timedelta(days=1)
            await uow.api_keys.update(key)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.api_keys.list_for_user(user.id) == [key]

    @pytest.mark.asyncio
    async def test_a_second_user_with_the_same_email_is_a_conflict(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        user = a_user()
        twin = a_user()
        twin.email = user.email
        async with uow_factory() as uow:
            await uow.users.add(user)
            with pytest.raises(Conflict):
                await uow.users.add(twin)

    @pytest.mark.asyncio
    async def test_deleting_a_client_removes_its_campaigns_and_jobs_and_detaches_its_assets(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        campaign = a_campaign(owner, client_id)
        job = a_job(owner, client_id, campaign_id=campaign.id)
        asset = an_asset(owner, client_id=client_id, campaign_id=campaign.id)
        async with uow_factory() as uow:
            await uow.campaigns.add(campaign)
            await uow.jobs.add(job)
            await uow.assets.add(asset)
            await uow.commit()
        async with uow_factory() as uow:
            await uow.clients.delete(owner, client_id)
            await uow.commit()
        async with uow_factory() as uow:
            assert await uow.campaigns.get(owner, campaign.id) is None
            assert await uow.jobs.get(owner, job.id) is None
            detached = await uow.assets.get(owner, asset.id)
        assert detached is not None
        assert (detached.client_id, detached.campaign_id) == (None, None)

    @pytest.mark.asyncio
    async def test_metadata_comes_back_as_plain_json(
        self, uow_factory: UnitOfWorkFactory, owner: str
    ) -> None:
        client = a_client(owner, metadata={"sizes": (1, 2), "nested": {"ok": True, "none": None}})
        async with uow_factory() as uow:
            await uow.clients.add(client)
            await uow.commit()
        async with uow_factory() as uow:
            stored = await uow.clients.get(owner, client.id)
        assert stored is not None
        assert stored.metadata == {"sizes": [1, 2], "nested": {"ok": True, "none": None}}

    @pytest.mark.asyncio
    async def test_after_a_constraint_violation_the_unit_of_work_must_be_rolled_back(
        self, uow_factory: UnitOfWorkFactory, owner: str, client_id: str
    ) -> None:
        async with uow_factory() as uow:
            with pytest.raises(Conflict):
                await uow.campaigns.add(a_campaign(owner, "no-such-client"))
            with pytest.raises(RuntimeError, match="roll back"):
                await uow.clients.get(owner, client_id)
            with pytest.raises(RuntimeError, match="roll back"):
                await uow.commit()
            await uow.rollback()
            assert await uow.clients.get(owner, client_id) is not None
