"""Failed logins are rate-limited per account and per client address (429 + Retry-After).

The budgets come from the app's settings (``LOGIN_FAILURES_PER_ACCOUNT``/``..._PER_ADDRESS``);
every request of the test client comes from one address, so each test starts (conftest) and
ends with fresh budgets.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from limits import parse
from pydantic import ValidationError

from tests.e2e.concurrent import Call, concurrently
from tests.e2e.conftest import Api
from tests.sealed import SealedSettings
from v3core.services.accounts import CreateUserCommand

LOGIN = "/api/v3/auth/login"
_users = itertools.count(1)


@pytest.fixture
async def budgets(api: Api) -> AsyncIterator[tuple[int, int]]:
    """(failures allowed per account, per address), with the budgets reset after the test."""
    throttle = api.container.login_throttle()
    settings = api.container.settings()
    yield parse(settings.login_failures_per_account).amount, parse(settings.login_failures_per_address).amount
    await throttle.reset()


async def _user(api: Api) -> str:
    email = f"throttled-{next(_users)}@example.test"
    await api.container.create_user().execute(CreateUserCommand(email, "correct horse"))
    return email


async def _login(api: Api, email: str, password: str) -> Any:
    return await api.client.post(LOGIN, json={"email": email, "password": password})


def _assert_rate_limited(response: Any) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["meta"]["code"] == "rate_limited"
    assert response.json()["data"] is None
    assert int(response.headers["retry-after"]) >= 1


async def test_an_account_is_locked_after_its_failed_logins_and_others_are_not(
    api: Api, budgets: tuple[int, int]
) -> None:
    per_account, _ = budgets
    victim, other = await _user(api), await _user(api)
    for _ in range(per_account):
        assert (await _login(api, victim, "wrong horse")).status_code == 401
    _assert_rate_limited(await _login(api, victim, "wrong horse"))
    _assert_rate_limited(await _login(api, victim.upper(), "correct horse"))
    assert (await _login(api, other, "correct horse")).status_code == 200


async def test_an_address_is_limited_across_accounts(api: Api, budgets: tuple[int, int]) -> None:
    per_account, per_address = budgets
    accounts = [f"nobody-{next(_users)}@example.test" for _ in range(per_address)]
    for email in accounts:  # one failure each: no account reaches its own budget
        assert (await _login(api, email, "guess one")).status_code == 401
    assert per_account > 1
    _assert_rate_limited(await _login(api, f"fresh-{next(_users)}@example.test", "guess two"))


async def test_concurrent_guesses_beyond_the_budget_are_refused_without_hashing(
    api: Api, budgets: tuple[int, int]
) -> None:
    per_account, _ = budgets
    email = await _user(api)
    guesses = [Call("POST", LOGIN, json={"email": email, "password": f"guess {i}"}) for i in range(40)]
    answers = await asyncio.wrap_future(concurrently(api, guesses))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [401] * per_account + [429] * (40 - per_account)


async def test_successful_logins_do_not_use_the_budget(api: Api, budgets: tuple[int, int]) -> None:
    per_account, _ = budgets
    email = await _user(api)
    for _ in range(per_account + 2):
        assert (await _login(api, email, "correct horse")).status_code == 200
    assert (await _login(api, email, "wrong horse")).status_code == 401


def test_budgets_in_the_database_are_refused_without_postgresql(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="RATE_LIMIT_STORAGE_URL=database needs a PostgreSQL"):
        SealedSettings(database_url=f"sqlite:///{tmp_path}/v3.db", rate_limit_storage_url="database")


def test_an_unknown_budget_store_is_refused_at_start_up() -> None:
    with pytest.raises(ValidationError, match="auto, database, memory:// or redis://"):
        SealedSettings(database_url="memory://", rate_limit_storage_url="postgres://elsewhere/db")
