"""The project's blob stores (memory, filesystem, database on SQLite and PostgreSQL, S3 on a
local moto server) through the contract adapter authors use (``BlobStoreContract``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.blobs.database import DatabaseBlobStore
from adapters.blobs.filesystem import FilesystemBlobStore
from adapters.blobs.memory import InMemoryBlobStore
from adapters.sqlalchemy import make_engine
from tests.integration.assets.s3_server import s3_blob_store_fixture, s3_server_fixture  # noqa: F401
from v3core.ports.blobs import BlobStore
from v3core.testing.contracts import BlobStoreContract

KINDS = ["memory", "filesystem", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "s3"]


class TestBlobStores(BlobStoreContract):
    @pytest.fixture(params=KINDS)
    async def blob_store(self, request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BlobStore]:
        kind = request.param
        if kind == "memory":
            yield InMemoryBlobStore()
        elif kind == "filesystem":
            yield FilesystemBlobStore(str(tmp_path / "blobs"))
        elif kind == "s3":
            yield request.getfixturevalue("s3_blob_store")
        else:
            engine = make_engine(request.getfixturevalue(f"{kind}_url"))
            yield DatabaseBlobStore(engine)
            await engine.dispose()
