"""Asset library use cases: ingest (upload, URL import, bulk import), read, delete, serve."""

from v3core.services.assets.common import (
    AssetContext,
    AssetDraft,
    clean_name,
    clean_tags,
    release_blob,
    thumbnail_blob_id,
)
from v3core.services.assets.imports import (
    MAX_BULK_URLS,
    ImportAssetFromUrl,
    ImportAssetsFromUrls,
    UrlImportItem,
    UrlImportOutcome,
)
from v3core.services.assets.ingest import IngestAsset, UploadAsset
from v3core.services.assets.queries import (
    AssetFilters,
    BlobView,
    DeleteAsset,
    GetAsset,
    GetAssetThumbnail,
    ListAssets,
)

__all__ = [
    "MAX_BULK_URLS",
    "AssetContext",
    "AssetDraft",
    "AssetFilters",
    "BlobView",
    "DeleteAsset",
    "GetAsset",
    "GetAssetThumbnail",
    "ImportAssetFromUrl",
    "ImportAssetsFromUrls",
    "IngestAsset",
    "ListAssets",
    "UploadAsset",
    "UrlImportItem",
    "UrlImportOutcome",
    "clean_name",
    "clean_tags",
    "release_blob",
    "thumbnail_blob_id",
]
