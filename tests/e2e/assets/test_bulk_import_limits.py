"""``POST /assets/from-urls`` with stalling sources: an overall deadline, and nothing keeps
downloading after the caller has left. Through the real app on every storage backend; the
bulk use case is rebuilt with a fetcher that may reach the local source server."""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import attrs
import pytest
from dependency_injector import providers

from adapters.fetch.httpx_fetcher import HttpxBlobFetcher
from tests.e2e.conftest import Api
from tests.integration.assets.server import SourceServer, running_source_server
from tests.unit.assets import samples
from v3core.services.assets import ImportAssetsFromUrls

BULK = "/api/v3/assets/from-urls"
Importer = Callable[[float], None]


@pytest.fixture(scope="module")
def source() -> Iterator[SourceServer]:
    with running_source_server() as server:
        yield server


@pytest.fixture
async def bulk_deadline(api: Api) -> AsyncIterator[Importer]:
    """Call with a deadline (seconds): the app's bulk import then has it, downloads time out
    only after 30 s, and private addresses (the local source server) are allowed."""
    ctx = api.container.asset_context()
    fetcher = HttpxBlobFetcher(ctx.stager, timeout_seconds=30.0, allow_private_networks=True)

    def use(deadline: float) -> None:
        importer = ImportAssetsFromUrls(attrs.evolve(ctx, fetcher=fetcher), deadline_seconds=deadline)
        api.container.import_assets_from_urls.override(providers.Object(importer))

    yield use
    api.container.import_assets_from_urls.reset_override()
    await fetcher.aclose()


async def eventually(check: Callable[[], bool], within: float = 15.0) -> None:
    """Wait for ``check`` to hold (a guard against hanging, not a speed requirement)."""
    for _ in range(int(within / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)  # the source server runs in threads: nothing to await on
    raise AssertionError(f"still not true after {within} s")


def hanging_urls(source: SourceServer, count: int) -> tuple[str, list[str]]:
    tag = secrets.token_hex(4)
    return tag, [f"{source.base}/hang/{tag}-{i}?for=30" for i in range(count)]


def started(source: SourceServer, tag: str) -> list[str]:
    return [p for p in source.paths if p.startswith(f"/hang/{tag}-")]


async def test_items_unfetched_at_the_deadline_report_a_timeout_and_are_dropped(
    api: Api, source: SourceServer, bulk_deadline: Importer
) -> None:
    bulk_deadline(5.0)  # room for the one fast download of a local file on a busy machine
    source.files["in-time.png"] = samples.image("PNG")
    tag, stalling = hanging_urls(source, 6)
    body = {"urls": [f"{source.base}/files/in-time.png", *stalling]}
    response = await api.client.post(BULK, json=body, headers=api.alice)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    first, *late = data["results"]
    assert first["ok"], first
    assert first["asset"]["format"] == "png"
    assert (data["succeeded"], data["failed"]) == (1, 6)
    for result in late:
        assert (result["ok"], result["status"], result["code"]) == (False, 504, "upstream_timeout")
        assert "deadline of 5 s" in result["error"]
    begun = sorted(p.split("?")[0] for p in started(source, tag))
    await eventually(lambda: sorted(p for p in source.abandoned if p.startswith(f"/hang/{tag}-")) == begun)


def _bulk_scope(api: Api, body: bytes) -> dict[str, Any]:
    auth = api.alice["Authorization"].encode()
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": BULK,
        "raw_path": BULK.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", auth),
        ],
        "client": ("127.0.0.1", 50123),
        "server": ("testserver", 80),
        "state": {},
        "extensions": {},
    }


async def test_downloads_stop_when_the_client_disconnects(
    api: Api, source: SourceServer, bulk_deadline: Importer
) -> None:
    bulk_deadline(600.0)
    tag, stalling = hanging_urls(source, 12)
    body = json.dumps({"urls": stalling}).encode()
    left = threading.Event()  # the app runs on the test client's own loop and thread
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.to_thread(left.wait, 60)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        pass

    portal = api.client.blocking_portal
    call = portal.start_task_soon(api.client.app, _bulk_scope(api, body), receive, send)  # type: ignore[arg-type]
    try:
        await eventually(lambda: len(started(source, tag)) == 4)  # the first wave is downloading
        left.set()
        await eventually(call.done)
        await eventually(lambda: len([p for p in source.abandoned if p.startswith(f"/hang/{tag}-")]) == 4)
        assert len(started(source, tag)) == 4  # nothing new began after the client left
    finally:
        left.set()
        call.cancel()
