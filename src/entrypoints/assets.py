"""Wiring of the asset library: which blob store, stagers, fetcher and inspectors (from ``Settings``)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.blobs.database import DatabaseBlobStore
from adapters.blobs.filesystem import FilesystemBlobStore
from adapters.blobs.memory import InMemoryBlobStore
from adapters.fetch.deferred import DeferredFetcher
from adapters.fetch.targets import offline_refusal
from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.staging import TempFileStager
from adapters.ingest.thumbnails import PillowThumbnailer
from entrypoints.settings import BlobStorageType, Settings
from entrypoints.storage import Storage
from v3core.ports.blobs import BlobFetcher, BlobGuard, BlobStore, ImportTargetCheck
from v3core.ports.system import Clock, IdGenerator
from v3core.services.assets import AssetContext
from v3core.services.assets.guard import InProcessBlobGuard

if TYPE_CHECKING:
    from adapters.fetch.httpx_fetcher import HttpxBlobFetcher

MB = 1024 * 1024


def make_blob_store(settings: Settings, storage: Storage) -> BlobStore:
    """``BLOB_STORAGE_TYPE``: database (the storage's engine; in memory for ``memory://``),
    filesystem (``BLOB_STORAGE_PATH``) or s3 (``S3_BUCKET_NAME``, ``S3_REGION``,
    ``S3_ENDPOINT_URL``, ``S3_ACCESS_KEY_ID``/``S3_SECRET_ACCESS_KEY``; the S3 client is
    imported only when chosen)."""
    if settings.blob_storage_type is BlobStorageType.FILESYSTEM:
        return FilesystemBlobStore(str(settings.blob_storage_path))
    if settings.blob_storage_type is BlobStorageType.S3:
        return _s3_blob_store(settings)
    if storage.engine is None:
        return InMemoryBlobStore()
    return DatabaseBlobStore(storage.engine)


def _s3_blob_store(settings: Settings) -> BlobStore:
    if not settings.s3_bucket_name:
        raise ValueError("BLOB_STORAGE_TYPE=s3 needs S3_BUCKET_NAME")
    # imported here, not at the top: the S3 client stays off the default start-up
    from adapters.blobs.s3 import S3BlobStore

    secret = settings.s3_secret_access_key
    return S3BlobStore.connect(
        settings.s3_bucket_name,
        region=settings.s3_region,
        endpoint_url=settings.s3_endpoint_url,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=None if secret is None else secret.get_secret_value(),
    )


def make_blob_guard(settings: Settings, storage: Storage) -> BlobGuard:
    """A database-wide guard on PostgreSQL (several processes share it); the in-process
    one for SQLite and memory (one process serves them)."""
    if storage.engine is not None and storage.engine.dialect.name == "postgresql":
        from adapters.sqlalchemy.blob_guard import PostgresBlobGuard

        return PostgresBlobGuard.for_url(settings.database_url)
    return InProcessBlobGuard()


async def close_blob_guard(guard: BlobGuard) -> None:
    """Close the guard's own connections, if it has any (app shutdown)."""
    close = getattr(guard, "close", None)
    if close is not None:
        await close()


def staging_dir(settings: Settings) -> str:
    """Where staged uploads and downloads are written: next to the blobs when on the filesystem
    (same disk), else ``DATA_DIR/staging`` (never a RAM-backed /tmp by default)."""
    if settings.blob_storage_type is BlobStorageType.FILESYSTEM:
        return str(Path(settings.blob_storage_path) / ".staging")
    return str(Path(settings.data_dir) / "staging")


def make_fetcher(settings: Settings) -> DeferredFetcher:
    """The URL-import fetcher with the download cap, timeout, allow-list and private-network
    switch; built on the first fetch (httpx stays off start-up)."""
    stager = TempFileStager(settings.max_asset_download_size_mb * MB, staging_dir(settings))

    def httpx_fetcher() -> HttpxBlobFetcher:
        from adapters.fetch.httpx_fetcher import HttpxBlobFetcher

        return HttpxBlobFetcher(
            stager,
            timeout_seconds=settings.asset_download_timeout_seconds,
            allowed_domains=settings.allowed_asset_domains,
            allow_private_networks=settings.asset_allow_private_networks,
        )

    return DeferredFetcher(httpx_fetcher)


def make_import_target_check(settings: Settings) -> ImportTargetCheck:
    """The fetcher's host rule without the network, for briefs at job creation: the same
    allow-list (``ALLOWED_ASSET_DOMAINS``) and address policy (``ASSET_ALLOW_PRIVATE_NETWORKS``)."""
    return functools.partial(
        offline_refusal,
        allowed_domains=settings.allowed_asset_domains,
        allow_private=settings.asset_allow_private_networks,
    )


GENERATED_FILE_CAP_MB = 8 * 1024
"""Cap on one rendered video or generated clip on local disk; ``MAX_UPLOAD_SIZE_MB`` caps
request bodies only and never limits what the service itself produces."""


def make_output_stager(settings: Settings) -> TempFileStager:
    """The stager of rendered videos, generated media and local copies of stored frames."""
    return TempFileStager(max(GENERATED_FILE_CAP_MB, settings.max_upload_size_mb) * MB, staging_dir(settings))


def make_asset_context(
    settings: Settings,
    storage: Storage,
    blobs: BlobStore,
    fetcher: BlobFetcher,
    clock: Clock,
    ids: IdGenerator,
    guard: BlobGuard | None = None,
) -> AssetContext:
    """Everything the asset use cases need; uploads are capped by ``MAX_UPLOAD_SIZE_MB``."""
    directory = staging_dir(settings)
    stager = TempFileStager(settings.max_upload_size_mb * MB, directory)
    stager.remove_stale()
    return AssetContext(
        uow=storage.uow_factory,
        blobs=blobs,
        stager=stager,
        inspector=MediaContentInspector(),
        clock=clock,
        ids=ids,
        fetcher=fetcher,
        thumbnailer=PillowThumbnailer(directory),
        guard=guard or InProcessBlobGuard(),
    )


async def close_fetcher(fetcher: BlobFetcher) -> None:
    """Close the fetcher's pooled connections (app shutdown)."""
    if isinstance(fetcher, DeferredFetcher):
        await fetcher.aclose()
