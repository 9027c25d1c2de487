"""Campaigns of the owner's clients: create, read, list, partial update, delete, stats."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from v3core.errors import NotFound, ValidationFailed
from v3core.model import Campaign, CampaignStatus
from v3core.patching import merge_patch
from v3core.ports.storage import CampaignStats, Page, PageRequest, UnitOfWork, UnitOfWorkFactory
from v3core.ports.system import Clock, IdGenerator
from v3core.services.clients import load_client, require_name

CAMPAIGN_FIELDS = frozenset({"client_id", "name", "goal", "status", "product_url", "brief", "metadata"})
"""The fields a partial update may change."""


async def load_campaign(uow: UnitOfWork, owner_id: str, campaign_id: str) -> Campaign:
    """The owner's campaign, or ``NotFound`` (another tenant's campaign looks missing)."""
    campaign = await uow.campaigns.get(owner_id, campaign_id)
    if campaign is None:
        raise NotFound("campaign", campaign_id)
    return campaign


@attrs.frozen
class CreateCampaignCommand:
    """A new campaign of the owner's client ``client_id``; ``name`` is required."""

    owner_id: str
    client_id: str
    name: str
    goal: str | None = None
    status: CampaignStatus = CampaignStatus.DRAFT
    product_url: str | None = None
    brief: str | Mapping[str, Any] | None = None
    metadata: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class CreateCampaign:
    """Stores a new campaign; the client must be the caller's (``NotFound`` naming ``clientId``)."""

    uow_factory: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def execute(self, command: CreateCampaignCommand) -> Campaign:
        """The stored campaign."""
        now = self.clock.now()
        campaign = Campaign(
            id=self.ids.new_id(),
            owner_id=command.owner_id,
            client_id=command.client_id,
            name=require_name(command.name),
            created_at=now,
            updated_at=now,
            goal=command.goal,
            status=CampaignStatus(command.status),
            product_url=command.product_url,
            brief=command.brief,
            metadata=dict(command.metadata),
        )
        async with self.uow_factory() as uow:
            await load_client(uow, command.owner_id, command.client_id, "clientId")
            await uow.campaigns.add(campaign)
            await uow.commit()
        return campaign


@attrs.frozen
class GetCampaign:
    """Reads one campaign of the owner."""

    uow_factory: UnitOfWorkFactory

    async def execute(self, owner_id: str, campaign_id: str) -> Campaign:
        """The campaign, or ``NotFound``."""
        async with self.uow_factory() as uow:
            return await load_campaign(uow, owner_id, campaign_id)


@attrs.frozen
class ListCampaignsQuery:
    """Filters and page of a campaign listing."""

    owner_id: str
    page: PageRequest = PageRequest()
    client_id: str | None = None
    status: CampaignStatus | None = None


@attrs.frozen
class ListCampaigns:
    """Pages through the owner's campaigns, optionally of one client and/or in one status."""

    uow_factory: UnitOfWorkFactory

    async def execute(self, query: ListCampaignsQuery) -> Page[Campaign]:
        """One page and the total count (a foreign client id simply matches nothing)."""
        status = None if query.status is None else CampaignStatus(query.status).value
        async with self.uow_factory() as uow:
            return await uow.campaigns.list(
                query.owner_id, query.page, client_id=query.client_id, status=status
            )


@attrs.frozen
class UpdateCampaignCommand:
    """Changes to campaign ``campaign_id`` as a JSON Merge Patch: only the keys present in
    ``changes`` are touched; ``metadata`` and an object ``brief`` merge into the current ones."""

    owner_id: str
    campaign_id: str
    changes: Mapping[str, Any]


@attrs.frozen
class UpdateCampaign:
    """Partially updates a campaign; moving it to another client checks that client is the caller's."""

    uow_factory: UnitOfWorkFactory
    clock: Clock

    async def execute(self, command: UpdateCampaignCommand) -> Campaign:
        """The updated campaign; ``NotFound`` for a missing or foreign campaign or client."""
        unknown = set(command.changes) - CAMPAIGN_FIELDS
        if unknown:
            raise ValidationFailed.at((sorted(unknown)[0],), "cannot be changed")
        changes = dict(command.changes)
        if "name" in changes:
            changes["name"] = require_name(changes["name"])
        if "status" in changes:
            changes["status"] = CampaignStatus(changes["status"])
        async with self.uow_factory() as uow:
            campaign = await load_campaign(uow, command.owner_id, command.campaign_id)
            if changes.get("client_id", campaign.client_id) != campaign.client_id:
                await load_client(uow, command.owner_id, changes["client_id"], "clientId")
            if "metadata" in changes:
                changes["metadata"] = merge_patch(campaign.metadata, changes["metadata"] or {})
            if isinstance(changes.get("brief"), Mapping) and isinstance(campaign.brief, Mapping):
                changes["brief"] = merge_patch(campaign.brief, changes["brief"])
            updated = attrs.evolve(campaign, **changes)
            if updated == campaign:
                return campaign  # nothing changed: no write, updatedAt stays
            updated.updated_at = self.clock.now()
            await uow.campaigns.update(updated)
            await uow.commit()
        return updated


@attrs.frozen
class DeleteCampaign:
    """Deletes a campaign; its jobs and assets stay, no longer attached to it."""

    uow_factory: UnitOfWorkFactory

    async def execute(self, owner_id: str, campaign_id: str) -> None:
        """Nothing; ``NotFound`` for a missing or foreign campaign."""
        async with self.uow_factory() as uow:
            await load_campaign(uow, owner_id, campaign_id)
            await uow.campaigns.delete(owner_id, campaign_id)
            await uow.commit()


@attrs.frozen
class GetCampaignStats:
    """Aggregates of one campaign."""

    uow_factory: UnitOfWorkFactory

    async def execute(self, owner_id: str, campaign_id: str) -> CampaignStats:
        """Job and video counts, total spend and average cost per video (0 without videos)."""
        async with self.uow_factory() as uow:
            await load_campaign(uow, owner_id, campaign_id)
            return await uow.campaigns.stats(owner_id, campaign_id)
