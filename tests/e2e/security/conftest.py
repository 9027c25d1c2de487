"""Alice's resources and the served OpenAPI schema, once per storage backend."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.e2e.security.world import World, build_world


@pytest.fixture(scope="session")
async def world(api: Api) -> World:
    """One of each of alice's resources (client, campaign, asset, job with storyboard, scene)."""
    return await build_world(api)


@pytest.fixture(scope="session")
async def openapi(api: Api) -> dict[str, Any]:
    """The OpenAPI document the app serves."""
    response = await api.client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema
