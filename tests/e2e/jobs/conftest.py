"""The cued app (``staging``) for the job tests that need a job held in a status."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator

import pytest

from tests.e2e.jobs.staging import Staged, staged_app
from tests.scratch_db import scratch_postgres


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def staged(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Staged]:
    """The cued app on SQLite and on PostgreSQL (the production path), each with its own tenant.

    The in-memory store is left out here to keep the suite fast; ``api`` covers it elsewhere.
    Each has a database of its own: on the session's shared one, another app's in-process runner
    (the session ``api``'s minute scan) could take this app's jobs and render them with the real
    renderer instead of the cued one (seen once in a full run)."""
    data_dir = tmp_path_factory.mktemp("staged")
    if request.param == "sqlite":
        own = data_dir / "staged.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), own)
        async for app in staged_app(f"sqlite:///{own}", data_dir):
            yield app
        return
    request.getfixturevalue("postgres_url")  # skips (or fails under CI) without PostgreSQL
    with scratch_postgres("v3staged") as url:
        async for app in staged_app(url, data_dir):
            yield app
