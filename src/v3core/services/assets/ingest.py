"""Ingesting staged bytes as an asset, and uploading a stream of bytes as one."""

from __future__ import annotations

from collections.abc import AsyncIterable

from v3core.asset_rules import classify
from v3core.model import Asset
from v3core.ports.blobs import StagedFile
from v3core.services.assets.common import (
    AssetContext,
    AssetDraft,
    clean_name,
    free_if_unreferenced,
    resolve_scope,
)


class IngestAsset:
    """Turns a staged file into an asset: inspect, classify, store the bytes once, record.

    All or nothing: on any failure no asset and no new blob reference remain, and bytes
    that nothing references are deleted again. Identical bytes share one blob.
    The staged file is left to the caller.
    """

    def __init__(self, ctx: AssetContext) -> None:
        self._ctx = ctx

    async def execute(self, draft: AssetDraft, staged: StagedFile) -> Asset:
        """Store ``staged`` as a new asset of ``draft.owner_id`` and return it.

        Raises ``UnsupportedMediaType`` (type mismatch, format not accepted),
        ``ValidationFailed`` (unreadable medium, bad name/tags) and ``NotFound``
        (client or campaign not the owner's).
        """
        async with self._ctx.uow() as uow:
            draft = await resolve_scope(uow, draft)
        info = staged.info or await self._ctx.inspector.inspect(staged)
        kind, fmt, content_type = classify(draft.declared_type, info.mime, info.format, staged.filename)
        now = self._ctx.clock.now()
        asset = Asset(
            id=self._ctx.ids.new_id(),
            owner_id=draft.owner_id,
            name=clean_name(draft.name or staged.filename, f"{kind.value}.{fmt}"),
            type=kind,
            format=fmt,
            content_type=content_type,
            size=staged.size,
            checksum=staged.sha256,
            blob_id=staged.sha256,
            created_at=now,
            updated_at=now,
            client_id=draft.client_id,
            campaign_id=draft.campaign_id,
            width=info.width,
            height=info.height,
            duration=info.duration,
            source_url=staged.source_url,
            tags=draft.tags,
            job_id=draft.job_id,
            generation=draft.generation,
        )
        await self._store(asset, staged)
        return asset

    async def _store(self, asset: Asset, staged: StagedFile) -> None:
        """Bytes first, then the reference, both under the blob's guard: a concurrent delete
        of the last earlier reference either frees the bytes before ``put_file`` (which
        then writes them again) or sees this reference and keeps them."""
        ctx = self._ctx
        async with ctx.guard.hold(asset.blob_id):
            await ctx.blobs.put_file(asset.blob_id, staged.path, staged.size)
            try:
                async with ctx.uow() as uow:
                    await uow.blob_refs.incref(asset.blob_id, asset.size, asset.content_type)
                    await uow.assets.add(asset)
                    await uow.commit()
            except BaseException:
                await free_if_unreferenced(ctx, asset.blob_id)
                raise


class UploadAsset:
    """Stages an uploaded byte stream (size-capped, hashed) and ingests it."""

    def __init__(self, ctx: AssetContext) -> None:
        self._ctx = ctx
        self._ingest = IngestAsset(ctx)

    async def stage(self, chunks: AsyncIterable[bytes], filename: str | None) -> StagedFile:
        """Stage the stream (``PayloadTooLarge`` past the cap); pair with ``execute`` or ``discard``."""
        return await self._ctx.stager.stage(chunks, filename=filename)

    async def discard(self, staged: StagedFile) -> None:
        """Drop a staged upload that will not be ingested."""
        await self._ctx.stager.discard(staged)

    async def execute(self, draft: AssetDraft, staged: StagedFile) -> Asset:
        """Ingest ``staged`` (see ``IngestAsset``); the staged file is discarded either way."""
        try:
            return await self._ingest.execute(draft, staged)
        finally:
            await self.discard(staged)

    async def from_stream(
        self, draft: AssetDraft, chunks: AsyncIterable[bytes], filename: str | None
    ) -> Asset:
        """Stage and ingest in one call (library use)."""
        return await self.execute(draft, await self.stage(chunks, filename))
