"""Programmatic Alembic: bring a database to the newest schema (no alembic.ini needed)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from adapters.sqlalchemy.engine import ensure_sqlite_directory, make_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic ``Config`` built in code, pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


async def upgrade_database_async(database_url: str) -> None:
    """Apply every pending migration to ``database_url`` (``alembic upgrade head``);
    a SQLite file and its directory are created when missing."""
    ensure_sqlite_directory(database_url)
    engine = make_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)
    finally:
        await engine.dispose()


def upgrade_database(database_url: str) -> None:
    """Apply every pending migration and wait for it. Safe to call from plain code and
    from inside a running event loop: the work runs on a thread and event loop of its own."""
    errors: list[BaseException] = []

    def work() -> None:
        try:
            asyncio.run(upgrade_database_async(database_url))
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=work, name="upgrade-database")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
