"""SIGKILL mid-planning and mid-render: after a restart on the same database the job finishes.

A real ``v3 serve`` subprocess (SQLite file, ``AI_PROVIDER=openai`` on the fake
provider). One kill hits both: a job waiting on a hanging AI call and another one
rendering its video; one restart must finish both. (Two starts: each costs several
seconds on a loaded machine, mostly importing the SDKs.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.ai.fake_provider import OPENAI_PATH, FakeProvider
from tests.integration.jobs.conftest import answer, brief, storyboard
from tests.integration.jobs.server import ServeProcess

pytestmark = pytest.mark.slow

RENDER_STAGES = ("generating_media", "composing", "encoding")
PROCESSING = ("pending", "storyboard_processing", "video_processing")


class Api:
    """A synchronous HTTP client of the running server with the first user's key."""

    def __init__(self, server: ServeProcess, key: str) -> None:
        self.server = server
        self.headers = {"Authorization": f"Bearer {key}"}

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = httpx.request(
            method, f"{self.server.base_url}/api/v3{path}", headers=self.headers, timeout=10, **kwargs
        )
        assert response.status_code < 300, response.text
        body: dict[str, Any] = response.json()
        return body

    def job(self, job_id: str) -> dict[str, Any]:
        return self.call("GET", f"/jobs/{job_id}")["data"]  # type: ignore[no-any-return]

    def wait(self, job_id: str, done: Any, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if done(job):
                return job
            assert time.monotonic() < deadline, f"job stuck: {job['status']} {job['progress']}"
            time.sleep(0.02)


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory, fake_server: FakeProvider) -> Iterator[ServeProcess]:
    root: Path = tmp_path_factory.mktemp("serve")
    process = ServeProcess(
        root,
        {
            "DATABASE_URL": f"sqlite:///{root / 'v3.db'}",
            "DATA_DIR": str(root / "data"),
            "BLOB_STORAGE_PATH": str(root / "data" / "blobs"),
            "AI_PROVIDER": "openai",
            "AI_BASE_URL": f"{fake_server.base_url}/v1",
            "AI_API_KEY": "test",
            "AI_TIMEOUT_SECONDS": "60",
            "AI_MAX_RETRIES": "0",
        },
    )
    yield process
    process.kill()


def test_jobs_killed_mid_planning_and_mid_render_finish_after_a_restart(
    server: ServeProcess, fake: FakeProvider
) -> None:
    key = server.start()
    assert key, "a fresh database prints the first API key:\n" + "\n".join(server.lines)
    api = Api(server, key)
    client = api.call("POST", "/clients", json={"name": "Acme"})["data"]
    rendered = api.call("POST", "/jobs", json=brief(client["id"]))["data"]
    api.wait(rendered["id"], lambda j: j["status"] == "storyboard_ready")
    fake.script(OPENAI_PATH, answer(storyboard(), delay=30))  # from now on the provider hangs
    planned = api.call("POST", "/jobs", json=brief(client["id"]))["data"]
    api.wait(
        planned["id"], lambda j: j["status"] == "storyboard_processing" and j["progress"]["percent"] >= 25
    )
    _until(lambda: len(fake.requests_to(OPENAI_PATH)) == 2)
    approved = api.call("POST", f"/jobs/{rendered['id']}/actions", json={"action": "approve"})["data"]
    assert approved["status"] == "video_processing"
    rendering = api.wait(
        rendered["id"],
        lambda j: j["progress"]["stage"] in RENDER_STAGES or j["status"] not in PROCESSING,
    )
    assert rendering["status"] == "video_processing", "the render finished before the kill: nothing proven"

    server.kill()
    fake.reset()  # the hanging answer goes nowhere; from now on the provider is fast
    fake.script(OPENAI_PATH, answer(storyboard()))
    assert server.start() is None, "a known database prints no new key"

    ready = api.wait(planned["id"], lambda j: j["status"] not in PROCESSING)
    assert ready["status"] == "storyboard_ready", ready["error"]
    assert len(ready["scenes"]) == 4
    assert len(fake.requests_to(OPENAI_PATH)) == 1, "planned again after the restart"
    done = api.wait(rendered["id"], lambda j: j["status"] not in PROCESSING, timeout=60)
    assert done["status"] == "completed", done["error"]
    video = httpx.get(
        f"{server.base_url}/api/v3/jobs/{rendered['id']}/video", headers=api.headers, timeout=10
    )
    assert video.status_code == 200
    assert video.headers["content-type"].startswith("video/mp4")
    videos = api.call("GET", "/assets", params={"type": "video"})["data"]
    assert len(videos) == 1, "the interrupted render left no second video behind"


def _until(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)
