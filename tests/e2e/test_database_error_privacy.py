"""A database error never shows SQL parameters: neither the log lines (trace included) nor the
response carry the brief (or the idempotency key) that was being written.

The database refuses every new job with a trigger (a real error from the server, not one
faked in Python), on a fresh database of each backend.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from litestar.testing import AsyncTestClient

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from tests.e2e.conftest import e2e_settings
from tests.scratch_db import scratch_postgres
from v3core.services.accounts import CreateUserCommand, IssueApiKeyCommand

MARKER = "brief-contents-7c1e"

PG_TRIGGER = """
CREATE FUNCTION refuse_jobs() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'jobs are refused today'; END $$ LANGUAGE plpgsql;
CREATE TRIGGER refuse_jobs BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION refuse_jobs();
"""
SQLITE_TRIGGER = (
    "CREATE TRIGGER refuse_jobs BEFORE INSERT ON jobs "
    "BEGIN SELECT RAISE(ABORT, 'jobs are refused today'); END"
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def refusing_database(request: pytest.FixtureRequest, sqlite_url: str, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "refusing.db"
        shutil.copyfile(sqlite_url.split(":///", 1)[1], path)
        with sqlite_connection(path) as connection:
            connection.execute(SQLITE_TRIGGER)
        yield f"sqlite:///{path}"
        return
    request.getfixturevalue("postgres_url")  # skips (or fails under CI) without PostgreSQL
    with scratch_postgres("v3refuse") as url:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(PG_TRIGGER)
        yield url


def sqlite_connection(path: Path) -> contextlib.closing[sqlite3.Connection]:
    return contextlib.closing(sqlite3.connect(path, isolation_level=None))


class Recording(logging.Handler):
    """Every record, formatted with its trace."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


async def test_a_database_error_logs_and_answers_without_the_brief(
    refusing_database: str, tmp_path: Path
) -> None:
    container = build_container(e2e_settings(refusing_database, tmp_path))
    async with AsyncTestClient(create_app(container)) as client:
        user = await container.create_user().execute(CreateUserCommand("privacy@example.test"))
        issued = await container.issue_api_key().execute(IssueApiKeyCommand(user.email))
        headers = {"Authorization": f"Bearer {issued.secret}"}
        created = await client.post("/api/v3/clients", json={"name": "Acme"}, headers=headers)
        body = {
            "context": {"clientId": created.json()["data"]["id"]},
            "adBasics": {
                "product": "Smart Watch",
                "targetAudience": "Tech enthusiasts",
                "keyMessage": MARKER,
                "callToAction": "Buy Now",
            },
            "creative": {"direction": {"style": "Modern"}},
        }
        records = Recording()
        root = logging.getLogger()
        root.addHandler(records)  # after the app configured logging (it replaces the root's handlers)
        try:
            response = await client.post(
                "/api/v3/jobs", json=body, headers={**headers, "Idempotency-Key": MARKER}
            )
        finally:
            root.removeHandler(records)

    assert response.status_code in (409, 500), response.text
    logged = "\n".join(records.lines)
    assert "jobs are refused today" in logged or response.status_code == 409, "the error was logged"
    assert MARKER not in response.text
    assert MARKER not in logged
    assert "[parameters:" not in logged
