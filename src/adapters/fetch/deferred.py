"""``DeferredFetcher``: a ``BlobFetcher`` that builds the real one on its first fetch.

The URL fetcher imports httpx (which loads its command-line helpers, rich and pygments,
when they are installed): a few hundred milliseconds that ``v3 serve`` pays on the first
URL import instead of at start-up, in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from adapters.deferred import Deferred
from v3core.ports.blobs import BlobFetcher, StagedFile


class ClosableFetcher(BlobFetcher, Protocol):
    """A fetcher holding pooled connections until ``aclose()``."""

    async def aclose(self) -> None: ...


class DeferredFetcher(BlobFetcher):
    """Fetches with ``build()``'s fetcher, built once, on the first ``fetch``."""

    def __init__(self, build: Callable[[], ClosableFetcher]) -> None:
        self._fetcher = Deferred(build, "URL fetcher")

    @property
    def built(self) -> ClosableFetcher | None:
        """The real fetcher once a fetch has built it."""
        return self._fetcher.built

    async def fetch(self, url: str) -> StagedFile:
        fetcher = await self._fetcher.get()
        return await fetcher.fetch(url)

    async def aclose(self) -> None:
        """Close the real fetcher's connections if one was built; no fetch starts afterwards."""
        built = self._fetcher.close()
        if built is not None:
            await built.aclose()
