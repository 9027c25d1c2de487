"""The storage contract runs against each backend: in memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.sqlalchemy import SqlAlchemyUnitOfWork, make_engine
from tests.contract.builders import a_client, a_user
from v3core.ports.storage import UnitOfWorkFactory

BACKENDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, request: pytest.FixtureRequest) -> str | None:
    """The migrated database of the backend (``None`` for the in-memory one)."""
    if backend == "memory":
        return None
    return str(request.getfixturevalue(f"{backend}_url"))


@pytest.fixture(scope="session")
async def uow_factory(database_url: str | None) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work of the backend under test, shared by the session (tests use fresh owners)."""
    if database_url is None:
        yield InMemoryUnitOfWork.factory(InMemoryStore())
        return
    engine = make_engine(database_url)
    yield SqlAlchemyUnitOfWork.factory(engine)
    await engine.dispose()


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
