"""Failed-login budgets on PostgreSQL are one budget for every ``v3 serve`` process (SPEC §9:
"no state in process memory that another process needs"; decision 0120).

Two real ``v3 serve`` processes on one database, with the default ``RATE_LIMIT_STORAGE_URL``:
guesses split between them are refused (429 with ``Retry-After``) at the same total as guesses
sent to one process, sequentially and in a concurrent burst, per account and per address.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.integration.jobs.server import V3, ServeProcess

pytestmark = pytest.mark.postgres

PER_ACCOUNT = 3
PER_ADDRESS = 7
PASSWORD = "correct horse battery"
_emails = count(1)


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A migrated PostgreSQL database of this module's own (both processes use it)."""
    from tests.conftest import migrated_postgres

    yield from migrated_postgres("v3login")


@pytest.fixture(scope="module")
def cluster(database: str) -> Iterator[tuple[ServeProcess, ServeProcess]]:
    """Serving processes A and B on ``database``, with small budgets and nothing else set."""
    with tempfile.TemporaryDirectory(prefix="v3-login-budgets-") as tmp:
        env = {
            "DATABASE_URL": database,
            "DATA_DIR": str(Path(tmp) / "data"),
            "JWT_SECRET": "test-secret-" + "x" * 32,
            "LOGIN_FAILURES_PER_ACCOUNT": f"{PER_ACCOUNT}/minute",
            "LOGIN_FAILURES_PER_ADDRESS": f"{PER_ADDRESS}/minute",
        }
        a, b = ServeProcess(Path(tmp), env), ServeProcess(Path(tmp), env)
        try:
            a.start(timeout=60)
            b.start(timeout=60)
            yield a, b
        finally:
            a.kill()
            b.kill()


@pytest.fixture(autouse=True)
def _unspent_budgets(database: str) -> None:
    """Every test starts with unspent budgets (all requests come from 127.0.0.1)."""
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute("DELETE FROM login_failures")


def _user(cluster: tuple[ServeProcess, ServeProcess]) -> str:
    email = f"guessed-{next(_emails)}@example.test"
    subprocess.run(
        [str(V3), "users", "create", email, "--password", PASSWORD],
        env=cluster[0].env,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return email


def _login(server: ServeProcess, email: str, password: str) -> httpx.Response:
    body = {"email": email, "password": password}
    return httpx.post(f"{server.base_url}/api/v3/auth/login", json=body, timeout=60)


def _assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["meta"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["retry-after"]) <= 60


def test_guesses_alternating_between_two_processes_use_one_account_budget(
    cluster: tuple[ServeProcess, ServeProcess],
) -> None:
    a, b = cluster
    email = _user(cluster)
    for n in range(PER_ACCOUNT):
        assert _login((a, b)[n % 2], email, f"guess {n}").status_code == 401
    _assert_refused(_login(b, email, "one more"))
    _assert_refused(_login(a, email, "one more"))
    _assert_refused(_login(b, email, PASSWORD))  # locked for everyone until the window ends
    assert _login(a, _user(cluster), PASSWORD).status_code == 200  # other accounts are not


def test_a_concurrent_burst_split_between_two_processes_gets_one_budget(
    cluster: tuple[ServeProcess, ServeProcess],
) -> None:
    a, b = cluster
    email = _user(cluster)

    def guess(n: int) -> int:
        return _login((a, b)[n % 2], email, f"guess {n}").status_code

    with ThreadPoolExecutor(20) as pool:
        statuses = Counter(pool.map(guess, range(20)))
    assert statuses == {401: PER_ACCOUNT, 429: 20 - PER_ACCOUNT}


def test_an_address_guessing_at_many_accounts_through_two_processes_gets_one_budget(
    cluster: tuple[ServeProcess, ServeProcess],
) -> None:
    a, b = cluster
    for n in range(PER_ADDRESS):  # one failure per account: no account reaches its own budget
        assert _login((a, b)[n % 2], f"nobody-{n}@example.test", "guess").status_code == 401
    _assert_refused(_login(a, "somebody-else@example.test", "guess"))
    _assert_refused(_login(b, "somebody-else@example.test", "guess"))


def test_successful_logins_on_either_process_use_no_budget(
    cluster: tuple[ServeProcess, ServeProcess],
) -> None:
    a, b = cluster
    email = _user(cluster)
    for n in range(PER_ADDRESS + 2):
        assert _login((a, b)[n % 2], email, PASSWORD).status_code == 200
    for n in range(PER_ACCOUNT):
        assert _login((a, b)[n % 2], email, "wrong").status_code == 401
    _assert_refused(_login(a, email, "wrong"))
