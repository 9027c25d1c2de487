"""The storage contract runs against each backend: in memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.sqlalchemy import SqlAlchemyUnitOfWork, make_engine, make_inline_sqlite_engine
from tests.contract.builders import a_client, a_user
from v3core.ports.storage import UnitOfWorkFactory

BACKENDS = ["memory", "sqlite", "sqlite_async", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, request: pytest.FixtureRequest) -> str | None:
    """The migrated database of the backend (``None`` for the in-memory one)."""
    if backend == "memory":
        return None
    return str(request.getfixturevalue("postgres_url" if backend == "postgres" else "sqlite_url"))


def sql_engine(backend: str, database_url: str) -> AsyncEngine | sa.Engine:
    """SQLite runs inline on the loop thread as the app does, or through aiosqlite."""
    return make_inline_sqlite_engine(database_url) if backend == "sqlite" else make_engine(database_url)


async def dispose(engine: AsyncEngine | sa.Engine) -> None:
    if isinstance(engine, AsyncEngine):
        await engine.dispose()
    else:
        engine.dispose()


@pytest.fixture(scope="session")
async def uow_factory(backend: str, database_url: str | None) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work of the backend under test, shared by the session (tests use fresh owners)."""
    if database_url is None:
        yield InMemoryUnitOfWork.factory(InMemoryStore())
        return
    engine = sql_engine(backend, database_url)
    yield SqlAlchemyUnitOfWork.factory(engine)
    await dispose(engine)


@pytest.fixture
async def owner(uow_factory: UnitOfWorkFactory) -> str:
    """A fresh committed user; its id scopes everything a test creates."""
    user = a_user()
    async with uow_factory() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user.id


@pytest.fixture
async def client_id(uow_factory: UnitOfWorkFactory, owner: str) -> str:
    """A committed client of ``owner``."""
    client = a_client(owner)
    async with uow_factory() as uow:
        await uow.clients.add(client)
        await uow.commit()
    return client.id
