"""In-memory asset records and blob reference counts."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import attrs

from adapters.memory.state import (
    Tables,
    insert,
    newest_first,
    page_of,
    require,
)
from v3core.errors import NotFound
from v3core.model import Asset
from v3core.ports.storage import (
    AssetRepository,
    BlobRefRepository,
    Page,
    PageRequest,
)


class InMemoryAssetRepository(AssetRepository):
    """Asset records in memory."""

    def __init__(self, t: Tables) -> None:
        self._t = t

    def _check_refs(self, asset: Asset) -> None:
        require(self._t.users, asset.owner_id, "user")
        require(self._t.clients, asset.client_id, "client")
        require(self._t.campaigns, asset.campaign_id, "campaign")
        require(self._t.jobs, asset.job_id, "job")

    async def add(self, asset: Asset) -> None:
        self._check_refs(asset)
        insert(self._t.assets, asset.id, asset, "asset")

    async def get(self, owner_id: str, asset_id: str) -> Asset | None:
        row = self._t.assets.get(asset_id)
        return copy.deepcopy(row) if row is not None and row.owner_id == owner_id else None

    async def get_many(
        self, owner_id: str, asset_ids: Sequence[str], *, lock: bool = False
    ) -> Sequence[Asset]:
        found = [await self.get(owner_id, i) for i in dict.fromkeys(asset_ids)]
        return [a for a in found if a is not None]

    async def update(self, asset: Asset) -> None:
        stored = await self.get(asset.owner_id, asset.id)
        if stored is None:
            raise NotFound("asset", asset.id)
        self._check_refs(asset)
        self._t.assets.put(asset.id, attrs.evolve(asset, created_at=stored.created_at))

    async def delete(self, owner_id: str, asset_id: str) -> str | None:
        found = await self.get(owner_id, asset_id)
        if found is None:
            return None
        self._t.assets.remove(asset_id)
        return found.blob_id

    async def delete_for_client(self, owner_id: str, client_id: str) -> Sequence[str]:
        jobs = {j.id for j in self._t.jobs.rows() if j.owner_id == owner_id and j.client_id == client_id}
        doomed = [
            a
            for a in self._t.assets.rows()
            if a.owner_id == owner_id and (a.client_id == client_id or a.job_id in jobs)
        ]
        for asset in doomed:
            self._t.assets.remove(asset.id)
        return [a.blob_id for a in doomed]

    async def list(
        self,
        owner_id: str,
        page: PageRequest,
        *,
        client_id: str | None = None,
        campaign_id: str | None = None,
        type: str | None = None,
        tag: str | None = None,
    ) -> Page[Asset]:
        rows = (
            a
            for a in self._t.assets.rows()
            if a.owner_id == owner_id
            and (client_id is None or a.client_id == client_id)
            and (campaign_id is None or a.campaign_id == campaign_id)
            and (type is None or a.type == type)
            and (tag is None or tag in a.tags)
        )
        return page_of(rows, page)

    async def ids_for_client(self, owner_id: str, client_id: str) -> Sequence[str]:
        rows = (a for a in self._t.assets.rows() if a.owner_id == owner_id and a.client_id == client_id)
        return [a.id for a in newest_first(rows)]

    async def list_for_job(self, owner_id: str, job_id: str) -> Sequence[Asset]:
        rows = [a for a in self._t.assets.rows() if a.owner_id == owner_id and a.job_id == job_id]
        return [copy.deepcopy(a) for a in reversed(newest_first(rows))]


class InMemoryBlobRefRepository(BlobRefRepository):
    """Blob reference counts in memory; changes are deltas applied at commit (like SQL's
    ``refcount = refcount + 1``), and a count reaching 0 drops the record."""

    def __init__(self, t: Tables) -> None:
        self._t = t

    async def incref(self, blob_id: str, size: int, content_type: str) -> int:
        self._t.health.check()
        self._t.blob_new.setdefault(blob_id, (size, content_type))
        self._t.blob_delta[blob_id] = self._t.blob_delta.get(blob_id, 0) + 1
        return await self.count(blob_id)

    async def decref(self, blob_id: str, by: int = 1) -> int:
        dropped = min(by, await self.count(blob_id))
        self._t.blob_delta[blob_id] = self._t.blob_delta.get(blob_id, 0) - dropped
        return await self.count(blob_id)

    async def count(self, blob_id: str) -> int:
        row = self._t.blob_refs.get(blob_id)
        return (row.refcount if row is not None else 0) + self._t.blob_delta.get(blob_id, 0)
