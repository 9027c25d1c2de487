"""Requests that really overlap inside the app under test.

``AsyncTestClient`` runs the app on an event loop of its own thread and sends one request at
a time (each call blocks the test's loop until the answer). ``concurrently`` sends a batch at
once on the app's loop, through httpx's ASGI transport, and hands back a future of the
answers, so the test's loop stays free to watch and to release what the requests wait on.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import Any

import attrs
import httpx

from tests.e2e.conftest import Api


@attrs.frozen
class Call:
    """One request of a batch."""

    method: str
    path: str
    headers: dict[str, str] = attrs.field(factory=dict)
    json: Any = None


def concurrently(api: Api, calls: list[Call]) -> Future[list[httpx.Response]]:
    """Send every call at once on the app's own loop; the answers in the order of ``calls``."""

    async def send_all() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=api.client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            sent = (client.request(c.method, c.path, headers=c.headers, json=c.json) for c in calls)
            return list(await asyncio.gather(*sent))

    return api.client.blocking_portal.start_task_soon(send_all)
