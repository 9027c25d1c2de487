"""Secrets: an API key or password never shows in a response or a log line, and is stored hashed."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import attrs
import pytest

from tests.e2e.conftest import Api
from tests.e2e.security.world import API, World
from v3core.services.accounts import (
    CreateUserCommand,
    IssueApiKeyCommand,
    RevokeApiKeyCommand,
    hash_api_key,
)

CLIENT_SIDE_LOGGERS = ("httpx", "httpcore")
"""The test client's own request logging (it prints the URL it was asked to fetch)."""


async def _key_owner(api: Api) -> tuple[str, str, str]:
    """A fresh user with one key; returns (email, key id, secret)."""
    email, _ = await api.new_tenant_with_key("secret-keeper")
    issued = await api.container.issue_api_key().execute(IssueApiKeyCommand(email, "laptop"))
    return email, issued.key.id, issued.secret


async def _failing_requests(api: Api, world: World, secret: str) -> list[Any]:
    bearer = {"Authorization": f"Bearer {secret}"}
    ids = world.ids
    return [
        await api.client.get(f"{API}/clients/{ids['client_id']}", headers=bearer),
        await api.client.put(f"{API}/jobs/{ids['job_id']}/scenes/1", json={"duration": -1}, headers=bearer),
        await api.client.post(f"{API}/clients", json={"name": ""}, headers=bearer),
        await api.client.post(f"{API}/clients", content=b"{nope", headers=bearer),
        await api.client.get(f"{API}/clients?limit=0&api_key={secret}", headers=bearer),
        await api.client.get(f"{API}/clients", headers={"Authorization": f"Bearer {secret}x"}),
        await api.client.get(f"{API}/clients", headers={"X-API-Key": secret[:-1]}),
        await api.client.get(f"{API}/clients", headers={"Authorization": f"Token {secret}"}),
        await api.client.post(f"{API}/auth/login", json={"email": "who@example.test", "password": secret}),
    ]


def _leaks(responses: list[Any], secret: str) -> list[str]:
    found = []
    for response in responses:
        headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
        if secret[6:] in response.text or secret[6:] in headers:
            found.append(f"{response.request.method} {response.request.url.path} -> {response.status_code}")
    return found


def _log_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    lines = []
    for record in caplog.records:
        if record.name.startswith(CLIENT_SIDE_LOGGERS):
            continue
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        lines.append(f"{record.name}: {text}")
    return lines


async def test_an_api_key_never_appears_in_a_response_or_a_log_line(
    api: Api, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    email, key_id, secret = await _key_owner(api)
    responses = await _failing_requests(api, world, secret)
    await api.container.revoke_api_key().execute(RevokeApiKeyCommand(email, key_id))
    responses += await _failing_requests(api, world, secret)
    assert all(r.status_code >= 400 for r in responses)
    assert not _leaks(responses, secret)
    assert not [line for line in _log_lines(caplog) if secret[6:] in line]


async def test_a_wrong_password_is_not_echoed(api: Api) -> None:
    password = "correct-horse-battery-staple"
    await api.container.create_user().execute(CreateUserCommand("pw-echo@example.test", password))
    attempt = "my-wrong-password-" + "z" * 8
    response = await api.client.post(
        f"{API}/auth/login", json={"email": "pw-echo@example.test", "password": attempt}
    )
    assert response.status_code == 401
    assert attempt not in response.text
    assert password not in response.text


def _database_bytes(api: Api) -> bytes | None:
    url = api.container.settings().database_url
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    assert path.exists(), path
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


async def test_api_keys_and_passwords_are_stored_only_as_hashes(api: Api) -> None:
    password = "a-long-enough-password-" + "q" * 10
    user = await api.container.create_user().execute(CreateUserCommand("hashed@example.test", password))
    issued = await api.container.issue_api_key().execute(IssueApiKeyCommand("hashed@example.test"))
    async with api.container.uow_factory()() as uow:
        keys = await uow.api_keys.list_for_user(user.id)
        stored_user = await uow.users.get_by_email("hashed@example.test")
    stored = repr([attrs.asdict(k) for k in keys]) + repr(attrs.asdict(stored_user))
    assert keys[0].key_hash == hash_api_key(issued.secret)
    assert issued.secret not in stored
    assert password not in stored
    raw = _database_bytes(api)
    if raw is not None:  # the SQLite file itself, write-ahead log included
        assert hash_api_key(issued.secret).encode() in raw
        assert issued.secret.encode() not in raw
        assert password.encode() not in raw
