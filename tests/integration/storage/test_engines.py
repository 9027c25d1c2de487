"""Engines: URL spellings accepted, SQLite pragmas on every connection, UTC sessions on PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.sqlalchemy import SqlAlchemyUnitOfWork
from adapters.sqlalchemy.engine import async_url, make_engine, make_inline_sqlite_engine
from adapters.sqlalchemy.migrate import upgrade_database_async
from tests.contract.builders import a_client, a_user
from tests.contract.conftest import dispose
from v3core.ports.storage import PageRequest


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("sqlite:///data/v3.db", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///data/v3.db", "sqlite+aiosqlite"),
        ("postgres://u:p@db:5432/v3", "postgresql+psycopg"),
        ("postgresql://u:p@db:5432/v3", "postgresql+psycopg"),
        ("postgresql+psycopg://u:p@db:5432/v3", "postgresql+psycopg"),
    ],
)
def test_plain_urls_are_given_the_async_driver(given: str, driver: str) -> None:
    url = async_url(given)
    assert url.drivername == driver
    assert url.database in ("data/v3.db", "v3")


async def test_every_sqlite_connection_gets_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        async with engine.connect() as connection:
            pragmas = [
                (await connection.execute(sa.text(f"PRAGMA {name}"))).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            ]
    finally:
        await engine.dispose()
    assert pragmas == ["wal", 1, 5000, 1]


def test_inline_sqlite_connections_never_wait_in_sqlites_busy_handler(tmp_path: Path) -> None:
    engine = make_inline_sqlite_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        with engine.connect() as connection:
            pragmas = [
                connection.execute(sa.text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            ]
    finally:
        engine.dispose()
    assert pragmas == ["wal", 1, 0, 1]


@pytest.mark.parametrize("inline", [True, False], ids=["inline", "aiosqlite"])
async def test_a_sqlite_writer_waits_for_another_instead_of_failing(tmp_path: Path, inline: bool) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    await upgrade_database_async(url)
    engine = make_inline_sqlite_engine(url) if inline else make_engine(url)
    factory = SqlAlchemyUnitOfWork.factory(engine)
    user = a_user()
    first_holds_the_lock = asyncio.Event()

    async def slow_writer() -> None:
        async with factory() as uow:
            await uow.users.add(user)
            first_holds_the_lock.set()
            await asyncio.sleep(0.3)
            await uow.commit()

    async def second_writer() -> None:
        await first_holds_the_lock.wait()
        async with factory() as uow:
            await uow.clients.add(a_client(user.id))
            await uow.commit()

    ticks = 0

    async def event_loop_keeps_running() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    async def both_writers() -> None:
        await asyncio.gather(slow_writer(), second_writer())
        done.set()

    done = asyncio.Event()
    try:
        await asyncio.gather(both_writers(), event_loop_keeps_running())
        assert ticks >= 10
        async with factory() as uow:
            assert await uow.users.get(user.id) == user
            assert (await uow.clients.list(user.id, PageRequest())).total == 1
    finally:
        await dispose(engine)


@pytest.mark.postgres
async def test_postgres_sessions_run_in_utc(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(sa.text("SHOW timezone"))).scalar() == "UTC"
    finally:
        await engine.dispose()
