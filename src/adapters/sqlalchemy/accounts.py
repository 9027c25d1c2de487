"""SQLAlchemy repositories of users and API keys."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.base import Transaction, by_id, newest_first
from adapters.sqlalchemy.mappers import api_key_from_row, api_key_values, user_from_row, user_values
from adapters.sqlalchemy.tables import api_keys, users
from v3core.errors import NotFound
from v3core.model import ApiKey, User
from v3core.ports.storage import ApiKeyRepository, UserRepository


@functools.cache
def _by_hash() -> sa.Select[Any]:
    return sa.select(api_keys).where(api_keys.c.key_hash == sa.bindparam("key_hash"))


class SqlAlchemyUserRepository(UserRepository):
    """Users in SQL."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def add(self, user: User) -> None:
        await self._tx.execute(sa.insert(users).values(user_values(user)))

    async def get(self, user_id: str) -> User | None:
        row = (await self._tx.execute(by_id(users), {"id": user_id})).first()
        return user_from_row(row) if row is not None else None

    async def get_by_email(self, email: str) -> User | None:
        row = (await self._tx.execute(sa.select(users).where(users.c.email == email))).first()
        return user_from_row(row) if row is not None else None


class SqlAlchemyApiKeyRepository(ApiKeyRepository):
    """API keys in SQL, found by the unique index on ``key_hash``."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def add(self, key: ApiKey) -> None:
        await self._tx.execute(sa.insert(api_keys).values(api_key_values(key)))

    async def get_by_hash(self, key_hash: str) -> ApiKey | None:
        row = await self._tx.fetch_first(_by_hash(), {"key_hash": key_hash})
        return api_key_from_row(row) if row is not None else None

    async def list_for_user(self, user_id: str) -> Sequence[ApiKey]:
        query = sa.select(api_keys).where(api_keys.c.user_id == user_id).order_by(*newest_first(api_keys))
        return [api_key_from_row(r) for r in await self._tx.execute(query)]

    async def update(self, key: ApiKey) -> None:
        values = api_key_values(key)
        for fixed in ("id", "user_id", "created_at"):
            del values[fixed]
        where = (api_keys.c.id == key.id, api_keys.c.user_id == key.user_id)
        result = await self._tx.execute(sa.update(api_keys).where(*where).values(values))
        if result.rowcount == 0:
            raise NotFound("api key", key.id)
