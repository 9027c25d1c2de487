"""Importing assets from URLs, one or many (bulk: per-item results, bounded concurrency)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import attrs

from v3core.errors import DomainError, ValidationFailed
from v3core.model import Asset
from v3core.services.assets.common import AssetContext, AssetDraft, resolve_scope
from v3core.services.assets.ingest import IngestAsset

MAX_BULK_URLS = 100
MAX_URL_LENGTH = 2048
logger = logging.getLogger(__name__)


class ImportAssetFromUrl:
    """Downloads a URL (through the ``BlobFetcher``'s guards) and ingests it as an asset."""

    def __init__(self, ctx: AssetContext) -> None:
        if ctx.fetcher is None:
            raise ValueError("ImportAssetFromUrl needs a BlobFetcher in the AssetContext")
        self._ctx = ctx
        self._fetcher = ctx.fetcher
        self._ingest = IngestAsset(ctx)

    async def execute(self, draft: AssetDraft, url: str) -> Asset:
        """The new asset, with ``source_url`` set; client/campaign are checked before downloading.

        Raises what ``BlobFetcher.fetch`` and ``IngestAsset.execute`` raise; nothing is
        left behind on failure.
        """
        url = check_url_text(url, ("url",))
        async with self._ctx.uow() as uow:
            draft = await resolve_scope(uow, draft)
        staged = await self._fetcher.fetch(url)
        try:
            return await self._ingest.execute(draft, staged)
        finally:
            await self._ctx.stager.discard(staged)


@attrs.frozen
class UrlImportItem:
    """One URL of a bulk import, with its own draft (name, type, tags, scope)."""

    url: str
    draft: AssetDraft


@attrs.frozen
class UrlImportOutcome:
    """What happened to item ``index``: ``asset`` on success, else ``error``."""

    index: int
    url: str
    asset: Asset | None = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        """Whether the item was imported."""
        return self.asset is not None


class ImportAssetsFromUrls:
    """Imports up to 100 URLs, ``concurrency`` at a time; one failure never fails the others."""

    def __init__(self, ctx: AssetContext, concurrency: int = 4) -> None:
        self._single = ImportAssetFromUrl(ctx)
        self._concurrency = concurrency

    async def execute(self, items: Sequence[UrlImportItem]) -> list[UrlImportOutcome]:
        """One outcome per item, in input order. ``ValidationFailed`` for 0 or > 100 items."""
        if not items:
            raise ValidationFailed.at(("items",), "give at least one URL")
        if len(items) > MAX_BULK_URLS:
            raise ValidationFailed.at(("items",), f"at most {MAX_BULK_URLS} URLs per request")
        gate = asyncio.Semaphore(self._concurrency)

        async def run(index: int, item: UrlImportItem) -> UrlImportOutcome:
            async with gate:
                return await self._one(index, item)

        return list(await asyncio.gather(*(run(i, item) for i, item in enumerate(items))))

    async def _one(self, index: int, item: UrlImportItem) -> UrlImportOutcome:
        try:
            return UrlImportOutcome(index, item.url, asset=await self._single.execute(item.draft, item.url))
        except DomainError as exc:
            return UrlImportOutcome(index, item.url, error=exc)
        except Exception as exc:
            logger.exception("bulk import item %d failed unexpectedly", index)
            return UrlImportOutcome(
                index, item.url, error=DomainError(f"internal error: {type(exc).__name__}")
            )


def check_url_text(url: str, loc: tuple[str | int, ...]) -> str:
    """``url`` trimmed; ``ValidationFailed`` at ``loc`` when empty or longer than 2048 characters."""
    url = (url or "").strip()
    if not url:
        raise ValidationFailed.at(loc, "a URL is required")
    if len(url) > MAX_URL_LENGTH:
        raise ValidationFailed.at(loc, f"the URL is longer than {MAX_URL_LENGTH} characters")
    return url
