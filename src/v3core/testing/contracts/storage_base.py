"""What every storage contract needs: the adapter's units of work and a fresh owner per test.

A subclass supplies the fixture ``uow_factory``: a ``UnitOfWorkFactory`` of the storage
under test (any scope; tests scope their rows by a fresh owner, so one store can serve a
whole session). The owner and client fixtures below are built through it.
"""

from __future__ import annotations

import pytest_asyncio

from v3core.ports.storage import UnitOfWorkFactory
from v3core.testing.builders import a_client, a_user


class StorageFixtures:
    """``owner`` and ``client_id`` fixtures made through the subclass's ``uow_factory``."""

    @pytest_asyncio.fixture
    async def owner(self, uow_factory: UnitOfWorkFactory) -> str:
        """A fresh committed user; its id scopes everything a test creates."""
        user = a_user()
        async with uow_factory() as uow:
            await uow.users.add(user)
            await uow.commit()
        return user.id

    @pytest_asyncio.fixture
    async def client_id(self, uow_factory: UnitOfWorkFactory, owner: str) -> str:
        """A committed client of ``owner``."""
        client = a_client(owner)
        async with uow_factory() as uow:
            await uow.clients.add(client)
            await uow.commit()
        return client.id
