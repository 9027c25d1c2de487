"""Authentication over HTTP: API keys (Bearer and X-API-Key), revoked keys, JWT login."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Api
from v3core.services.accounts import CreateUserCommand, RevokeApiKeyCommand


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer v3_not-a-real-key"},
        {"Authorization": "Bearer not.a.jwt"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"X-API-Key": "v3_wrong"},
    ],
)
async def test_refuses_missing_or_bad_credentials_with_a_401_envelope(
    api: Api, headers: dict[str, str]
) -> None:
    response = await api.client.get("/api/v3/clients", headers=headers)
    assert response.status_code == 401
    payload = response.json()
    assert payload["data"] is None
    assert payload["meta"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_accepts_the_key_in_the_x_api_key_header(api: Api) -> None:
    key = api.alice["Authorization"].removeprefix("Bearer ")
    response = await api.client.get("/api/v3/clients", headers={"X-API-Key": key})
    assert response.status_code == 200


async def test_a_revoked_key_is_refused(api: Api) -> None:
    email, headers = await api.new_tenant_with_key("revoked")
    assert (await api.client.get("/api/v3/clients", headers=headers)).status_code == 200
    keys_of = await _keys_of(api, email)
    await api.container.revoke_api_key().execute(RevokeApiKeyCommand(email, keys_of[0]))
    response = await api.client.get("/api/v3/clients", headers=headers)
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]


async def _keys_of(api: Api, email: str) -> list[str]:
    async with api.container.uow_factory()() as uow:
        user = await uow.users.get_by_email(email)
        assert user is not None
        return [k.id for k in await uow.api_keys.list_for_user(user.id)]


async def test_login_returns_a_jwt_that_authenticates(api: Api) -> None:
    await api.container.create_user().execute(CreateUserCommand("jwt-user@example.test", "correct horse"))
    body = {"email": "jwt-user@example.test", "password": "correct horse"}
    response = await api.client.post("/api/v3/auth/login", json=body)
    assert response.status_code == 200
    token = response.json()["data"]["accessToken"]
    assert response.json()["data"]["tokenType"] == "Bearer"
    listing = await api.client.get("/api/v3/clients", headers={"Authorization": f"Bearer {token}"})
    assert listing.status_code == 200
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    refused = await api.client.get("/api/v3/clients", headers={"Authorization": f"Bearer {tampered}"})
    assert refused.status_code == 401


async def test_login_with_a_wrong_password_or_unknown_user_is_a_401(api: Api) -> None:
    await api.container.create_user().execute(CreateUserCommand("pw-user@example.test", "correct horse"))
    for body in (
        {"email": "pw-user@example.test", "password": "wrong horse"},
        {"username": "nobody@example.test", "password": "whatever1"},
    ):
        response = await api.client.post("/api/v3/auth/login", json=body)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid email or password"


async def test_login_without_email_is_a_422_naming_email(api: Api) -> None:
    response = await api.client.post("/api/v3/auth/login", json={"password": "x"})
    assert response.status_code == 422
    assert response.json()["meta"]["details"][0]["loc"] == ["email"]
