"""In-memory clients and campaigns."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

import attrs

from adapters.memory.state import (
    Tables,
    insert,
    page_of,
    require,
)
from v3core import money
from v3core.errors import NotFound
from v3core.model import Campaign, Client, JobStatus
from v3core.ports.storage import (
    CampaignRepository,
    CampaignStats,
    ClientDependents,
    ClientRepository,
    ClientStats,
    Page,
    PageRequest,
)


class InMemoryClientRepository(ClientRepository):
    """Clients in memory."""

    def __init__(self, t: Tables) -> None:
        self._t = t

    async def add(self, client: Client) -> None:
        require(self._t.users, client.owner_id, "user")
        insert(self._t.clients, client.id, client, "client")

    async def get(self, owner_id: str, client_id: str) -> Client | None:
        row = self._t.clients.get(client_id)
        return copy.deepcopy(row) if row is not None and row.owner_id == owner_id else None

    async def update(self, client: Client) -> None:
        stored = await self.get(client.owner_id, client.id)
        if stored is None:
            raise NotFound("client", client.id)
        self._t.clients.put(client.id, attrs.evolve(client, created_at=stored.created_at))

    async def delete(self, owner_id: str, client_id: str) -> bool:
        if await self.get(owner_id, client_id) is None:
            return False
        self._t.delete_client(client_id)
        return True

    async def list(self, owner_id: str, page: PageRequest) -> Page[Client]:
        return page_of((c for c in self._t.clients.rows() if c.owner_id == owner_id), page)

    async def stats(self, owner_id: str, client_id: str) -> ClientStats:
        jobs = [j for j in self._t.jobs.rows() if j.owner_id == owner_id and j.client_id == client_id]
        campaigns = [
            c for c in self._t.campaigns.rows() if c.owner_id == owner_id and c.client_id == client_id
        ]
        return ClientStats(
            campaign_count=len(campaigns),
            job_count=len(jobs),
            video_count=sum(1 for j in jobs if j.status == JobStatus.COMPLETED),
            total_spend=money.total(j.cost.actual for j in jobs),
        )

    async def dependents(self, owner_id: str, client_id: str) -> ClientDependents:
        def count(rows: Iterable[Any]) -> int:
            return sum(1 for r in rows if r.owner_id == owner_id and r.client_id == client_id)

        return ClientDependents(
            campaigns=count(self._t.campaigns.rows()),
            assets=count(self._t.assets.rows()),
            jobs=count(self._t.jobs.rows()),
        )


class InMemoryCampaignRepository(CampaignRepository):
    """Campaigns in memory."""

    def __init__(self, t: Tables) -> None:
        self._t = t

    def _check_refs(self, campaign: Campaign) -> None:
        require(self._t.users, campaign.owner_id, "user")
        require(self._t.clients, campaign.client_id, "client")

    async def add(self, campaign: Campaign) -> None:
        self._check_refs(campaign)
        insert(self._t.campaigns, campaign.id, campaign, "campaign")

    async def get(self, owner_id: str, campaign_id: str) -> Campaign | None:
        row = self._t.campaigns.get(campaign_id)
        return copy.deepcopy(row) if row is not None and row.owner_id == owner_id else None

    async def update(self, campaign: Campaign) -> None:
        stored = await self.get(campaign.owner_id, campaign.id)
        if stored is None:
            raise NotFound("campaign", campaign.id)
        self._check_refs(campaign)
        self._t.campaigns.put(campaign.id, attrs.evolve(campaign, created_at=stored.created_at))

    async def delete(self, owner_id: str, campaign_id: str) -> None:
        if await self.get(owner_id, campaign_id) is not None:
            self._t.delete_campaign(campaign_id)

    async def list(
        self, owner_id: str, page: PageRequest, *, client_id: str | None = None, status: str | None = None
    ) -> Page[Campaign]:
        rows = (
            c
            for c in self._t.campaigns.rows()
            if c.owner_id == owner_id
            and (client_id is None or c.client_id == client_id)
            and (status is None or c.status == status)
        )
        return page_of(rows, page)

    async def stats(self, owner_id: str, campaign_id: str) -> CampaignStats:
        jobs = [j for j in self._t.jobs.rows() if j.owner_id == owner_id and j.campaign_id == campaign_id]
        videos = [j.cost.actual for j in jobs if j.status == JobStatus.COMPLETED]
        return CampaignStats(
            job_count=len(jobs),
            video_count=len(videos),
            total_spend=money.total(j.cost.actual for j in jobs),
            avg_cost=money.average(sum(money.to_micros(v) for v in videos), len(videos)),
        )
