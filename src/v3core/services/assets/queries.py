"""Reading and deleting assets, serving their bytes and thumbnails."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from v3core.asset_rules import parse_asset_type
from v3core.errors import Conflict, NotFound, PayloadTooLarge
from v3core.model import Asset, AssetType
from v3core.ports.storage import Page, PageRequest, UnitOfWork
from v3core.services.assets.common import AssetContext, release_blob, thumbnail_blob_id
from v3core.single_flight import SingleFlight

THUMBNAIL_CONTENT_TYPE = "image/jpeg"


@attrs.frozen
class AssetFilters:
    """Optional list filters (``None`` = no filter on that field)."""

    client_id: str | None = None
    campaign_id: str | None = None
    type: str | None = None
    tag: str | None = None


@attrs.frozen
class BlobView:
    """What an HTTP layer needs to serve bytes: store key, size, type, strong ETag value."""

    blob_id: str
    size: int
    content_type: str
    etag: str
    filename: str


class ListAssets:
    """Pages through the owner's assets, newest first."""

    def __init__(self, ctx: AssetContext) -> None:
        self._ctx = ctx

    async def execute(self, owner_id: str, page: PageRequest, filters: AssetFilters) -> Page[Asset]:
        """A page of assets; ``ValidationFailed`` (field ``type``) for an unknown type filter."""
        kind = parse_asset_type(filters.type)
        async with self._ctx.uow() as uow:
            return await uow.assets.list(
                owner_id,
                page,
                client_id=filters.client_id,
                campaign_id=filters.campaign_id,
                type=kind.value if kind else None,
                tag=filters.tag,
            )


class GetAsset:
    """One asset of the owner."""

    def __init__(self, ctx: AssetContext) -> None:
        self._ctx = ctx

    async def execute(self, owner_id: str, asset_id: str) -> Asset:
        """The asset; ``NotFound`` when missing or another owner's."""
        async with self._ctx.uow() as uow:
            asset = await uow.assets.get(owner_id, asset_id)
        if asset is None:
            raise NotFound("asset", asset_id)
        return asset

    async def data(self, owner_id: str, asset_id: str) -> BlobView:
        """How to serve the asset's bytes."""
        asset = await self.execute(owner_id, asset_id)
        return BlobView(asset.blob_id, asset.size, asset.content_type, asset.checksum, asset.name)


class DeleteAsset:
    """Deletes an asset; the bytes go with the last reference to them.

    The row this call actually removed decides the decrement (a concurrent delete of the
    same asset removes nothing and answers ``NotFound``); the count changes atomically in
    the same transaction, and the bytes are freed after it commits, under the blob's guard.
    A user may not delete what a job holds: an input of an unfinished job, or an output
    of any job (its video, or an asset the job made) while the job exists.
    """

    def __init__(self, ctx: AssetContext) -> None:
        self._ctx = ctx

    async def execute(self, owner_id: str, asset_id: str) -> None:
        """``NotFound`` when missing; ``Conflict`` naming the job that holds the asset."""
        await self._delete(owner_id, asset_id, protect=True)

    async def discard(self, owner_id: str, asset_id: str) -> None:
        """Delete an asset the job pipeline made but will not use (no job protection)."""
        await self._delete(owner_id, asset_id, protect=False)

    async def release(self, blob_ids: Iterable[str]) -> None:
        """Free the bytes of each blob that nothing references any more."""
        for blob_id in dict.fromkeys(blob_ids):
            await release_blob(self._ctx, blob_id)

    async def _delete(self, owner_id: str, asset_id: str, *, protect: bool) -> None:
        async with self._ctx.uow() as uow:
            asset = await uow.assets.get(owner_id, asset_id)
            if asset is None:
                raise NotFound("asset", asset_id)
            # delete first: the row lock makes a job being created with this asset finish
            # before the checks below read the jobs (then they see it and refuse)
            blob_id = await uow.assets.delete(owner_id, asset_id)
            if blob_id is None:
                raise NotFound("asset", asset_id)
            if protect:
                await refuse_if_held(uow, asset)
            left = await uow.blob_refs.decref(blob_id)
            await uow.commit()
        if left == 0:
            await release_blob(self._ctx, blob_id)


