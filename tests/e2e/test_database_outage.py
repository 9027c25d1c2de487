"""The database goes away under a serving app: reads and writes answer 503 with ``Retry-After``
(never 500), and the app answers normally again once the database is back.

PostgreSQL goes away for real: the app reaches it through a TCP proxy on 127.0.0.1 that
is stopped (every connection cut, new ones refused) and started again. SQLite "goes away"
as a local file can: another connection holds its write lock past the busy timeout.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import attrs
import psycopg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from tests.e2e.conftest import e2e_settings
from tests.integration.outages import TcpProxy, sqlite_write_lock
from v3core.services.accounts import CreateUserCommand, IssueApiKeyCommand

_users = itertools.count(1)


@attrs.define
class Served:
    client: AsyncTestClient[Litestar]
    container: Container
    key: dict[str, str]
    """API-key auth: looked up in the database."""
    token: dict[str, str]
    """JWT auth: no database access, so the request reaches its use case."""


@pytest.fixture
async def pg_proxy(postgres_url: str) -> AsyncIterator[TcpProxy]:
    proxy = TcpProxy.for_url(postgres_url)
    yield proxy
    proxy.stop()


async def _serve(database_url: str, data_dir: Path) -> AsyncIterator[Served]:
    container = build_container(e2e_settings(database_url, data_dir))
    async with AsyncTestClient(create_app(container)) as client:
        user = await container.create_user().execute(CreateUserCommand(f"outage-{next(_users)}@example.test"))
        issued = await container.issue_api_key().execute(IssueApiKeyCommand(user.email))
        token = container.token_issuer().issue(user.id, container.clock().now()).token
        yield Served(
            client,
            container,
            {"Authorization": f"Bearer {issued.secret}"},
            {"Authorization": f"Bearer {token}"},
        )


@pytest.fixture
async def on_postgres(pg_proxy: TcpProxy, postgres_url: str, tmp_path: Path) -> AsyncIterator[Served]:
    async for served in _serve(pg_proxy.url_through(postgres_url), tmp_path):
        yield served


def assert_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) >= 1
    body = response.json()
    assert body["data"] is None
    assert body["meta"]["code"] == "service_unavailable"
    assert "SELECT" not in body["error"]
    assert "INSERT" not in body["error"]


@pytest.mark.postgres
async def test_reads_and_writes_answer_503_with_retry_after_while_postgresql_is_away(
    on_postgres: Served, pg_proxy: TcpProxy
) -> None:
    api = on_postgres
    created = await api.client.post("/api/v3/clients", json={"name": "Acme"}, headers=api.token)
    assert created.status_code == 201, created.text
    client_id = created.json()["data"]["id"]

    pg_proxy.stop()
    assert_unavailable(await api.client.get("/api/v3/clients", headers=api.key))  # authentication reads
    assert_unavailable(await api.client.get(f"/api/v3/clients/{client_id}", headers=api.token))
    assert_unavailable(await api.client.post("/api/v3/clients", json={"name": "B"}, headers=api.token))
    assert_unavailable(await api.client.get("/api/v3/jobs", headers=api.token))
    ready = await api.client.get("/ready")
    assert ready.status_code == 503
    assert int(ready.headers["retry-after"]) >= 1

    pg_proxy.start()
    again = await api.client.get(f"/api/v3/clients/{client_id}", headers=api.key)
    assert again.status_code == 200, again.text
    written = await api.client.post("/api/v3/clients", json={"name": "B"}, headers=api.token)
    assert written.status_code == 201, written.text


@pytest.mark.postgres
async def test_connections_terminated_by_the_server_cost_at_most_one_503_then_reconnect(
    on_postgres: Served, postgres_url: str
) -> None:
    api = on_postgres
    assert (await api.client.get("/api/v3/clients", headers=api.key)).status_code == 200
    database = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() AND application_name = ''",
            (database,),
        )
    first = await api.client.get("/api/v3/clients", headers=api.key)
    if first.status_code != 200:  # the request that found the dead connection
        assert_unavailable(first)
    for _ in range(3):  # the pool was discarded: every later request gets a new connection
        response = await api.client.get("/api/v3/clients", headers=api.key)
        assert response.status_code == 200, response.text


async def test_a_write_to_a_sqlite_database_locked_past_its_busy_timeout_answers_503(
    sqlite_url: str, tmp_path: Path
) -> None:
    async for api in _serve(sqlite_url, tmp_path):
        with sqlite_write_lock(sqlite_url):
            assert_unavailable(await api.client.post("/api/v3/clients", json={"name": "A"}, headers=api.key))
        written = await api.client.post("/api/v3/clients", json={"name": "A"}, headers=api.key)
        assert written.status_code == 201, written.text


async def test_the_openapi_document_lists_503_with_retry_after_where_the_database_is_used(
    sqlite_url: str, tmp_path: Path
) -> None:
    async for api in _serve(sqlite_url, tmp_path):
        document: dict[str, Any] = (await api.client.get("/schema/openapi.json")).json()
    for path, method in [
        ("/api/v3/jobs/{job_id}", "get"),
        ("/api/v3/clients", "post"),
        ("/api/v3/auth/login", "post"),
    ]:
        unavailable = document["paths"][path][method]["responses"]["503"]
        assert unavailable["content"]["application/json"]["schema"]["$ref"].endswith("/Failure")
        assert unavailable["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert "503" not in document["paths"]["/api/v3/health"]["get"]["responses"]
