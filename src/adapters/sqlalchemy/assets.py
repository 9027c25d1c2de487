"""SQLAlchemy repositories of asset records and blob reference counts."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sqlalchemy.base import Transaction, by_id, newest_first, owned, page_of
from adapters.sqlalchemy.clients import changeable
from adapters.sqlalchemy.mappers import asset_from_row, asset_values
from adapters.sqlalchemy.tables import asset_tags, assets, blob_refs, jobs
from v3core.errors import NotFound
from v3core.model import Asset
from v3core.ports.storage import AssetRepository, BlobRefRepository, Page, PageRequest


class SqlAlchemyAssetRepository(AssetRepository):
    """Asset records in SQL; tags are also kept in ``asset_tags`` so the tag filter uses an index."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def _write_tags(self, asset: Asset) -> None:
        rows = [
            {"asset_id": asset.id, "tag": t, "owner_id": asset.owner_id} for t in dict.fromkeys(asset.tags)
        ]
        if rows:
            await self._tx.execute(sa.insert(asset_tags), rows)

    async def add(self, asset: Asset) -> None:
        await self._tx.execute(sa.insert(assets).values(asset_values(asset)))
        await self._write_tags(asset)

    async def get(self, owner_id: str, asset_id: str) -> Asset | None:
        row = (await self._tx.execute(by_id(assets, "owner_id"), {"id": asset_id, "scope": owner_id})).first()
        return asset_from_row(row) if row is not None else None

    async def get_many(
        self, owner_id: str, asset_ids: Sequence[str], *, lock: bool = False
    ) -> Sequence[Asset]:
        wanted = list(dict.fromkeys(asset_ids))
        if not wanted:
            return []
        query = sa.select(assets).where(assets.c.owner_id == owner_id, assets.c.id.in_(wanted))
        if lock:  # FOR SHARE on PostgreSQL; SQLite's single writer needs no row lock
            query = query.order_by(assets.c.id).with_for_update(read=True)
        found = {r.id: asset_from_row(r) for r in await self._tx.execute(query)}
        return [found[i] for i in wanted if i in found]

    async def update(self, asset: Asset) -> None:
        where = (assets.c.id == asset.id, assets.c.owner_id == asset.owner_id)
        result = await self._tx.execute(
            sa.update(assets).where(*where).values(changeable(asset_values(asset)))
        )
        if result.rowcount == 0:
            raise NotFound("asset", asset.id)
        await self._tx.execute(sa.delete(asset_tags).where(asset_tags.c.asset_id == asset.id))
        await self._write_tags(asset)

    async def delete(self, owner_id: str, asset_id: str) -> str | None:
        # RETURNING names the row this statement removed: on PostgreSQL a concurrent delete
        # of the same row waits for the first, then finds nothing and returns nothing.
        statement = (
            sa.delete(assets)
            .where(assets.c.id == asset_id, assets.c.owner_id == owner_id)
            .returning(assets.c.blob_id)
        )
        found = await self._tx.scalar(statement)
        return None if found is None else str(found)

    async def delete_for_client(self, owner_id: str, client_id: str) -> Sequence[str]:
        of_its_jobs = sa.select(jobs.c.id).where(jobs.c.owner_id == owner_id, jobs.c.client_id == client_id)
        statement = (
            sa.delete(assets)
            .where(
                assets.c.owner_id == owner_id,
                sa.or_(assets.c.client_id == client_id, assets.c.job_id.in_(of_its_jobs)),
            )
            .returning(assets.c.blob_id)
        )
        return [str(b) for b in (await self._tx.execute(statement)).scalars()]

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
        where = owned(assets, owner_id, client_id=client_id, campaign_id=campaign_id, type=type)
        if tag is not None:
            tagged = sa.select(asset_tags.c.asset_id).where(
                asset_tags.c.owner_id == owner_id, asset_tags.c.tag == tag
            )
            where.append(assets.c.id.in_(tagged))
        return await page_of(self._tx, assets, where, page, asset_from_row)

    async def ids_for_client(self, owner_id: str, client_id: str) -> Sequence[str]:
        query = (
            sa.select(assets.c.id)
            .where(assets.c.owner_id == owner_id, assets.c.client_id == client_id)
            .order_by(*newest_first(assets))
        )
        return list((await self._tx.execute(query)).scalars())

    async def list_for_job(self, owner_id: str, job_id: str) -> Sequence[Asset]:
        query = (
            sa.select(assets)
            .where(assets.c.owner_id == owner_id, assets.c.job_id == job_id)
            .order_by(assets.c.created_at, assets.c.id)
        )
        return [asset_from_row(r) for r in await self._tx.execute(query)]


class SqlAlchemyBlobRefRepository(BlobRefRepository):
    """Blob reference counts in SQL, changed by single atomic statements; 0 drops the record."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def incref(self, blob_id: str, size: int, content_type: str) -> int:
        insert = postgresql.insert if self._tx.dialect == "postgresql" else sqlite.insert
        statement = (
            insert(blob_refs)
            .values(blob_id=blob_id, size=size, content_type=content_type, refcount=1)
            .on_conflict_do_update(
                index_elements=[blob_refs.c.blob_id], set_={"refcount": blob_refs.c.refcount + 1}
            )
            .returning(blob_refs.c.refcount)
        )
        return int(await self._tx.scalar(statement))

    async def decref(self, blob_id: str, by: int = 1) -> int:
        # One statement reads and writes the count under the row lock it takes, so
        # concurrent decrements never both see the same value.
        statement = (
            sa.update(blob_refs)
            .where(blob_refs.c.blob_id == blob_id)
            .values(refcount=sa.case((blob_refs.c.refcount > by, blob_refs.c.refcount - by), else_=0))
            .returning(blob_refs.c.refcount)
        )
        left = await self._tx.scalar(statement)
        if left is None:
            return 0
        if left <= 0:
            # still under this transaction's row lock: no reference came in meanwhile
            await self._tx.execute(
                sa.delete(blob_refs).where(blob_refs.c.blob_id == blob_id, blob_refs.c.refcount <= 0)
            )
            return 0
        return int(left)

    async def count(self, blob_id: str) -> int:
        found = await self._tx.scalar(sa.select(blob_refs.c.refcount).where(blob_refs.c.blob_id == blob_id))
        return int(found) if found is not None else 0
