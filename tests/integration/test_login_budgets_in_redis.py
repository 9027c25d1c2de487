"""``RATE_LIMIT_STORAGE_URL=redis://...``: failed-login budgets in Redis are one budget for every
process using it (decision 0120). Two throttles, each with its own connection as two processes
would have, against the Redis server on 127.0.0.1:6379. Redis unreachable skips these tests,
unless ``CI`` is set: then they fail, so CI can never pass without having run them."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid

import pytest

from adapters.login_throttle import LimitsLoginThrottle
from v3core.errors import RateLimited

REDIS = "redis://127.0.0.1:6379"


@pytest.fixture(scope="module", autouse=True)
def _redis_is_there() -> None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=3).close()
    except OSError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis not reachable at 127.0.0.1:6379 and CI is set: {error}")
        pytest.skip("Redis not reachable at 127.0.0.1:6379 (CI not set)")


def _two_processes(per_account: str = "3/minute", per_address: str = "7/minute") -> list[LimitsLoginThrottle]:
    return [LimitsLoginThrottle(per_account, per_address, storage_url=REDIS) for _ in range(2)]


def _fresh() -> tuple[str, str]:
    """An account and an address no other test (or earlier run) has used."""
    tag = uuid.uuid4().hex
    return f"guessed-{tag}@example.test", f"192.0.2.{tag}"


async def _attempt(throttle: LimitsLoginThrottle, account: str, address: str) -> bool:
    """A failed login: whether it was allowed to try (a refusal says when to try again)."""
    retry_after: float | None = None
    try:
        await throttle.acquire(account, address)
    except RateLimited as refused:
        retry_after = refused.retry_after
        if retry_after is None or not 1 <= retry_after <= 60:
            raise
    return retry_after is None


async def test_failures_alternating_between_two_processes_use_one_account_budget() -> None:
    a, b = _two_processes()
    account, address = _fresh()
    assert [await _attempt((a, b)[n % 2], account, address) for n in range(3)] == [True] * 3
    assert not await _attempt(b, account, address)
    assert not await _attempt(a, account, address)
    assert await _attempt(a, _fresh()[0], address)  # another account from the same address may try


async def test_a_concurrent_burst_across_two_processes_gets_one_budget() -> None:
    a, b = _two_processes()
    account, address = _fresh()
    allowed = await asyncio.gather(*(_attempt((a, b)[n % 2], account, address) for n in range(20)))
    assert sorted(allowed) == [False] * 17 + [True] * 3


async def test_an_address_guessing_at_many_accounts_through_two_processes_gets_one_budget() -> None:
    a, b = _two_processes()
    _, address = _fresh()
    for n in range(7):
        assert await _attempt((a, b)[n % 2], _fresh()[0], address)
    assert not await _attempt(a, _fresh()[0], address)


async def test_a_success_on_one_process_gives_its_attempt_back_for_both() -> None:
    a, b = _two_processes()
    account, address = _fresh()
    for _ in range(10):
        await a.acquire(account, address)
        await a.succeeded(account, address)
    assert [await _attempt((b, a)[n % 2], account, address) for n in range(4)] == [True] * 3 + [False]
