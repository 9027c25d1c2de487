"""The in-memory unit of work over every repository."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from adapters.memory.accounts import InMemoryApiKeyRepository, InMemoryUserRepository
from adapters.memory.assets import InMemoryAssetRepository, InMemoryBlobRefRepository
from adapters.memory.jobs import InMemoryJobRepository, InMemorySceneRepository
from adapters.memory.state import (
    InMemoryStore,
    Tables,
)
from adapters.memory.tenants import InMemoryCampaignRepository, InMemoryClientRepository
from adapters.memory.webhooks import InMemoryWebhookDeliveryRepository, InMemoryWebhookRepository
from v3core.errors import StaleVersion
from v3core.ports.storage import UnitOfWork


class InMemoryUnitOfWork(UnitOfWork):
    """A unit of work over an ``InMemoryStore``: commit applies, leaving without commit discards."""

    def __init__(self, store: InMemoryStore) -> None:
        self.store = store
        self._begin()

    @classmethod
    def factory(cls, store: InMemoryStore) -> Callable[[], UnitOfWork]:
        """A ``UnitOfWorkFactory`` making units of work over ``store``."""
        return lambda: cls(store)

    def _begin(self) -> None:
        self._tables = Tables(self.store)
        self.users = InMemoryUserRepository(self._tables)
        self.api_keys = InMemoryApiKeyRepository(self._tables)
        self.clients = InMemoryClientRepository(self._tables)
        self.campaigns = InMemoryCampaignRepository(self._tables)
        self.assets = InMemoryAssetRepository(self._tables)
        self.blob_refs = InMemoryBlobRefRepository(self._tables)
        self.jobs = InMemoryJobRepository(self._tables)
        self.scenes = InMemorySceneRepository(self._tables)
        self.webhooks = InMemoryWebhookRepository(self._tables)
        self.webhook_deliveries = InMemoryWebhookDeliveryRepository(self._tables)

    async def __aenter__(self) -> Self:
        await self.rollback()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self._tables.health.check()
        try:
            self._tables.check_versions()
        except StaleVersion:
            await self.rollback()
            raise
        for view in self._tables.all():
            view.apply()
        self._tables.apply_blob_deltas()
        self._tables.clear()

    async def rollback(self) -> None:
        self._tables.clear()
