"""Job events across processes on PostgreSQL (SPEC §11): two ``v3 serve`` processes and a
``v3 worker`` share one database; a listener on the first sees every event of a job the worker
plans and renders and that is approved through the second, woken by LISTEN/NOTIFY."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.jobs.server import V3, ServeProcess

pytestmark = pytest.mark.postgres


def _env(database_url: str, root: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "DATA_DIR": str(root / "data"),
        "TASK_RUNNER": "procrastinate",
        "JWT_SECRET": "test-secret-" + "x" * 32,
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def cluster(own_database: str, tmp_path: Path) -> Iterator[tuple[ServeProcess, ServeProcess, str]]:
    """Serving processes A and B, a worker, and an API key of a fresh user."""
    env = _env(own_database, tmp_path)
    a, b = ServeProcess(tmp_path, env), ServeProcess(tmp_path, env)
    worker = subprocess.Popen(
        [str(V3), "worker"],
        cwd=tmp_path,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        a.start(timeout=60)
        b.start(timeout=60)
        created = subprocess.run(
            [str(V3), "users", "create", f"two-{os.getpid()}@example.test"],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        yield a, b, created.stdout.strip().splitlines()[-1]
    finally:
        worker.terminate()
        worker.wait(30)
        a.kill()
        b.kill()


def _sse(text: str) -> list[tuple[int, str, dict[str, Any]]]:
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":"))
        if "data" in fields:
            events.append((int(fields["id"]), fields["event"], json.loads(fields["data"])))
    return events


def test_a_listener_on_one_process_sees_every_event_of_a_job_worked_and_approved_elsewhere(
    cluster: tuple[ServeProcess, ServeProcess, str],
) -> None:
    a, b, key = cluster
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=f"{b.base_url}/api/v3", headers=headers, timeout=30) as api:
        client = api.post("/clients", json={"name": "Acme"}).json()["data"]
        brief = {
            "context": {"clientId": client["id"]},
            "adBasics": {
                "product": "Shoe",
                "targetAudience": "Runners",
                "keyMessage": "Fast",
                "callToAction": "Buy",
            },
            "creative": {"direction": {"style": "Bright"}, "videoSpecs": {"duration": 5}},
        }
        job = api.post("/jobs", json=brief).json()["data"]
        received: list[str] = []

        def listen() -> None:
            url = f"{a.base_url}/api/v3/jobs/{job['id']}/events"
            with httpx.stream("GET", url, headers=headers, timeout=120) as stream:
                received.append(stream.read().decode())

        listener = threading.Thread(target=listen)
        listener.start()
        ready = _wait(api, job["id"], "storyboard_ready")
        assert api.post(f"/jobs/{job['id']}/actions", json={"action": "approve"}).status_code == 200
        listener.join(180)
        assert not listener.is_alive(), "the stream ends after the terminal event"

    events = _sse(received[0])
    assert [seq for seq, _, _ in events] == list(range(1, len(events) + 1))
    statuses = [e["data"]["status"] for _, _, e in events if "status" in e["data"]]
    distinct = [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]
    assert distinct == [
        "pending",
        "storyboard_processing",
        "storyboard_ready",
        "video_processing",
        "completed",
    ]
    assert events[-1][1] == "job.completed"
    assert len([k for _, k, _ in events if k == "job.scenes_changed"]) == 1
    assert ready["status"] == "storyboard_ready"


def _wait(api: httpx.Client, job_id: str, status: str) -> dict[str, Any]:
    for _ in range(1200):
        job: dict[str, Any] = api.get(f"/jobs/{job_id}").json()["data"]
        if job["status"] == status:
            return job
        threading.Event().wait(0.1)
    raise AssertionError(f"job stayed {job['status']}")
