"""The ``v3`` command: keys printed alone on the last line, and they authenticate."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from entrypoints.cli import main
from entrypoints.container import build_container, close_container
from entrypoints.settings import Settings
from v3core.errors import Unauthorized
from v3core.services.accounts import API_KEY_PREFIX, Principal


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment of a fresh SQLite database for this module."""
    folder = tmp_path_factory.mktemp("cli")
    return {"DATABASE_URL": f"sqlite:///{folder}/db/v3.db", "DATA_DIR": str(folder)}


def v3(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def authenticate(env: dict[str, str], key: str) -> Principal:
    async def work() -> Principal:
        container = build_container(
            Settings(database_url=env["DATABASE_URL"], data_dir=Path(env["DATA_DIR"]))
        )
        try:
            principal: Principal = await container.authenticate().execute(key)
            return principal
        finally:
            await close_container(container)

    return asyncio.run(work())


def test_users_create_prints_a_working_key_alone_on_the_last_line(cli_env: dict[str, str]) -> None:
    output = v3(cli_env, "users", "create", "cli-user@example.test")
    key = output.strip().splitlines()[-1]
    assert key.startswith(API_KEY_PREFIX)
    assert " " not in key
    assert authenticate(cli_env, key).user_id


def test_keys_create_prints_another_key_of_the_same_user(cli_env: dict[str, str]) -> None:
    first = v3(cli_env, "users", "create", "two-keys@example.test").strip().splitlines()[-1]
    second = v3(cli_env, "keys", "create", "two-keys@example.test", "--name", "ci").strip().splitlines()[-1]
    assert first != second
    assert authenticate(cli_env, first).user_id == authenticate(cli_env, second).user_id


def test_keys_revoke_makes_a_key_useless(cli_env: dict[str, str]) -> None:
    output = v3(cli_env, "users", "create", "revoke-me@example.test")
    key_id = output.split("API key id ", 1)[1].split(":", 1)[0]
    key = output.strip().splitlines()[-1]
    v3(cli_env, "keys", "revoke", key_id, "--email", "revoke-me@example.test")
    with pytest.raises(Unauthorized):
        authenticate(cli_env, key)


def test_an_unknown_user_gets_a_clear_error_and_status_1(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["keys", "create", "nobody@example.test"], env=cli_env)
    assert result.exit_code == 1
    assert "not found" in result.output


def test_openapi_writes_a_3_1_schema(tmp_path: Path, cli_env: dict[str, str]) -> None:
    target = tmp_path / "openapi.json"
    v3(cli_env, "openapi", "--output", str(target))
    schema = json.loads(target.read_text())
    assert schema["openapi"].startswith("3.1")
    assert "/api/v3/clients" in schema["paths"]
