"""Settings from the environment (SPEC §9) and ``v3 db upgrade`` (SPEC §10).

Each test runs in an environment built from an explicit mapping: every variable a setting
could read is removed first, so the developer's own environment never leaks in.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path
from typing import Any

import pydantic
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from litestar.testing import AsyncTestClient

from adapters.sqlalchemy.migrate import upgrade_database
from entrypoints.cli import main
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.e2e.conftest import Api
from tests.scratch_db import scratch_postgres

BRIEF: dict[str, Any] = {
    "adBasics": {
        "product": "Shoe",
        "targetAudience": "Runners",
        "keyMessage": "Fast",
        "callToAction": "Buy Now",
    },
    "creative": {"direction": {"style": "Bright"}, "videoSpecs": {"duration": 10}},
}


def environment(monkeypatch: pytest.MonkeyPatch, **variables: str) -> None:
    """Exactly ``variables`` as far as ``Settings`` can tell (any spelling of a setting removed)."""
    names = set(Settings.model_fields)
    for key in list(os.environ):
        if key.lower() in names:
            monkeypatch.delenv(key)
    for key, value in variables.items():
        monkeypatch.setenv(key, value)


def _sync(url: str) -> sa.Engine:
    parsed = sa.make_url(url)
    if parsed.drivername.startswith("postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return sa.create_engine(parsed)


async def test_scenes_per_video_min_and_max_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    environment(
        monkeypatch,
        DATABASE_URL="memory://",
        DATA_DIR=str(tmp_path),
        JWT_SECRET="j" * 40,
        SCENES_PER_VIDEO_MIN="5",
        SCENES_PER_VIDEO_MAX="5",
    )
    container = build_container()
    async with AsyncTestClient(create_app(container)) as client:
        api = Api(client, container, {}, {})
        headers = await api.new_tenant("scenes-env")
        owner = await api.create_client(headers)
        body = {**BRIEF, "context": {"clientId": owner["id"]}}
        created = await client.post("/api/v3/jobs", json=body, headers={**headers, "Prefer": "wait=30"})
        assert created.status_code == 201, created.text
        assert len(created.json()["data"]["scenes"]) == 5
        job_id = created.json()["data"]["id"]
        replan = {"action": "regenerate_all_scenes", "feedback": "only 3 scenes please"}
        await client.post(f"/api/v3/jobs/{job_id}/actions", json=replan, headers=headers)
        for _ in range(200):
            job = (await client.get(f"/api/v3/jobs/{job_id}", headers=headers)).json()["data"]
            if job["status"] == "storyboard_ready":
                break
            await asyncio.sleep(0.05)
        assert job["status"] == "storyboard_ready"
        assert len(job["scenes"]) == 5, "feedback cannot take a storyboard below SCENES_PER_VIDEO_MIN"


def test_a_minimum_above_the_maximum_is_refused_naming_both(monkeypatch: pytest.MonkeyPatch) -> None:
    environment(monkeypatch, SCENES_PER_VIDEO_MIN="6", SCENES_PER_VIDEO_MAX="4")
    with pytest.raises(pydantic.ValidationError) as refused:
        Settings()
    assert "SCENES_PER_VIDEO_MIN" in str(refused.value)
    assert "SCENES_PER_VIDEO_MAX" in str(refused.value)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database: a fresh SQLite file or the session's PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/v3.db"
        upgrade_database(url)
        return url
    postgres: str = request.getfixturevalue("postgres_url")
    return postgres


async def test_blob_storage_type_postgres_keeps_the_bytes_in_the_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str
) -> None:
    environment(
        monkeypatch,
        DATABASE_URL=database_url,
        DATA_DIR=str(tmp_path / "data"),
        JWT_SECRET="j" * 40,
        BLOB_STORAGE_TYPE="postgres",
        BLOB_STORAGE_PATH=str(tmp_path / "blobs"),
    )
    payload = b"%PDF-1.4\n" + secrets.token_bytes(2000) + b"\n%%EOF\n"
    container = build_container()
    async with AsyncTestClient(create_app(container)) as client:
        headers = await Api(client, container, {}, {}).new_tenant("blobs-env")
        files = {"file": ("brief.pdf", payload, "application/pdf")}
        uploaded = await client.post(
            "/api/v3/assets", files=files, data={"type": "document"}, headers=headers
        )
        assert uploaded.status_code == 201, uploaded.text
        asset = uploaded.json()["data"]
        served = await client.get(f"/api/v3/assets/{asset['id']}/data", headers=headers)
        assert served.content == payload

    engine = _sync(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT count(*) FROM asset_blobs WHERE blob_id = :b"), {"b": asset["blobId"]}
            )
            assert rows.scalar_one() >= 1, "the bytes are stored in the database"
    finally:
        engine.dispose()
    assert not (tmp_path / "blobs").exists(), "nothing went to the filesystem"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A database with no schema at all: a new SQLite path or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/fresh/v3.db"
        return
    request.getfixturevalue("postgres_url")  # skips (or fails under CI) without the server
    with scratch_postgres("v3cli", migrate=False) as url:
        yield url


def test_v3_db_upgrade_creates_the_schema_once_and_keeps_the_data_when_run_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, empty_database_url: str
) -> None:
    environment(monkeypatch, DATABASE_URL=empty_database_url, DATA_DIR=str(tmp_path))
    runner = CliRunner()

    first = runner.invoke(main, ["db", "upgrade"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    made = runner.invoke(main, ["users", "create", "upgrade@example.test"], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    again = runner.invoke(main, ["db", "upgrade"], catch_exceptions=False)
    assert again.exit_code == 0, again.output

    engine = _sync(empty_database_url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
        assert {"users", "clients", "campaigns", "assets", "jobs", "scenes", "alembic_version"} <= tables
        with engine.connect() as connection:
            assert len(connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()) == 1
            users = connection.execute(sa.text("SELECT email FROM users")).scalars().all()
        assert users == ["upgrade@example.test"], "the second upgrade kept the data"
    finally:
        engine.dispose()
