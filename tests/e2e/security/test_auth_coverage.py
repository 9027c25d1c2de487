"""Every non-public operation of the schema answers 401 in the envelope without valid credentials."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from tests.e2e.conftest import Api
from tests.e2e.security.world import API, PUBLIC_OPERATIONS, World, body_for, json_of, operations
from v3core.services.accounts import IssueApiKeyCommand, RevokeApiKeyCommand


async def _revoked_key_headers(api: Api) -> dict[str, str]:
    email, _ = await api.new_tenant_with_key("revoked")
    issued = await api.container.issue_api_key().execute(IssueApiKeyCommand(email, "soon revoked"))
    await api.container.revoke_api_key().execute(RevokeApiKeyCommand(email, issued.key.id))
    return {"Authorization": f"Bearer {issued.secret}"}


def _forged_jwt() -> str:
    claims = {"sub": "someone", "exp": datetime.now(UTC) + timedelta(minutes=5)}
    return jwt.encode(claims, "not-the-server-secret-" + "y" * 32, algorithm="HS256")


async def _bad_credentials(api: Api) -> dict[str, dict[str, str]]:
    return {
        "none": {},
        "garbage bearer": {"Authorization": "Bearer garbage"},
        "garbage v3 key": {"X-API-Key": "v3_" + "g" * 40},
        "wrong scheme": {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
        "forged jwt": {"Authorization": f"Bearer {_forged_jwt()}"},
        "revoked key": await _revoked_key_headers(api),
    }


def _is_unauthorized_envelope(response: Any) -> bool:
    if response.status_code != 401:
        return False
    if response.request.method == "HEAD":
        return response.headers.get("www-authenticate") == "Bearer"
    body = json_of(response)
    meta = body.get("meta", {})
    return (
        body.get("data") is None
        and isinstance(body.get("error"), str)
        and bool(body["error"])
        and meta.get("code") == "unauthorized"
        and bool(meta.get("requestId"))
        and bool(meta.get("timestamp"))
    )


async def test_every_private_operation_answers_401_in_the_envelope_without_valid_credentials(
    api: Api, openapi: dict[str, Any], world: World
) -> None:
    private = [op for op in operations(openapi) if op.operation_id not in PUBLIC_OPERATIONS]
    assert len(private) >= 25
    before = await world.snapshot(api)
    wrong = []
    for label, headers in (await _bad_credentials(api)).items():
        for op in private:
            response = await api.client.request(
                op.method.upper(), op.url(world.ids), json=body_for(op, world.ids), headers=headers
            )
            if not _is_unauthorized_envelope(response):
                wrong.append(f"{label}: {op.method.upper()} {op.path} -> {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert await world.snapshot(api) == before


async def test_the_public_operations_and_the_docs_answer_without_credentials(
    api: Api, openapi: dict[str, Any]
) -> None:
    public = [op for op in operations(openapi) if op.operation_id in PUBLIC_OPERATIONS]
    assert {op.operation_id for op in public} == PUBLIC_OPERATIONS
    for path in (f"{API}/health", f"{API}/ready", "/health", "/ready", "/docs", "/schema/openapi.json"):
        assert (await api.client.get(path)).status_code == 200, path
    login = await api.client.post(f"{API}/auth/login", json={"email": "x@example.test", "password": "nope"})
    assert login.status_code == 401
    assert login.json()["meta"]["code"] == "unauthorized"


async def test_a_401_asks_for_a_bearer_token(api: Api) -> None:
    response = await api.client.get(f"{API}/clients")
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["x-request-id"] == response.json()["meta"]["requestId"]


async def test_the_schema_marks_exactly_the_public_operations_as_needing_no_credentials(
    openapi: dict[str, Any],
) -> None:
    assert openapi["security"] == [{"BearerAuth": []}, {"ApiKeyHeader": []}]
    open_ops = {
        op["operationId"]
        for item in openapi["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and op.get("security") == []
    }
    assert open_ops == PUBLIC_OPERATIONS
