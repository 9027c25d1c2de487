"""The SQLAlchemy unit of work: one connection and transaction shared by every repository."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.accounts import SqlAlchemyApiKeyRepository, SqlAlchemyUserRepository
from adapters.sqlalchemy.assets import SqlAlchemyAssetRepository, SqlAlchemyBlobRefRepository
from adapters.sqlalchemy.base import AsyncTransaction, InlineSqliteTransaction, Transaction
from adapters.sqlalchemy.clients import SqlAlchemyCampaignRepository, SqlAlchemyClientRepository
from adapters.sqlalchemy.events import SqlAlchemyJobEventRepository
from adapters.sqlalchemy.jobs import SqlAlchemyJobRepository, SqlAlchemySceneRepository
from adapters.sqlalchemy.webhooks import SqlAlchemyWebhookDeliveryRepository, SqlAlchemyWebhookRepository
from adapters.system import SystemUtcClock
from v3core.journal import Journal
from v3core.ports.events import DeliverableEvents, JobEvents
from v3core.ports.storage import UnitOfWork
from v3core.ports.system import Clock

_CLOCK = SystemUtcClock()


class SqlAlchemyUnitOfWork(UnitOfWork):
    """A unit of work on ``engine``: a connection is checked out on enter, ``commit()``
    commits (a new transaction begins with the next statement), and leaving the block
    rolls back whatever was not committed and returns the connection to the pool.

    ``engine`` is an ``AsyncEngine`` (any backend), or a synchronous SQLite engine from
    ``make_inline_sqlite_engine`` to run SQLite on the event-loop thread (much cheaper).
    """

    def __init__(
        self,
        engine: AsyncEngine | sa.Engine,
        wakeups: JobEvents | None = None,
        clock: Clock = _CLOCK,
        deliverable: DeliverableEvents | None = None,
    ) -> None:
        self._tx: Transaction = (
            AsyncTransaction(engine) if isinstance(engine, AsyncEngine) else InlineSqliteTransaction(engine)
        )
        self.users = SqlAlchemyUserRepository(self._tx)
        self.api_keys = SqlAlchemyApiKeyRepository(self._tx)
        self.clients = SqlAlchemyClientRepository(self._tx)
        self.campaigns = SqlAlchemyCampaignRepository(self._tx)
        self.assets = SqlAlchemyAssetRepository(self._tx)
        self.blob_refs = SqlAlchemyBlobRefRepository(self._tx)
        self.job_events = SqlAlchemyJobEventRepository(self._tx)
        self._journal = Journal(self.job_events, clock, wakeups, deliverable)
        self.jobs, self.scenes = self._journal.wrap(
            SqlAlchemyJobRepository(self._tx), SqlAlchemySceneRepository(self._tx)
        )
        self.webhooks = SqlAlchemyWebhookRepository(self._tx)
        self.webhook_deliveries = SqlAlchemyWebhookDeliveryRepository(self._tx)

    @classmethod
    def factory(
        cls,
        engine: AsyncEngine | sa.Engine,
        wakeups: JobEvents | None = None,
        deliverable: DeliverableEvents | None = None,
    ) -> Callable[[], UnitOfWork]:
        """A ``UnitOfWorkFactory`` making units of work on ``engine``; each commit that appended
        job events wakes their readers through ``wakeups`` and tells ``deliverable`` of the
        events webhooks deliver."""
        return lambda: cls(engine, wakeups, deliverable=deliverable)

    @property
    def connection(self) -> Any:
        """The open connection (``AsyncConnection``, or ``sqlalchemy.Connection`` for inline
        SQLite), for adapters that must write in the same transaction."""
        return self._tx.connection  # type: ignore[attr-defined]

    async def __aenter__(self) -> Self:
        await self._tx.open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._journal.discard()
        await self._tx.close()  # closing rolls back what was not committed

    async def commit(self) -> None:
        await self._tx.commit()
        await self._journal.committed()

    async def rollback(self) -> None:
        self._journal.discard()
        await self._tx.rollback()
