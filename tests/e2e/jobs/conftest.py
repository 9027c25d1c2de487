"""The cued app (``staging``) for the job tests that need a job held in a status."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.e2e.jobs.staging import Staged, staged_app
from tests.scratch_db import scratch_postgres


@pytest.fixture(scope="session")
def staged_sqlite_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database for the staged apps alone (a copy of the empty migrated template)."""
    own = tmp_path_factory.mktemp("staged-db") / "staged.db"
    shutil.copyfile(sqlite_template, own)
    return f"sqlite:///{own}"


@pytest.fixture(scope="session")
def staged_postgres_url(postgres_url: str) -> Iterator[str]:
    """A PostgreSQL database for the staged apps alone (``postgres_url`` first: it skips, or
    fails under CI, without the server)."""
    with scratch_postgres("v3staged") as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def staged(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Staged]:
    """The cued app on SQLite and on PostgreSQL (the production path), each with its own tenant.

    The in-memory store is left out here to keep the suite fast; ``api`` covers it elsewhere.
    The staged apps have databases of their own: on the session's shared one, another app's
    in-process runner (the session ``api``'s minute scan) could take a staged job and render it
    with the real renderer instead of the cued one (seen once in a full run). One app at a
    time uses them, and each cancels its unfinished jobs when its module ends."""
    url: str = request.getfixturevalue(f"staged_{request.param}_url")
    async for app in staged_app(url, tmp_path_factory.mktemp("staged")):
        yield app
