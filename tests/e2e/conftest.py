"""The real app through the container, once per storage backend for the whole session.

``api`` is parametrised over the in-memory unit of work, a migrated SQLite file and a
migrated PostgreSQL database; every test using it runs on all three. Tenants are cheap
(a user and a key, no password hashing), so a test that needs an empty namespace makes its
own with ``new_tenant()``.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.sqlalchemy.migrate import upgrade_database
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.sealed import SealedSettings
from v3core.services.accounts import CreateUserCommand, IssueApiKeyCommand

_tenants = itertools.count(1)


@attrs.define
class Api:
    """The test client, the container behind it and two tenants (alice and bob)."""

    client: AsyncTestClient[Litestar]
    container: Container
    alice: dict[str, str]
    bob: dict[str, str]

    async def new_tenant(self, prefix: str = "tenant") -> dict[str, str]:
        """A fresh user; returns its auth headers."""
        _, headers = await self.new_tenant_with_key(prefix)
        return headers

    async def new_tenant_with_key(self, prefix: str = "tenant") -> tuple[str, dict[str, str]]:
        """A fresh user; returns its email and auth headers."""
        email = f"{prefix}-{next(_tenants)}@example.test"
        await self.container.create_user().execute(CreateUserCommand(email))
        issued = await self.container.issue_api_key().execute(IssueApiKeyCommand(email))
        return email, {"Authorization": f"Bearer {issued.secret}"}

    async def create_client(self, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
        """POSTs a client and returns its data."""
        response = await self.client.post("/api/v3/clients", json={"name": "Acme", **fields}, headers=headers)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    async def create_campaign(self, headers: dict[str, str], client_id: str, **fields: Any) -> dict[str, Any]:
        """POSTs a campaign and returns its data."""
        body = {"clientId": client_id, "name": "Spring", **fields}
        response = await self.client.post("/api/v3/campaigns", json=body, headers=headers)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()["data"]
        return data


def e2e_settings(database_url: str, data_dir: Path) -> Settings:
    """Settings for an app under test (no environment is read for these fields)."""
    return SealedSettings(
        database_url=database_url,
        data_dir=data_dir,
        jwt_secret="test-secret-" + "x" * 32,
        # small failed-login budgets: each failure costs an argon2 verification, and the throttle
        # tests read the budgets from these settings, whatever they are
        login_failures_per_account="3/minute",
        login_failures_per_address="8/minute",
        # The app runs on the test client's own loop while tests also call the container from
        # theirs; both share the connection pool, whose wait queue belongs to the first loop that
        # waited on it. Few planning tasks at once (the fuzz leaves dozens of jobs to plan) keep
        # the pool from running dry, so neither loop has to wait.
        worker_concurrency=4,
    )


@pytest.fixture(
    scope="session", params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend_url(request: pytest.FixtureRequest) -> str:
    """``memory://``, a migrated SQLite file or a migrated PostgreSQL database."""
    if request.param == "memory":
        return "memory://"
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite file to copy (copying is instant; migrating is not)."""
    path: Path = tmp_path_factory.mktemp("sqlite-template") / "empty.db"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def own_backend_url(backend_url: str, sqlite_template: Path, tmp_path: Path) -> str:
    """``backend_url``'s backend, with a SQLite database of the test's own (a copy of the empty
    template) for a test that starts its own container: a container starting on the session's
    shared SQLite file would first resume (re-render) every job other tests left unfinished
    there. Memory is always fresh; PostgreSQL keeps the session database, where job leases keep
    a new container off the jobs another app is running."""
    if not backend_url.startswith("sqlite"):
        return backend_url
    own = tmp_path / "own.db"
    shutil.copyfile(sqlite_template, own)
    return f"sqlite:///{own}"


@pytest.fixture(scope="session")
async def api(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Api]:
    """The app on ``backend_url`` with two tenants."""
    container = build_container(e2e_settings(backend_url, tmp_path_factory.mktemp("data")))
    app = create_app(container)
    async with AsyncTestClient(app) as client:
        api = Api(client, container, {}, {})
        api.alice = await api.new_tenant("alice")
        api.bob = await api.new_tenant("bob")
        yield api


@pytest.fixture(autouse=True)
async def _fresh_login_budgets(request: pytest.FixtureRequest) -> None:
    """Every test using ``api`` starts with unspent failed-login budgets: all requests of the
    test client come from one address, so failures would otherwise add up across tests."""
    if "api" in request.fixturenames:
        api: Api = request.getfixturevalue("api")
        reset = api.container.login_throttle().reset
        # on the app's loop: on PostgreSQL the budgets are rows, read through the app's pool
        await asyncio.wrap_future(api.client.blocking_portal.start_task_soon(reset))
