"""In-memory users and API keys."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import attrs

from adapters.memory.state import (
    Tables,
    copy_of,
    insert,
    newest_first,
    require,
)
from v3core.errors import NotFound
from v3core.model import ApiKey, User
from v3core.ports.storage import ApiKeyRepository, UserRepository


class InMemoryUserRepository(UserRepository):
    """Users in memory."""

    def __init__(self, t: Tables) -> None:
        self._t = t

    async def add(self, user: User) -> None:
        if any(u.email == user.email for u in self._t.users.rows()):
            raise self._t.health.conflict(f"user {user.email!r} already exists")
        insert(self._t.users, user.id, user, "user")

    async def get(self, user_id: str) -> User | None:
        return copy_of(self._t.users.get(user_id))

    async def get_by_email(self, email: str) -> User | None:
        return copy_of(next((u for u in self._t.users.rows() if u.email == email), None))


class InMemoryApiKeyRepository(ApiKeyRepository):
    """API keys in memory."""

    def __init__(self, t: Tables) -> None:
        self._t = t

    async def add(self, key: ApiKey) -> None:
        require(self._t.users, key.user_id, "user")
        if any(k.key_hash == key.key_hash for k in self._t.api_keys.rows()):
            raise self._t.health.conflict("an API key with this hash already exists")
        insert(self._t.api_keys, key.id, key, "api key")

    async def get_by_hash(self, key_hash: str) -> ApiKey | None:
        return copy_of(next((k for k in self._t.api_keys.rows() if k.key_hash == key_hash), None))

    async def list_for_user(self, user_id: str) -> Sequence[ApiKey]:
        rows = newest_first(k for k in self._t.api_keys.rows() if k.user_id == user_id)
        return [copy.deepcopy(k) for k in rows]

    async def update(self, key: ApiKey) -> None:
        stored = self._t.api_keys.get(key.id)
        if stored is None or stored.user_id != key.user_id:
            raise NotFound("api key", key.id)
        self._t.api_keys.put(key.id, attrs.evolve(key, created_at=stored.created_at))
