"""SQLAlchemy repositories of clients and campaigns, with their stats as SQL aggregates."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.base import Transaction, by_id, owned, page_of
from adapters.sqlalchemy.mappers import campaign_from_row, campaign_values, client_from_row, client_values
from adapters.sqlalchemy.tables import assets, campaigns, clients, jobs
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

_FIXED = ("id", "owner_id", "created_at")
_COMPLETED = jobs.c.status == JobStatus.COMPLETED.value
_MICROS = sa.cast(sa.func.round(jobs.c.cost_actual * money.MICROS_PER_DOLLAR), sa.BigInteger)
"""A job's actual cost in whole micro-dollars: summed as integers, exact on every backend."""


def _spent(condition: sa.ColumnElement[bool] | None = None) -> sa.ColumnElement[Any]:
    total = sa.func.sum(_MICROS) if condition is None else sa.func.sum(_MICROS).filter(condition)
    return sa.func.coalesce(total, 0)


def changeable(values: dict[str, Any]) -> dict[str, Any]:
    """The values an update may change (not the id, the owner or the creation time)."""
    return {k: v for k, v in values.items() if k not in _FIXED}


def _count_of(table: sa.Table, owner_id: str, client_id: str) -> sa.ScalarSelect[Any]:
    where = (table.c.owner_id == owner_id, table.c.client_id == client_id)
    return sa.select(sa.func.count()).select_from(table).where(*where).scalar_subquery()


class SqlAlchemyClientRepository(ClientRepository):
    """Clients in SQL."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def add(self, client: Client) -> None:
        await self._tx.execute(sa.insert(clients).values(client_values(client)))

    async def get(self, owner_id: str, client_id: str) -> Client | None:
        row = await self._tx.fetch_first(by_id(clients, "owner_id"), {"id": client_id, "scope": owner_id})
        return client_from_row(row) if row is not None else None

    async def update(self, client: Client) -> None:
        where = (clients.c.id == client.id, clients.c.owner_id == client.owner_id)
        result = await self._tx.execute(
            sa.update(clients).where(*where).values(changeable(client_values(client)))
        )
        if result.rowcount == 0:
            raise NotFound("client", client.id)

    async def delete(self, owner_id: str, client_id: str) -> bool:
        mine = (clients.c.id == client_id, clients.c.owner_id == owner_id)
        return await self._tx.scalar(sa.delete(clients).where(*mine).returning(clients.c.id)) is not None

    async def list(self, owner_id: str, page: PageRequest) -> Page[Client]:
        return await page_of(self._tx, clients, [clients.c.owner_id == owner_id], page, client_from_row)

    async def stats(self, owner_id: str, client_id: str) -> ClientStats:
        query = sa.select(
            _count_of(campaigns, owner_id, client_id),
            sa.func.count(),
            sa.func.count().filter(_COMPLETED),
            _spent(),
        ).where(jobs.c.owner_id == owner_id, jobs.c.client_id == client_id)
        campaign_count, job_count, video_count, spend = tuple((await self._tx.execute(query)).one())
        total = money.money(money.from_micros(int(spend)))
        return ClientStats(int(campaign_count), int(job_count), int(video_count), total)

    async def dependents(self, owner_id: str, client_id: str) -> ClientDependents:
        query = sa.select(*(_count_of(t, owner_id, client_id) for t in (campaigns, assets, jobs)))
        campaign_count, asset_count, job_count = tuple((await self._tx.execute(query)).one())
        return ClientDependents(int(campaign_count), int(asset_count), int(job_count))


class SqlAlchemyCampaignRepository(CampaignRepository):
    """Campaigns in SQL."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def add(self, campaign: Campaign) -> None:
        await self._tx.execute(sa.insert(campaigns).values(campaign_values(campaign)))

    async def get(self, owner_id: str, campaign_id: str) -> Campaign | None:
        params = {"id": campaign_id, "scope": owner_id}
        row = (await self._tx.execute(by_id(campaigns, "owner_id"), params)).first()
        return campaign_from_row(row) if row is not None else None

    async def update(self, campaign: Campaign) -> None:
        where = (campaigns.c.id == campaign.id, campaigns.c.owner_id == campaign.owner_id)
        values = changeable(campaign_values(campaign))
        result = await self._tx.execute(sa.update(campaigns).where(*where).values(values))
        if result.rowcount == 0:
            raise NotFound("campaign", campaign.id)

    async def delete(self, owner_id: str, campaign_id: str) -> None:
        await self._tx.execute(
            sa.delete(campaigns).where(campaigns.c.id == campaign_id, campaigns.c.owner_id == owner_id)
        )

    async def list(
        self, owner_id: str, page: PageRequest, *, client_id: str | None = None, status: str | None = None
    ) -> Page[Campaign]:
        where = owned(campaigns, owner_id, client_id=client_id, status=status)
        return await page_of(self._tx, campaigns, where, page, campaign_from_row)

    async def stats(self, owner_id: str, campaign_id: str) -> CampaignStats:
        query = sa.select(
            sa.func.count(),
            sa.func.count().filter(_COMPLETED),
            _spent(),
            _spent(_COMPLETED),
        ).where(jobs.c.owner_id == owner_id, jobs.c.campaign_id == campaign_id)
        job_count, video_count, spend, video_spend = tuple((await self._tx.execute(query)).one())
        total = money.money(money.from_micros(int(spend)))
        average = money.average(int(video_spend), int(video_count))
        return CampaignStats(int(job_count), int(video_count), total, average)
