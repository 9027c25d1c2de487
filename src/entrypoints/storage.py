"""Which storage backs the service, picked from ``DATABASE_URL``: ``memory://`` or SQLAlchemy."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import attrs
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.sqlalchemy import open_database
from adapters.sqlalchemy.revision import database_at_head
from v3core.ports.events import DeliverableEvents, JobEvents
from v3core.ports.storage import UnitOfWorkFactory

if TYPE_CHECKING:
    from entrypoints.settings import Settings

MEMORY_URL = "memory://"
"""``DATABASE_URL`` value that keeps everything in process memory (tests, demos)."""


async def _nothing() -> None:
    return None


@attrs.frozen
class Storage:
    """A unit-of-work factory plus the two lifecycle hooks the app needs."""

    uow_factory: UnitOfWorkFactory
    check: Callable[[], Awaitable[None]] = _nothing
    """Raises when the database cannot be reached (``/ready``)."""
    close: Callable[[], Awaitable[None]] = _nothing
    """Releases connections (app shutdown)."""
    engine: AsyncEngine | None = None
    """The SQLAlchemy engine (``None`` in memory), for adapters sharing the database (blobs)."""


def memory_storage(
    store: InMemoryStore | None = None,
    wakeups: JobEvents | None = None,
    deliverable: DeliverableEvents | None = None,
) -> Storage:
    """Storage in process memory; every unit of work shares ``store``."""
    return Storage(InMemoryUnitOfWork.factory(store or InMemoryStore(), wakeups, deliverable))


def open_storage(
    database_url: str, wakeups: JobEvents | None = None, deliverable: DeliverableEvents | None = None
) -> Storage:
    """The storage ``database_url`` names (no connection is opened until first use); commits
    that append job events wake their readers through ``wakeups`` and tell ``deliverable`` of
    the events webhooks deliver."""
    if database_url.startswith(MEMORY_URL):
        return memory_storage(wakeups=wakeups, deliverable=deliverable)
    return sqlalchemy_storage(database_url, wakeups, deliverable)


def sqlalchemy_storage(
    database_url: str, wakeups: JobEvents | None = None, deliverable: DeliverableEvents | None = None
) -> Storage:
    """SQLite or PostgreSQL through the SQLAlchemy adapters (the schema must be migrated).

    SQLite units of work run inline on the event-loop thread (no driver thread hop per
    statement); the async engine serves the adapters sharing the database and ``/ready``.
    """
    database = open_database(database_url)
    database.wakeups = wakeups
    database.deliverable = deliverable
    return Storage(database.uow_factory, database.check, database.dispose, database.engine)


def prepare_database(settings: Settings) -> None:
    """Create the SQLite folder and apply pending migrations (nothing to do in memory).

    Alembic is imported only when the database is not already at the newest revision:
    importing it is a good part of start-up time.
    """
    if settings.database_url.startswith(MEMORY_URL):
        return
    settings.ensure_database_directory()
    if database_at_head(settings.database_url):
        return
    from adapters.sqlalchemy.migrate import upgrade_database

    upgrade_database(settings.database_url)
