"""Client and campaign use cases: tenant scoping, partial updates, dependents, ownership of clientId."""

from __future__ import annotations

import pytest

from tests.unit.services.conftest import World
from v3core.errors import Conflict, NotFound, ValidationFailed
from v3core.model import BrandGuidelines, CampaignStatus
from v3core.ports.storage import PageRequest
from v3core.services.campaigns import (
    CreateCampaign,
    CreateCampaignCommand,
    ListCampaigns,
    ListCampaignsQuery,
    UpdateCampaign,
    UpdateCampaignCommand,
)
from v3core.services.clients import (
    CreateClient,
    CreateClientCommand,
    DeleteClient,
    DeleteClientCommand,
    GetClient,
    ListClients,
    UpdateClient,
    UpdateClientCommand,
)


async def _user(world: World, email: str) -> str:
    from v3core.model import User

    user = User(world.ids.new_id(), email, world.clock.now())
    async with world.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user.id


async def test_a_client_is_invisible_to_another_tenant(world: World) -> None:
    alice, bob = await _user(world, "a@x.test"), await _user(world, "b@x.test")
    client = await CreateClient(world.uow, world.clock, world.ids).execute(CreateClientCommand(alice, "Acme"))
    with pytest.raises(NotFound):
        await GetClient(world.uow).execute(bob, client.id)
    assert (await ListClients(world.uow).execute(bob, PageRequest())).total == 0


async def test_a_partial_update_keeps_the_other_fields(world: World) -> None:
    alice = await _user(world, "a@x.test")
    brand = BrandGuidelines(colors=("#fff",), tone="calm")
    client = await CreateClient(world.uow, world.clock, world.ids).execute(
        CreateClientCommand(alice, "Acme", description="d", brand_guidelines=brand)
    )
    updated = await UpdateClient(world.uow, world.clock).execute(
        UpdateClientCommand(alice, client.id, {"description": "new"})
    )
    assert (updated.name, updated.description, updated.brand_guidelines) == ("Acme", "new", brand)
    assert updated.updated_at > client.updated_at


async def test_an_update_may_not_touch_the_owner(world: World) -> None:
    alice = await _user(world, "a@x.test")
    client = await CreateClient(world.uow, world.clock, world.ids).execute(CreateClientCommand(alice, "Acme"))
    with pytest.raises(ValidationFailed):
        await UpdateClient(world.uow, world.clock).execute(
            UpdateClientCommand(alice, client.id, {"owner_id": "x"})
        )


async def test_deleting_a_client_with_a_campaign_names_the_counts(world: World) -> None:
    alice = await _user(world, "a@x.test")
    client = await CreateClient(world.uow, world.clock, world.ids).execute(CreateClientCommand(alice, "Acme"))
    await CreateCampaign(world.uow, world.clock, world.ids).execute(
        CreateCampaignCommand(alice, client.id, "C")
    )
    with pytest.raises(Conflict, match="1 campaign"):
        await DeleteClient(world.uow).execute(DeleteClientCommand(alice, client.id))
    await DeleteClient(world.uow).execute(DeleteClientCommand(alice, client.id, cascade=True))
    with pytest.raises(NotFound):
        await GetClient(world.uow).execute(alice, client.id)


async def test_a_campaign_for_another_tenants_client_names_client_id(world: World) -> None:
    alice, bob = await _user(world, "a@x.test"), await _user(world, "b@x.test")
    client = await CreateClient(world.uow, world.clock, world.ids).execute(CreateClientCommand(alice, "Acme"))
    with pytest.raises(NotFound) as caught:
        await CreateCampaign(world.uow, world.clock, world.ids).execute(
            CreateCampaignCommand(bob, client.id, "C")
        )
    assert caught.value.field == "clientId"


async def test_campaigns_filter_by_client_and_status(world: World) -> None:
    alice = await _user(world, "a@x.test")
    create_client = CreateClient(world.uow, world.clock, world.ids)
    one = await create_client.execute(CreateClientCommand(alice, "One"))
    two = await create_client.execute(CreateClientCommand(alice, "Two"))
    create = CreateCampaign(world.uow, world.clock, world.ids)
    await create.execute(CreateCampaignCommand(alice, one.id, "a"))
    await create.execute(CreateCampaignCommand(alice, one.id, "b", status=CampaignStatus.ACTIVE))
    await create.execute(CreateCampaignCommand(alice, two.id, "c"))
    page = await ListCampaigns(world.uow).execute(
        ListCampaignsQuery(alice, client_id=one.id, status=CampaignStatus.ACTIVE)
    )
    assert [c.name for c in page.items] == ["b"]


async def test_moving_a_campaign_checks_the_new_client(world: World) -> None:
    alice, bob = await _user(world, "a@x.test"), await _user(world, "b@x.test")
    mine = await CreateClient(world.uow, world.clock, world.ids).execute(CreateClientCommand(alice, "Mine"))
    theirs = await CreateClient(world.uow, world.clock, world.ids).execute(CreateClientCommand(bob, "Theirs"))
    campaign = await CreateCampaign(world.uow, world.clock, world.ids).execute(
        CreateCampaignCommand(alice, mine.id, "C")
    )
    with pytest.raises(NotFound):
        await UpdateCampaign(world.uow, world.clock).execute(
            UpdateCampaignCommand(alice, campaign.id, {"client_id": theirs.id})
        )


@pytest.mark.parametrize("name", ["", "   ", "x" * 256])
async def test_a_client_name_must_be_present_and_short(world: World, name: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await CreateClient(world.uow, world.clock, world.ids).execute(CreateClientCommand("u", name))
    assert caught.value.details[0].loc == ("name",)
