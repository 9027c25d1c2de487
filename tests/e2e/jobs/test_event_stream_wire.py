"""The SSE wire format of an idle stream: keep-alive comment lines, never an empty event."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from entrypoints.container import build_container, close_container
from entrypoints.http.app import create_app
from tests.e2e.conftest import Api
from tests.e2e.jobs.test_job_endpoints import ready_job
from tests.sealed import SealedSettings


async def test_an_idle_stream_gets_keep_alive_comments_and_no_empty_event(tmp_path: Path) -> None:
    settings = SealedSettings(
        database_url="memory://",
        data_dir=tmp_path,
        jwt_secret="test-secret-" + "x" * 32,
        sse_keepalive_seconds=0.05,
    )
    container = build_container(settings)
    try:
        async with AsyncTestClient(create_app(container)) as client:
            api = Api(client, container, {}, {})
            headers = await api.new_tenant("wire")
            job = await ready_job(api, headers)
            url = f"/api/v3/jobs/{job['id']}/events"
            # the test client blocks its caller until a response is complete: listen from another thread
            listening = asyncio.create_task(asyncio.to_thread(asyncio.run, client.get(url, headers=headers)))  # type: ignore[arg-type]
            wakeups: Any = container.job_events()
            for _ in range(1000):
                if wakeups.readers:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.3)  # several keep-alive periods with nothing happening
            await client.post(f"/api/v3/jobs/{job['id']}/actions", json={"action": "cancel"}, headers=headers)
            response = await asyncio.wait_for(listening, 30)
    finally:
        await close_container(container)

    lines = response.text.replace("\r\n", "\n").split("\n")
    assert lines.count(": keep-alive") >= 2
    assert "data: " not in lines, "a keep-alive is a comment, not an empty event"
    assert "event: job.cancelled" in lines
