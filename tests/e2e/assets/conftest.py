"""An app for the asset endpoints: private networks allowed (the source server is local),
small caps (2 MiB) and short timeouts, on in-memory storage and on SQLite and PostgreSQL with
blobs in them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.container import build_container
from entrypoints.http import create_app
from tests.e2e.conftest import Api, e2e_settings
from tests.integration.assets.server import SourceServer, running_source_server

BASE = "https://api.example.test"


@pytest.fixture(scope="session")
def source() -> Iterator[SourceServer]:
    with running_source_server() as server:
        yield server


@pytest.fixture(
    scope="session", params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
async def assets_api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Api]:
    url = "memory://" if request.param == "memory" else request.getfixturevalue(f"{request.param}_url")
    settings = e2e_settings(url, tmp_path_factory.mktemp("asset-data")).model_copy(
        update={
            "asset_allow_private_networks": True,
            "max_upload_size_mb": 2,
            "max_asset_download_size_mb": 2,
            "asset_download_timeout_seconds": 1.0,
            "public_base_url": BASE,
        }
    )
    container = build_container(settings)
    async with AsyncTestClient(create_app(container)) as client:
        api = Api(client, container, {}, {})
        api.alice = await api.new_tenant("asset-alice")
        api.bob = await api.new_tenant("asset-bob")
        yield api
