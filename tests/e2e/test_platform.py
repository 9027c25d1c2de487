"""What every route shares: the envelope on Litestar's own errors, request ids, body limits,
health and readiness, the OpenAPI schema and the offline docs page, and the DI bridge."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from dependency_injector import providers
from litestar.testing import AsyncTestClient

from entrypoints.cli import ensure_first_user
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from entrypoints.storage import Storage, memory_storage
from tests.e2e.conftest import Api, e2e_settings
from v3core.model import Client
from v3core.services.clients import GetClient


async def test_unknown_route_is_a_404_envelope(api: Api) -> None:
    response = await api.client.get("/api/v3/nothing-here", headers=api.alice)
    assert response.status_code == 404
    assert response.json()["meta"]["code"] == "not_found"
    assert response.json()["data"] is None


async def test_wrong_method_is_a_405_envelope(api: Api) -> None:
    response = await api.client.patch("/api/v3/clients", headers=api.alice)
    assert response.status_code == 405
    assert response.json()["meta"]["code"] == "method_not_allowed"


async def test_malformed_json_is_a_400_envelope(api: Api) -> None:
    headers = {**api.alice, "Content-Type": "application/json"}
    response = await api.client.post("/api/v3/clients", content=b"{nope", headers=headers)
    assert response.status_code == 400
    assert response.json()["meta"]["code"] == "bad_request"


async def test_echoes_an_incoming_request_id(api: Api) -> None:
    response = await api.client.get("/health", headers={"X-Request-ID": "trace-123"})
    assert response.headers["x-request-id"] == "trace-123"
    assert response.json()["meta"]["requestId"] == "trace-123"


async def test_makes_a_request_id_when_none_is_sent(api: Api) -> None:
    response = await api.client.get("/api/v3/clients", headers=api.alice)
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])
    assert response.json()["meta"]["requestId"] == response.headers["x-request-id"]


async def test_health_and_ready_answer_without_credentials_at_root_and_under_the_api(api: Api) -> None:
    for path in ("/health", "/ready", "/api/v3/health", "/api/v3/ready"):
        response = await api.client.get(path)
        assert response.status_code == 200, path
        assert response.json()["data"] == {"status": "ok"}


async def test_openapi_schema_is_3_1_with_an_operation_id_on_every_route(api: Api) -> None:
    response = await api.client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    operations = [op for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert operations
    assert all(op.get("operationId") for op in operations)
    assert "BearerAuth" in schema["components"]["securitySchemes"]


async def test_docs_page_loads_only_local_assets(api: Api) -> None:
    response = await api.client.get("/docs")
    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert sources
    assert all(s.startswith("/") and "cdn" not in s for s in sources)
    for source in sources:
        asset = await api.client.get(source)
        assert asset.status_code == 200, source
        assert len(asset.content) > 100


async def test_a_body_over_the_limit_is_a_413_envelope(tmp_path: Path) -> None:
    settings = e2e_settings("memory://", tmp_path).model_copy(update={"max_upload_size_mb": 1})
    container = build_container(settings)
    secret = await _first_key(container)
    async with AsyncTestClient(create_app(container)) as client:
        body = b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'"}'
        headers = {"X-API-Key": secret, "Content-Type": "application/json"}
        response = await client.post("/api/v3/clients", content=body, headers=headers)
    assert response.status_code == 413
    assert response.json()["meta"]["code"] == "payload_too_large"


async def test_ready_is_a_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    async def unreachable() -> None:
        raise ConnectionError("down")

    container = build_container(e2e_settings("memory://", tmp_path))
    broken = Storage(memory_storage().uow_factory, check=unreachable)
    container.storage.override(providers.Object(broken))
    async with AsyncTestClient(create_app(container)) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json()["meta"]["code"] == "service_unavailable"


async def test_handlers_get_use_cases_from_the_container_and_its_overrides(tmp_path: Path) -> None:
    """The DI bridge: overriding a provider changes what the handler runs.

    Litestar checks a dependency's type, so a stand-in subclasses the use case."""

    class StubGetClient(GetClient):
        async def execute(self, owner_id: str, client_id: str) -> Client:
            now = datetime(2026, 1, 1, tzinfo=UTC)
            return Client(client_id, owner_id, "from the stub", now, now)

    container = build_container(e2e_settings("memory://", tmp_path))
    container.get_client.override(providers.Object(StubGetClient(memory_storage().uow_factory)))
    secret = await _first_key(container)
    async with AsyncTestClient(create_app(container)) as client:
        response = await client.get("/api/v3/clients/abc", headers={"X-API-Key": secret})
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "from the stub"


async def test_an_unexpected_error_is_a_500_envelope_without_details(tmp_path: Path) -> None:
    class BrokenGetClient(GetClient):
        async def execute(self, owner_id: str, client_id: str) -> Client:
            raise LookupError(f"secret internals of {client_id}")

    container = build_container(e2e_settings("memory://", tmp_path))
    container.get_client.override(providers.Object(BrokenGetClient(memory_storage().uow_factory)))
    secret = await _first_key(container)
    async with AsyncTestClient(create_app(container)) as client:
        response = await client.get("/api/v3/clients/abc", headers={"X-API-Key": secret})
    assert response.status_code == 500
    payload = response.json()
    assert payload["data"] is None
    assert payload["error"] == "internal server error"
    assert payload["meta"]["code"] == "internal_error"
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


async def _first_key(container: Container) -> str:
    secret = await ensure_first_user(container)
    assert secret is not None
    return secret