async def refuse_if_held(uow: UnitOfWork, asset: Asset) -> None:
    """``Conflict`` naming the job when a job holds ``asset``: it is an input of an
    unfinished job, the video of a job, or made by a job (``job_id``) and not its input."""
    owner_id, asset_id = asset.owner_id, asset.id
    if await uow.jobs.uses_asset(owner_id, asset_id):
        raise Conflict(f"asset {asset_id!r} is used by an unfinished job; cancel or finish it first")
    maker = await uow.jobs.with_video(owner_id, asset_id)
    if maker is None and asset.job_id is not None:
        job = await uow.jobs.get(owner_id, asset.job_id)
        if job is not None and asset_id not in job.asset_ids:
            maker = job.id
    if maker is not None:
        raise Conflict(
            f"asset {asset_id!r} is an output of job {maker!r}; it is deleted with the job, not on its own"
        )


class GetAssetThumbnail:
    """A JPEG preview of an image or video asset, made on first request and cached as a blob.

    Concurrent first requests for the same bytes (one asset or several sharing a blob) make
    the preview once; the others wait for it.
    """

    def __init__(self, ctx: AssetContext, making: SingleFlight[int | None] | None = None) -> None:
        self._ctx = ctx
        self._get = GetAsset(ctx)
        self._making: SingleFlight[int | None] = making or SingleFlight()

    async def execute(self, owner_id: str, asset_id: str) -> BlobView:
        """How to serve the thumbnail; ``NotFound`` for assets without one (audio, documents)."""
        asset = await self._get.execute(owner_id, asset_id)
        if asset.type not in (AssetType.IMAGE, AssetType.VIDEO) or self._ctx.thumbnailer is None:
            raise NotFound("thumbnail of asset", asset_id)
        thumb_id = thumbnail_blob_id(asset.blob_id)
        size = await self._ctx.blobs.size(thumb_id)
        if size is None:  # keyed by the bytes, never by the asset: several tenants may share them
            size = await self._making.run(thumb_id, lambda: self._render(asset.blob_id, asset.type, thumb_id))
        if size is None:
            raise NotFound("thumbnail of asset", asset_id)
        name = asset.name.rsplit(".", 1)[0] + "-thumbnail.jpg"
        return BlobView(thumb_id, size, THUMBNAIL_CONTENT_TYPE, thumb_id, name)

    async def _render(self, blob_id: str, kind: AssetType, thumb_id: str) -> int | None:
        """The stored preview's size, or ``None`` when the content has none."""
        ctx = self._ctx
        assert ctx.thumbnailer is not None
        try:
            source = await ctx.stager.stage(ctx.blobs.read(blob_id))
        except PayloadTooLarge:
            return None
        try:
            thumb = await ctx.thumbnailer.thumbnail(source, kind)
            if thumb is None:
                return None
            try:
                if not await self._keep(blob_id, thumb_id, thumb.path, thumb.size):
                    return None  # the bytes were freed meanwhile: no preview outlives its blob
            finally:
                await ctx.stager.discard(thumb)
            return thumb.size
        finally:
            await ctx.stager.discard(source)

    async def _keep(self, blob_id: str, thumb_id: str, path: str, size: int) -> bool:
        """Store the thumbnail under the source blob's guard; not at all (``False``) when the
        source was freed meanwhile (a thumbnail is freed with its blob, never on its own)."""
        ctx = self._ctx
        async with ctx.guard.hold(blob_id):
            async with ctx.uow() as uow:
                alive = await uow.blob_refs.count(blob_id) > 0
            if alive:
                await ctx.blobs.put_file(thumb_id, path, size)
            return alive
