"""``PostgresLoginThrottle``: failed-login budgets in the database, shared by every process on it.

The same contract as ``adapters.login_throttle.LimitsLoginThrottle`` (decision 0120), counted
in the ``login_failures`` table so that N ``v3 serve`` processes on one PostgreSQL give an
attacker one budget, not N. Fixed windows that start at a key's first failure, as ``limits``'
own, timed by the database clock (every process agrees on when a window ends, whatever its
own clock says): ``acquire`` reserves a hit on the account's and the address's counters in
one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` (one round trip, atomic per row, so a
concurrent burst from any number of processes is counted exactly); over either budget it
gives both back in a second statement and refuses. ``succeeded`` gives the reservation back,
so only failures use the budget. Keys are sha256 digests: no email or address is stored in
clear. Rows of past windows are deleted every
``PURGE_EVERY_SECONDS`` by the process that next takes a hit.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

import sqlalchemy as sa
from limits import parse
from sqlalchemy.ext.asyncio import AsyncEngine

from v3core.errors import RateLimited
from v3core.ports.security import LoginThrottle

PURGE_EVERY_SECONDS = 600.0

_RESERVE = sa.text(
    """
    INSERT INTO login_failures AS f (key, window_end, hits)
    SELECT w.key, floor(extract(epoch FROM now()))::bigint + w.period, 1
    FROM (VALUES (:account_key, CAST(:account_period AS bigint)),
                 (:address_key, CAST(:address_period AS bigint))) AS w (key, period)
    ORDER BY w.key
    ON CONFLICT (key) DO UPDATE
    SET hits = CASE WHEN f.window_end > extract(epoch FROM now()) THEN f.hits + 1 ELSE 1 END,
        window_end = CASE WHEN f.window_end > extract(epoch FROM now()) THEN f.window_end
                          ELSE excluded.window_end END
    RETURNING f.key, f.hits, f.window_end - extract(epoch FROM now()) AS remaining
    """
)
"""A window starts at a key's first failure and lasts its period, in whole seconds of the
database clock (``now()``: the statement's own transaction began with it, in autocommit), so
``Retry-After`` never exceeds the period. Rows are locked in key order, so two reservations
can never wait on each other in a cycle."""

_GIVE_BACK = sa.text(
    """
    UPDATE login_failures SET hits = hits - 1
    WHERE key IN (:account_key, :address_key) AND hits > 0 AND window_end > extract(epoch FROM now())
    """
)
"""Only a counter still in its window: a reservation whose window has ended is already forgotten."""

_PURGE = sa.text("DELETE FROM login_failures WHERE window_end <= extract(epoch FROM now())")


def budget_key(kind: str, value: str) -> str:
    """The counter's key: the sha256 of ``kind`` and ``value`` (64 hex digits)."""
    return hashlib.sha256(f"{kind}\0{value}".encode("utf-8", "surrogatepass")).hexdigest()


class PostgresLoginThrottle(LoginThrottle):
    """Budgets like ``"5/minute"`` per account and ``"20/minute"`` per address, in PostgreSQL."""

    def __init__(
        self, engine: AsyncEngine, per_account: str = "5/minute", per_address: str = "20/minute"
    ) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")  # one round trip a statement
        account, address = parse(per_account), parse(per_address)
        self._amounts = (account.amount, address.amount)
        self._periods = (account.get_expiry(), address.get_expiry())
        self._next_purge = 0.0

    async def acquire(self, account: str, address: str) -> None:
        keys = self._keys(account, address)
        params = {**keys, "account_period": self._periods[0], "address_period": self._periods[1]}
        budgets = {keys["account_key"]: self._amounts[0], keys["address_key"]: self._amounts[1]}
        async with self._engine.connect() as connection:
            rows = (await connection.execute(_RESERVE, params)).all()
            over = [remaining for key, hits, remaining in rows if hits > budgets[key]]
            if over:
                await connection.execute(_GIVE_BACK, keys)
            if time.monotonic() >= self._next_purge:
                self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS
                await connection.execute(_PURGE)
        if over:
            wait = max(1, math.ceil(max(over)))
            raise RateLimited(
                f"too many failed logins for this account or address; try again in {wait} s", retry_after=wait
            )

    async def succeeded(self, account: str, address: str) -> None:
        async with self._engine.connect() as connection:
            await connection.execute(_GIVE_BACK, self._keys(account, address))

    async def reset(self) -> None:
        """Forget every budget (tests and operators)."""
        async with self._engine.connect() as connection:
            await connection.execute(sa.text("DELETE FROM login_failures"))

    @staticmethod
    def _keys(account: str, address: str) -> dict[str, Any]:
        return {"account_key": budget_key("account", account), "address_key": budget_key("address", address)}
