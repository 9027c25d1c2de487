"""The cued app (``staging``) for the job tests that need a job held in a status."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.jobs.staging import Staged, staged_app


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def staged(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Staged]:
    """The cued app on SQLite and on PostgreSQL (the production path), each with its own tenant.

    The in-memory store is left out here to keep the suite fast; ``api`` covers it elsewhere."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    async for app in staged_app(url, tmp_path_factory.mktemp("staged")):
        yield app
