"""A thumbnail drawn while its asset is deleted is not left behind as orphaned bytes."""

from __future__ import annotations

import attrs
import pytest

from adapters.blobs.memory import InMemoryBlobStore
from adapters.ingest.thumbnails import PillowThumbnailer
from tests.integration.assets.test_ingestion import upload
from tests.unit.assets import samples
from v3core.errors import NotFound
from v3core.model import AssetType
from v3core.ports.blobs import StagedFile, Thumbnailer
from v3core.services.assets import AssetContext, DeleteAsset, GetAssetThumbnail, thumbnail_blob_id


class DeletedWhileDrawing(Thumbnailer):
    """Draws with Pillow; meanwhile the asset's last reference is deleted."""

    def __init__(self, inner: PillowThumbnailer, delete: DeleteAsset, owner: str) -> None:
        self.inner, self.delete, self.owner = inner, delete, owner
        self.asset_id = ""

    async def thumbnail(self, source: StagedFile, kind: AssetType) -> StagedFile | None:
        drawn = await self.inner.thumbnail(source, kind)
        await self.delete.execute(self.owner, self.asset_id)
        return drawn


async def test_a_thumbnail_of_an_asset_deleted_meanwhile_is_not_stored(
    ctx: AssetContext, owner: str, blobs: InMemoryBlobStore, staging_dir: str
) -> None:
    asset = await upload(ctx, owner, samples.image("PNG", size=(24, 24)), "gone.png")
    racing = DeletedWhileDrawing(PillowThumbnailer(str(staging_dir)), DeleteAsset(ctx), owner)
    racing.asset_id = asset.id
    with pytest.raises(NotFound):
        await GetAssetThumbnail(attrs.evolve(ctx, thumbnailer=racing)).execute(owner, asset.id)
    assert blobs.blobs == {}
    assert thumbnail_blob_id(asset.blob_id) not in blobs.blobs
