"""Async engines for SQLite (aiosqlite) and PostgreSQL (psycopg 3), made from a database URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.sqlalchemy.outages import translate_outages

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",
)

_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg2": "postgresql+psycopg",
    "postgresql+asyncpg": "postgresql+psycopg",
}


def async_url(database_url: str) -> sa.URL:
    """``database_url`` with its driver replaced by the async one this project uses
    (``sqlite:///x.db`` → aiosqlite, ``postgres://`` / ``postgresql://`` → psycopg)."""
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url.removeprefix("postgres://")
    url = make_url(database_url)
    return url.set(drivername=_DRIVERS.get(url.drivername, url.drivername))


def sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite URL (``None`` for other backends); in-memory SQLite is refused
    because every connection would see a different database (use ``memory://`` instead)."""
    url = async_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        raise ValueError(
            "in-memory SQLite is not supported: use a file, or memory:// for the in-memory store"
        )
    return Path(url.database)


def ensure_sqlite_directory(database_url: str) -> None:
    """Create the directory of a SQLite file so the first connection can create the file."""
    path = sqlite_file(database_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def make_inline_sqlite_engine(database_url: str, **options: Any) -> sa.Engine:
    """A synchronous SQLite engine for ``InlineSqliteTransaction``: the same pragmas but
    ``busy_timeout=0`` (a locked database is retried without blocking the event loop), and
    a pool that never makes a caller wait for a free connection."""
    url = async_url(database_url).set(drivername="sqlite+pysqlite")
    options.setdefault("poolclass", sa.pool.QueuePool)
    options.setdefault("pool_size", 8)
    options.setdefault("max_overflow", -1)
    options.setdefault("json_deserializer", msgspec.json.decode)
    options.setdefault("hide_parameters", True)
    engine = sa.create_engine(url, **options)
    sa.event.listen(engine, "connect", _set_inline_pragmas)
    translate_outages(engine, busy_is_outage=False)  # InlineSqliteTransaction retries a busy database
    return engine


def _set_inline_pragmas(dbapi_connection: Any, record: Any) -> None:
    _set_sqlite_pragmas(dbapi_connection, record)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


def make_engine(database_url: str, **options: Any) -> AsyncEngine:
    """An async engine for ``database_url``; SQLite connections get WAL, foreign keys,
    a busy timeout and synchronous=NORMAL; PostgreSQL sessions run in UTC. Pooled
    connections are not pinged before use (a third more CPU per unit of work, see
    benchmarks/bench_outage.py): after a restart the first use of a dead connection
    answers ``StorageUnavailable`` and SQLAlchemy discards the whole pool.

    Every engine hides SQL parameters from its errors and logs (they carry briefs and
    other user content) and raises ``StorageUnavailable`` when the database cannot be
    reached (``adapters.sqlalchemy.outages``)."""
    url = async_url(database_url)
    # JSON documents (briefs, costs, scene metadata) are read on every job read; msgspec
    # parses them several times faster than the standard library.
    options.setdefault("json_deserializer", msgspec.json.decode)
    options.setdefault("hide_parameters", True)
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url, **options)
        sa.event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
    else:
        connect_args = {"options": "-c timezone=UTC", **options.pop("connect_args", {})}
        engine = create_async_engine(url, connect_args=connect_args, **options)
    translate_outages(engine.sync_engine)
    return engine
