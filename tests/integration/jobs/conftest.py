"""The job pipeline over real SQLite with the OpenAI SDK talking to the fake provider.

``pipeline`` is the app (container + Litestar test client) wired with
``AI_PROVIDER=openai`` against ``tests.integration.ai.fake_provider`` on 127.0.0.1, a
short AI timeout and one SDK retry, so every fault costs seconds, not minutes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.sqlalchemy.migrate import upgrade_database
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.integration.ai.fake_provider import OPENAI_PATH, FakeProvider, Reply, openai_completion
from tests.sealed import SealedSettings
from v3core.services.accounts import CreateUserCommand, IssueApiKeyCommand

PROCESSING = ("pending", "storyboard_processing", "video_processing")
AI_TIMEOUT_SECONDS = 1.0
AI_RETRIES = 1


def storyboard(*asset_ids: str, scenes: int = 4, duration: float = 30.0) -> dict[str, Any]:
    """A valid storyboard reply: ``scenes`` scenes sharing ``duration``, each naming ``asset_ids``."""
    return {
        "scenes": [
            {
                "duration": duration / scenes,
                "description": f"Scene {n}: the watch on a wrist",
                "script": f"Line {n}",
                "shotType": "close-up" if n % 2 else "wide",
                "transition": "cut",
                "assets": list(asset_ids),
            }
            for n in range(1, scenes + 1)
        ]
    }


def answer(value: Any, delay: float = 0.0) -> Reply:
    """A chat completion whose content is ``value`` as JSON (or the text itself)."""
    reply = openai_completion(value if isinstance(value, str) else json.dumps(value))
    return dataclasses.replace(reply, delay=delay)


def brief(client_id: str, **creative: Any) -> dict[str, Any]:
    """The seed's minimal job body for ``client_id``."""
    return {
        "context": {"clientId": client_id},
        "adBasics": {
            "product": "Smart Watch",
            "targetAudience": "Tech enthusiasts",
            "keyMessage": "Stay connected",
            "callToAction": "Buy Now",
        },
        "creative": {"direction": {"style": "Modern and sleek"}, **creative},
    }


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeProvider]:
    """One fake OpenAI/Anthropic server for the package."""
    server = FakeProvider().start()
    yield server
    server.stop()


@pytest.fixture
def fake(fake_server: FakeProvider) -> Iterator[FakeProvider]:
    """The fake, emptied before and after each test (a hanging reply is released)."""
    fake_server.reset()
    fake_server.script(OPENAI_PATH, answer(storyboard()))
    yield fake_server
    fake_server.reset()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once and never opened afterwards: copy it for a fresh database."""
    path = tmp_path_factory.mktemp("jobs-template") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    return path


def fresh_sqlite(template: Path, directory: Path) -> str:
    """A URL of a new migrated, empty SQLite file in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "v3.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@attrs.define
class Pipeline:
    """The app on SQLite with the openai planner, and a tenant with one client."""

    client: AsyncTestClient[Litestar]
    container: Container
    headers: dict[str, str]
    client_id: str

    async def create(self, body: dict[str, Any] | None = None, **headers: str) -> dict[str, Any]:
        """POSTs a job (202) and returns its data."""
        response = await self.client.post(
            "/api/v3/jobs", json=body or brief(self.client_id), headers={**self.headers, **headers}
        )
        assert response.status_code in (201, 202), response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    async def job(self, job_id: str) -> dict[str, Any]:
        """GET /jobs/{id}."""
        response = await self.client.get(f"/api/v3/jobs/{job_id}", headers=self.headers)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    async def act(self, job_id: str, action: str, **fields: Any) -> dict[str, Any]:
        """POST /jobs/{id}/actions; returns the whole envelope and the status code."""
        response = await self.client.post(
            f"/api/v3/jobs/{job_id}/actions", json={"action": action, **fields}, headers=self.headers
        )
        return {"status": response.status_code, **response.json()}

    async def wait(self, job_id: str, *statuses: str, seconds: float = 15.0) -> dict[str, Any]:
        """The job once its status is one of ``statuses``."""
        deadline = time.monotonic() + seconds
        while True:
            job = await self.job(job_id)
            if job["status"] in statuses:
                return job
            if time.monotonic() > deadline:
                raise AssertionError(f"job {job_id} stayed {job['status']} (wanted {statuses})")
            await asyncio.sleep(0.05)

    async def join(self) -> None:
        """Wait for every background task; they run on the test client's portal loop (its own thread)."""
        runner = self.container.task_runner()
        self.client.blocking_portal.call(lambda: asyncio.wait_for(runner.join(), 15))

    async def assert_nothing_processing(self) -> None:
        """No job of the tenant is left pending or processing once its work is over."""
        await self.join()
        response = await self.client.get("/api/v3/jobs", headers=self.headers)
        stuck = [(j["id"], j["status"]) for j in response.json()["data"] if j["status"] in PROCESSING]
        assert not stuck, f"jobs left processing: {stuck}"


def pipeline_settings(database_url: str, data_dir: Path, base_url: str) -> Settings:
    """``AI_PROVIDER=openai`` against the fake, with a short timeout and one SDK retry."""
    return SealedSettings(
        database_url=database_url,
        data_dir=data_dir,
        jwt_secret="test-secret-" + "x" * 32,
        ai_provider="openai",
        ai_api_key="sk-test-pipeline",
        ai_base_url=f"{base_url}/v1",
        ai_timeout_seconds=AI_TIMEOUT_SECONDS,
        ai_max_retries=AI_RETRIES,
    )


@pytest.fixture(scope="module")
async def pipeline_app(
    migrated_sqlite: Path, fake_server: FakeProvider, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[AsyncTestClient[Litestar], Container]]:
    """The app for a module: its own SQLite file, the openai planner on the fake."""
    root = tmp_path_factory.mktemp("pipeline")
    settings = pipeline_settings(fresh_sqlite(migrated_sqlite, root), root / "data", fake_server.base_url)
    container = build_container(settings)
    async with AsyncTestClient(create_app(container)) as client:
        yield client, container


_tenants = iter(range(1, 1_000_000))


@pytest.fixture
async def pipeline(
    pipeline_app: tuple[AsyncTestClient[Litestar], Container], fake: FakeProvider
) -> AsyncIterator[Pipeline]:
    """A fresh tenant with a client on the module's app; checks nothing is left processing."""
    client, container = pipeline_app
    email = f"pipeline-{next(_tenants)}@example.test"
    await container.create_user().execute(CreateUserCommand(email))
    issued = await container.issue_api_key().execute(IssueApiKeyCommand(email))
    headers = {"Authorization": f"Bearer {issued.secret}"}
    response = await client.post("/api/v3/clients", json={"name": "Acme"}, headers=headers)
    assert response.status_code == 201, response.text
    pipe = Pipeline(client, container, headers, response.json()["data"]["id"])
    yield pipe
    fake.reset()  # release a reply still hanging, so the last task ends
    await pipe.assert_nothing_processing()
