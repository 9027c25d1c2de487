"""The HTTP app as a scale-out API process: it only queues; a worker container plans.

Litestar's test client runs the app on a loop of its own (another thread) and blocks this
one during a request, so the test polls (``Prefer: wait`` would starve the worker here)."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from tests.integration.tasks.conftest import Cluster, eventually, queue_settings
from v3core.services.accounts import CreateUserCommand, IssueApiKeyCommand


async def test_an_api_process_answers_with_the_storyboard_a_worker_planned(cluster: Cluster) -> None:
    api = build_container(queue_settings(cluster.database_url, cluster.data_dir))
    user = await api.create_user().execute(CreateUserCommand("http-tasks@example.test"))
    key = await api.issue_api_key().execute(IssueApiKeyCommand(user.email))
    headers = {"Authorization": f"Bearer {key.secret}"}
    async with AsyncTestClient(create_app(api)) as client, cluster.worker():
        created = await client.post("/api/v3/clients", json={"name": "Acme"}, headers=headers)
        body = {
            "context": {"clientId": created.json()["data"]["id"]},
            "adBasics": {"product": "P", "targetAudience": "A", "keyMessage": "M", "callToAction": "C"},
            "creative": {"direction": {"style": "S"}},
        }
        response = await client.post("/api/v3/jobs", json=body, headers=headers)
        assert response.status_code == 202, response.text
        location = f"/api/v3/jobs/{response.json()['data']['id']}"

        async def ready() -> bool:
            job = (await client.get(location, headers=headers)).json()["data"]
            return bool(job["status"] == "storyboard_ready" and job["scenes"])

        await eventually(ready)
