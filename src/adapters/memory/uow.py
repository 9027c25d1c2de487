"""The in-memory unit of work over every repository."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from adapters.memory.accounts import InMemoryApiKeyRepository, InMemoryUserRepository
from adapters.memory.assets import InMemoryAssetRepository, InMemoryBlobRefRepository
from adapters.memory.events import InMemoryJobEventRepository
from adapters.memory.jobs import InMemoryJobRepository, InMemorySceneRepository
from adapters.memory.state import (
    InMemoryStore,
    Tables,
)
from adapters.memory.tenants import InMemoryCampaignRepository, InMemoryClientRepository
from adapters.memory.webhooks import InMemoryWebhookDeliveryRepository, InMemoryWebhookRepository
from adapters.system import SystemUtcClock
from v3core.errors import StaleVersion
from v3core.journal import Journal
from v3core.ports.events import DeliverableEvents, JobEvents
from v3core.ports.storage import UnitOfWork
from v3core.ports.system import Clock

_CLOCK = SystemUtcClock()


class InMemoryUnitOfWork(UnitOfWork):
    """A unit of work over an ``InMemoryStore``: commit applies, leaving without commit discards."""

    def __init__(
        self,
        store: InMemoryStore,
        wakeups: JobEvents | None = None,
        clock: Clock = _CLOCK,
        deliverable: DeliverableEvents | None = None,
    ) -> None:
        self.store = store
        self._wakeups = wakeups
        self._deliverable = deliverable
        self._clock = clock
        self._begin()

    @classmethod
    def factory(
        cls,
        store: InMemoryStore,
        wakeups: JobEvents | None = None,
        deliverable: DeliverableEvents | None = None,
    ) -> Callable[[], UnitOfWork]:
        """A ``UnitOfWorkFactory`` making units of work over ``store``; each commit that appended
        job events wakes their readers through ``wakeups`` and tells ``deliverable`` of the
        events webhooks deliver."""
        return lambda: cls(store, wakeups, deliverable=deliverable)

    def _begin(self) -> None:
        self._tables = Tables(self.store)
        self.users = InMemoryUserRepository(self._tables)
        self.api_keys = InMemoryApiKeyRepository(self._tables)
        self.clients = InMemoryClientRepository(self._tables)
        self.campaigns = InMemoryCampaignRepository(self._tables)
        self.assets = InMemoryAssetRepository(self._tables)
        self.blob_refs = InMemoryBlobRefRepository(self._tables)
        self.job_events = InMemoryJobEventRepository(self._tables)
        self._journal = Journal(self.job_events, self._clock, self._wakeups, self._deliverable)
        self.jobs, self.scenes = self._journal.wrap(
            InMemoryJobRepository(self._tables), InMemorySceneRepository(self._tables)
        )
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
        self._tables.apply_events()
        self._tables.clear()
        await self._journal.committed()

    async def rollback(self) -> None:
        self._journal.discard()
        self._tables.clear()
