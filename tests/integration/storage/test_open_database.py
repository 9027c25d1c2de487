"""``open_database``: what the composition root calls to get storage for a DATABASE_URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.sqlalchemy import open_database
from adapters.sqlalchemy.migrate import upgrade_database_async
from tests.contract.builders import a_user


async def test_a_new_sqlite_file_is_created_with_its_directory_and_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'v3.db'}"
    await upgrade_database_async(url)
    database = open_database(url)
    user = a_user()
    try:
        await database.check()
        async with database.uow_factory() as uow:
            await uow.users.add(user)
            await uow.commit()
        async with database.uow_factory() as uow:
            assert await uow.users.get(user.id) == user
    finally:
        await database.dispose()
    assert database.inline is not None


@pytest.mark.postgres
async def test_postgres_units_of_work_run_on_the_async_engine(postgres_url: str) -> None:
    database = open_database(postgres_url)
    try:
        await database.check()
        async with database.uow_factory() as uow:
            assert await uow.users.get("nobody") is None
    finally:
        await database.dispose()
    assert database.inline is None


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_sqlite_is_refused_with_a_pointer_to_memory_urls(url: str) -> None:
    with pytest.raises(ValueError, match="memory://"):
        open_database(url)
