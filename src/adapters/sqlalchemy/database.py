"""One object per database: the engines and the unit-of-work factory the app wires."""

from __future__ import annotations

import attrs
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import ensure_sqlite_directory, make_engine, make_inline_sqlite_engine
from adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork
from v3core.ports.events import DeliverableEvents, JobEvents
from v3core.ports.storage import UnitOfWorkFactory


@attrs.define
class SqlDatabase:
    """``engine`` (async) serves adapters that share the database (blob store, task queue,
    readiness check); units of work use ``inline`` when set (SQLite on the loop thread)."""

    engine: AsyncEngine
    inline: sa.Engine | None = None
    wakeups: JobEvents | None = None
    """Where committed job events are announced (none: the log is still written)."""
    deliverable: DeliverableEvents | None = None
    """Told of committed events that webhooks deliver."""

    @property
    def uow_factory(self) -> UnitOfWorkFactory:
        """Makes a fresh ``SqlAlchemyUnitOfWork`` per call."""
        return SqlAlchemyUnitOfWork.factory(self.inline or self.engine, self.wakeups, self.deliverable)

    async def check(self) -> None:
        """Raises when the database cannot be reached."""
        async with self.engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        if self.inline is not None:
            self.inline.dispose()
        await self.engine.dispose()


def open_database(database_url: str) -> SqlDatabase:
    """Engines for ``database_url`` (no connection is made until first use); SQLite
    units of work run inline on the event-loop thread, other backends on the async engine."""
    ensure_sqlite_directory(database_url)
    engine = make_engine(database_url)
    inline = make_inline_sqlite_engine(database_url) if engine.dialect.name == "sqlite" else None
    return SqlDatabase(engine=engine, inline=inline)
