"""Importing assets from URLs, one or many (bulk: per-item results, bounded concurrency and an
overall deadline)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import attrs

from v3core.errors import DomainError, UpstreamTimeout, ValidationFailed
from v3core.model import Asset
from v3core.services.assets.common import AssetContext, AssetDraft, resolve_scope
from v3core.services.assets.ingest import IngestAsset

MAX_BULK_URLS = 100
MAX_URL_LENGTH = 2048
DEFAULT_BULK_DEADLINE_SECONDS = 120.0
logger = logging.getLogger(__name__)


class ImportAssetFromUrl:
    """Downloads a URL (through the ``BlobFetcher``'s guards) and ingests it as an asset."""

    def __init__(self, ctx: AssetContext) -> None:
        if ctx.fetcher is None:
            raise ValueError("ImportAssetFromUrl needs a BlobFetcher in the AssetContext")
        self._ctx = ctx
        self._fetcher = ctx.fetcher
        self._ingest = IngestAsset(ctx)

    async def execute(self, draft: AssetDraft, url: str, fetch_by: float | None = None) -> Asset:
        """The new asset, with ``source_url`` set; client/campaign are checked before downloading.

        Raises what ``BlobFetcher.fetch`` and ``IngestAsset.execute`` raise; nothing is
        left behind on failure. With ``fetch_by`` (a time of the running loop's clock) the
        download is abandoned then with ``TimeoutError``; ingesting fetched bytes is not cut short.
        """
        url = check_url_text(url, ("url",))
        async with self._ctx.uow() as uow:
            draft = await resolve_scope(uow, draft)
        async with asyncio.timeout_at(fetch_by):
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
    """Imports up to 100 URLs, ``concurrency`` at a time; one failure never fails the others.

    The whole import has a deadline of ``deadline_seconds``: a URL not fetched by then (still
    downloading or still waiting for its turn) reports ``UpstreamTimeout`` and its download
    is abandoned, so a request holding 100 stalling URLs answers after the deadline, not after
    100 / ``concurrency`` download timeouts. Cancelling ``execute`` (the caller left) stops every
    download at once.
    """

    def __init__(
        self, ctx: AssetContext, concurrency: int = 4, deadline_seconds: float = DEFAULT_BULK_DEADLINE_SECONDS
    ) -> None:
        if deadline_seconds <= 0:
            raise ValueError("the bulk import deadline must be positive")
        self._single = ImportAssetFromUrl(ctx)
        self._concurrency = concurrency
        self._deadline = deadline_seconds

    async def execute(self, items: Sequence[UrlImportItem]) -> list[UrlImportOutcome]:
        """One outcome per item, in input order. ``ValidationFailed`` for 0 or > 100 items."""
        if not items:
            raise ValidationFailed.at(("items",), "give at least one URL")
        if len(items) > MAX_BULK_URLS:
            raise ValidationFailed.at(("items",), f"at most {MAX_BULK_URLS} URLs per request")
        gate = asyncio.Semaphore(self._concurrency)
        fetch_by = asyncio.get_running_loop().time() + self._deadline
        runs = [self._one(index, item, gate, fetch_by) for index, item in enumerate(items)]
        return list(await asyncio.gather(*runs))

    async def _one(
        self, index: int, item: UrlImportItem, gate: asyncio.Semaphore, fetch_by: float
    ) -> UrlImportOutcome:
        try:
            asset = await self._in_turn(item, gate, fetch_by)
            return UrlImportOutcome(index, item.url, asset=asset)
        except TimeoutError:
            late = UpstreamTimeout(
                f"the import's overall deadline of {self._deadline:g} s passed before this URL was fetched"
            )
            return UrlImportOutcome(index, item.url, error=late)
        except DomainError as exc:
            return UrlImportOutcome(index, item.url, error=exc)
        except Exception as exc:
            logger.exception("bulk import item %d failed unexpectedly", index)
            return UrlImportOutcome(
                index, item.url, error=DomainError(f"internal error: {type(exc).__name__}")
            )

    async def _in_turn(self, item: UrlImportItem, gate: asyncio.Semaphore, fetch_by: float) -> Asset:
        async with asyncio.timeout_at(fetch_by):
            await gate.acquire()
        try:
            return await self._single.execute(item.draft, item.url, fetch_by)
        finally:
            gate.release()


def check_url_text(url: str, loc: tuple[str | int, ...]) -> str:
    """``url`` trimmed; ``ValidationFailed`` at ``loc`` when empty or longer than 2048 characters."""
    url = (url or "").strip()
    if not url:
        raise ValidationFailed.at(loc, "a URL is required")
    if len(url) > MAX_URL_LENGTH:
        raise ValidationFailed.at(loc, f"the URL is longer than {MAX_URL_LENGTH} characters")
    return url
