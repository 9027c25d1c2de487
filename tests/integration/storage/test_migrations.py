"""Alembic migrations: a fresh database ends up with exactly the schema of ``tables.metadata``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from adapters.sqlalchemy.engine import make_engine
from adapters.sqlalchemy.migrate import alembic_config, upgrade_database, upgrade_database_async
from adapters.sqlalchemy.tables import metadata


def _ours(name: str | None, type_: str, parent: object) -> bool:
    """Objects of our schema: the queue engine's tables share the database by design."""
    return not (name or "").startswith("procrastinate")


async def _schema(url: str) -> tuple[set[str], list[Any], str | None]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:

            def inspect(sync: sa.Connection) -> tuple[set[str], list[Any], str | None]:
                context = MigrationContext.configure(sync, opts={"compare_type": True, "include_name": _ours})
                tables = {t for t in sa.inspect(sync).get_table_names() if _ours(t, "table", None)}
                return tables, compare_metadata(context, metadata), context.get_current_revision()

            return await connection.run_sync(inspect)
    finally:
        await engine.dispose()


async def test_a_fresh_sqlite_database_gets_exactly_the_declared_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    await upgrade_database_async(url)
    tables, differences, revision = await _schema(url)
    assert tables == set(metadata.tables) | {"alembic_version"}
    assert differences == []
    assert revision is not None


@pytest.mark.postgres
async def test_the_postgres_database_gets_exactly_the_declared_schema(postgres_url: str) -> None:
    tables, differences, _ = await _schema(postgres_url)
    assert tables == set(metadata.tables) | {"alembic_version"}
    assert differences == []


async def test_upgrading_twice_changes_nothing_even_from_inside_a_running_loop(sqlite_url: str) -> None:
    before = await _schema(sqlite_url)
    upgrade_database(sqlite_url)
    assert await _schema(sqlite_url) == before


def test_upgrade_works_from_plain_synchronous_code(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade_database(url)
    upgrade_database(url)
    assert (tmp_path / "cli.db").exists()


def test_migrations_go_down_to_nothing_and_back_up(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) == {"alembic_version"}
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) == set(metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()
