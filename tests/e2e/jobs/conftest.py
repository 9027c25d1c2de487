"""The cued app (``staging``) for the job tests that need a job held in a status."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.jobs.staging import Staged, staged_app


@pytest.fixture(scope="module")
async def staged(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Staged]:
    """The cued app on ``backend_url`` (memory, SQLite, PostgreSQL) with its own tenant."""
    async for app in staged_app(backend_url, tmp_path_factory.mktemp("staged")):
        yield app
