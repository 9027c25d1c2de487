"""A user's own API keys over HTTP: created with the secret shown once, listed without it, revoked."""

from __future__ import annotations

from tests.e2e.conftest import Api

KEYS = "/api/v3/auth/keys"


async def test_a_new_key_is_shown_once_authenticates_and_is_listed_without_its_secret(api: Api) -> None:
    me = await api.new_tenant("keys")
    created = await api.client.post(KEYS, json={"name": "ci"}, headers=me)
    assert created.status_code == 201, created.text
    issued = created.json()["data"]
    assert issued["secret"].startswith("v3_")
    assert issued["key"]["name"] == "ci"
    assert issued["secret"].startswith(issued["key"]["prefix"])
    with_new_key = await api.client.get(KEYS, headers={"X-API-Key": issued["secret"]})
    assert with_new_key.status_code == 200
    listed = with_new_key.json()["data"]
    assert issued["key"]["id"] in [k["id"] for k in listed]
    assert issued["secret"] not in with_new_key.text


async def test_a_key_can_be_created_without_a_body(api: Api) -> None:
    me = await api.new_tenant("keys")
    created = await api.client.post(KEYS, headers=me)
    assert created.status_code == 201, created.text
    assert created.json()["data"]["key"]["name"] is None


async def test_a_revoked_key_is_refused_from_then_on(api: Api) -> None:
    me = await api.new_tenant("keys")
    issued = (await api.client.post(KEYS, json={}, headers=me)).json()["data"]
    revoked = await api.client.delete(f"{KEYS}/{issued['key']['id']}", headers=me)
    assert revoked.status_code == 200
    assert revoked.json()["data"]["revokedAt"] is not None
    refused = await api.client.get(KEYS, headers={"Authorization": f"Bearer {issued['secret']}"})
    assert refused.status_code == 401
    assert "revoked" in refused.json()["error"]


async def test_another_users_key_cannot_be_revoked(api: Api) -> None:
    mine = await api.new_tenant("keys")
    theirs = await api.new_tenant("keys")
    issued = (await api.client.post(KEYS, json={}, headers=mine)).json()["data"]
    attempt = await api.client.delete(f"{KEYS}/{issued['key']['id']}", headers=theirs)
    assert attempt.status_code == 404
    still = await api.client.get(KEYS, headers={"X-API-Key": issued["secret"]})
    assert still.status_code == 200
