"""``LimitsLoginThrottle``: failed-login budgets per account and per client address (``limits``).

A fixed window per key (``5/minute``-style strings, the ``limits`` notation). An attempt
reserves one hit on both keys before any password is hashed, so a burst of concurrent
guesses is refused at once; a successful login gives its hits back. ``memory://`` keeps the
budgets in this process (one budget per API process: the embedded default); a ``redis://`` URL
shares them between processes (needs the ``coredis`` client: the ``redis`` extra). On
PostgreSQL the default is ``adapters.sqlalchemy.login_failures`` instead.
"""

from __future__ import annotations

import hashlib
import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.storage import storage_from_string

from v3core.errors import RateLimited
from v3core.ports.security import LoginThrottle

Key = tuple[RateLimitItem, tuple[str, ...]]


def async_storage_url(url: str) -> str:
    """``memory://`` / ``redis://host`` as the asynchronous ``limits`` scheme (``async+...``)."""
    return url if url.startswith("async+") else f"async+{url}"


class LimitsLoginThrottle(LoginThrottle):
    """Budgets like ``"5/minute"`` per account and ``"20/minute"`` per address."""

    def __init__(
        self, per_account: str = "5/minute", per_address: str = "20/minute", storage_url: str = "memory://"
    ) -> None:
        self._per_account = parse(per_account)
        self._per_address = parse(per_address)
        storage = storage_from_string(async_storage_url(storage_url))
        if not isinstance(storage, Storage):
            raise ValueError(f"RATE_LIMIT_STORAGE_URL {storage_url!r} is not an asynchronous storage")
        self._storage = storage
        self._limiter = FixedWindowRateLimiter(storage)

    async def acquire(self, account: str, address: str) -> None:
        taken: list[Key] = []
        for item, ident in self._keys(account, address):
            taken.append((item, ident))
            if not await self._limiter.hit(item, *ident):
                wait = await self._seconds_until_reset(item, ident)
                await self._give_back(taken)
                raise RateLimited(
                    f"too many failed logins for this account or address; try again in {wait} s",
                    retry_after=wait,
                )

    async def succeeded(self, account: str, address: str) -> None:
        await self._give_back(self._keys(account, address))

    async def reset(self) -> None:
        """Forget every budget (tests and operators)."""
        await self._storage.reset()

    def _keys(self, account: str, address: str) -> list[Key]:
        account_id = hashlib.sha256(account.encode("utf-8", "surrogatepass")).hexdigest()
        return [
            (self._per_account, ("login-failures", "account", account_id)),
            (self._per_address, ("login-failures", "address", address)),
        ]

    async def _give_back(self, keys: list[Key]) -> None:
        for item, ident in keys:  # ``incr`` by -1: the one counter operation every storage has
            await self._storage.incr(item.key_for(*ident), item.get_expiry(), amount=-1)

    async def _seconds_until_reset(self, item: RateLimitItem, ident: tuple[str, ...]) -> int:
        stats = await self._limiter.get_window_stats(item, *ident)
        return max(1, math.ceil(stats.reset_time - time.time()))
