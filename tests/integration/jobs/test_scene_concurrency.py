"""Many writers on one scene: every write lands with a new version or gets 409; none is lost.

Over HTTP (a real uvicorn server in a thread, SQLite, ``If-Match``) and through the
``EditScene`` use case with expected versions on SQLite and PostgreSQL, where the
transactions really overlap.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
import uvicorn

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from entrypoints.storage import open_storage
from tests.contract.builders import a_client, a_job, a_scene, a_user
from tests.integration.jobs.conftest import brief, fresh_sqlite
from tests.integration.jobs.server import free_port
from v3core.errors import StaleVersion
from v3core.model import JobStatus
from v3core.services.accounts import CreateUserCommand, IssueApiKeyCommand
from v3core.services.jobs import EditScene, EditSceneCommand, ListScenes
from v3core.testing.fakes import SteppingClock

WRITERS = 16
ROUNDS = 3


@attrs.define
class Outcome:
    """What the writers saw: new versions of the writes that landed, and the refusals."""

    landed: list[tuple[int, str]] = attrs.field(factory=list)
    statuses: Counter[int] = attrs.field(factory=Counter)

    def check(self, final_version: int, final_script: str) -> None:
        versions = sorted(v for v, _ in self.landed)
        assert set(self.statuses) <= {200, 409}, self.statuses
        assert self.statuses[200] == len(self.landed) >= 1
        assert self.statuses[409] >= 1, "writers that read the same version must collide"
        assert versions == list(range(2, len(versions) + 2)), "each landed write made the next version"
        assert final_version == len(self.landed) + 1, "no write was lost"
        assert final_script == max(self.landed)[1], "the scene holds the last landed write"


@pytest.fixture
def live_app(migrated_sqlite: Path, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """The app (template planner, SQLite) served by uvicorn on a free port in a thread; a tenant's headers."""
    settings = Settings(
        database_url=fresh_sqlite(migrated_sqlite, tmp_path), data_dir=tmp_path / "data", jwt_secret="s" * 40
    )
    container = build_container(settings)

    async def tenant() -> str:
        await container.create_user().execute(CreateUserCommand("writer@example.test"))
        return (await container.issue_api_key().execute(IssueApiKeyCommand("writer@example.test"))).secret

    key = asyncio.run(tenant())
    server = uvicorn.Server(uvicorn.Config(create_app(container), port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{server.config.port}/api/v3", {"Authorization": f"Bearer {key}"}
    server.should_exit = True
    thread.join(10)


async def test_concurrent_if_match_edits_over_http_land_or_get_409(
    live_app: tuple[str, dict[str, str]],
) -> None:
    base, headers = live_app
    limits = httpx.Limits(max_connections=WRITERS)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as http:
        client = (await http.post("/clients", json={"name": "Acme"})).json()["data"]
        created = await http.post("/jobs", json=brief(client["id"]), headers={"Prefer": "wait=20"})
        job = created.json()["data"]
        assert job["status"] == "storyboard_ready", job
        scene_url = f"/jobs/{job['id']}/scenes/1"
        outcome = Outcome()

        async def writer(n: int) -> None:
            for round_ in range(ROUNDS):
                current = await http.get(scene_url)
                script = f"writer {n} round {round_}"
                response = await http.put(
                    scene_url, json={"script": script}, headers={"If-Match": current.headers["etag"]}
                )
                outcome.statuses[response.status_code] += 1
                if response.status_code == 200:
                    outcome.landed.append((response.json()["data"]["version"], script))

        await asyncio.gather(*(writer(n) for n in range(WRITERS)))
        final = (await http.get(scene_url)).json()["data"]

    outcome.check(final["version"], final["script"])


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def scene_store(
    request: pytest.FixtureRequest, migrated_sqlite: Path, tmp_path: Path
) -> AsyncIterator[tuple[Any, str, str]]:
    """(uow factory, owner id, job id) of a storyboard_ready job with one scene, on each backend."""
    if request.param == "sqlite":
        url = fresh_sqlite(migrated_sqlite, tmp_path)
    else:
        url = request.getfixturevalue("postgres_url")
    storage = open_storage(url)
    user = a_user()
    client = a_client(user.id)
    job = a_job(user.id, client.id, status=JobStatus.STORYBOARD_READY)
    async with storage.uow_factory() as uow:
        await uow.users.add(user)
        await uow.clients.add(client)
        await uow.jobs.add(job)
        await uow.scenes.replace_all(job.id, [a_scene(job.id, 1, duration=30.0)])
        await uow.commit()
    yield storage.uow_factory, user.id, job.id
    await storage.close()


async def test_concurrent_edits_with_expected_versions_never_lose_a_write(
    scene_store: tuple[Any, str, str],
) -> None:
    uow, owner, job_id = scene_store
    edit, scenes = EditScene(uow, SteppingClock()), ListScenes(uow)
    outcome = Outcome()
    everyone_read = asyncio.Barrier(WRITERS)  # SQLite runs inline: without it nothing would overlap

    async def writer(n: int) -> None:
        for round_ in range(ROUNDS):
            seen = await scenes.one(owner, job_id, "1")
            await everyone_read.wait()
            script = f"writer {n} round {round_}"
            try:
                landed = await edit.execute(
                    EditSceneCommand(owner, job_id, "1", {"script": script}, expected_version=seen.version)
                )
            except StaleVersion:
                outcome.statuses[409] += 1
                continue
            outcome.statuses[200] += 1
            outcome.landed.append((landed.version, script))

    await asyncio.gather(*(writer(n) for n in range(WRITERS)))
    final = await scenes.one(owner, job_id, "1")

    outcome.check(final.version, final.script)
