"""Shared content under concurrent deletes and uploads, through the real app on every backend.

Identical bytes are one blob with a reference count (SPEC §4 Assets). Concurrent deletes
of shared content must never free bytes another asset still uses (QUALITY, Reliability).
The requests of a round run together in the app's own event loop (through an ASGI client,
not the test client, which handles one request at a time), so on PostgreSQL they are real
parallel transactions on their own pooled connections. Each round uses fresh bytes, so
rounds share no blob; after each round the other tenant's asset must still serve exactly
its bytes (compared by sha256).
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.e2e.conftest import Api

ROUNDS = 12
PARALLEL = 8


Call = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


async def parallel(api: Api, *calls: Call) -> list[httpx.Response]:
    """Run ``calls`` concurrently against the app, in the event loop that serves it."""

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=api.client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
            return list(await asyncio.gather(*(call(client) for call in calls)))

    return api.client.blocking_portal.call(run)


def delete(path: str, headers: dict[str, str]) -> Call:
    return lambda client: client.delete(f"/api/v3{path}", headers=headers)


def post_file(data: bytes, headers: dict[str, str]) -> Call:
    files = {"file": ("notes.txt", data, "text/plain")}
    return lambda client: client.post("/api/v3/assets", files=files, headers=headers)


def fresh_bytes() -> bytes:
    """A text document no other round or test uploads."""
    return f"shared notes {uuid.uuid4()}\nsecond line\n".encode()


async def upload(api: Api, headers: dict[str, str], data: bytes, **fields: str) -> dict[str, Any]:
    response = await api.client.post(
        "/api/v3/assets", files={"file": ("notes.txt", data, "text/plain")}, data=fields, headers=headers
    )
    assert response.status_code == 201, response.text
    asset: dict[str, Any] = response.json()["data"]
    return asset


async def served_sha256(api: Api, headers: dict[str, str], asset_id: str) -> str:
    response = await api.client.get(f"/api/v3/assets/{asset_id}/data", headers=headers)
    assert response.status_code == 200, response.text
    return hashlib.sha256(response.content).hexdigest()


async def test_parallel_deletes_of_one_asset_free_nothing_another_tenant_uses(api: Api) -> None:
    for _ in range(ROUNDS):
        data = fresh_bytes()
        mine = await upload(api, api.alice, data)
        theirs = await upload(api, api.bob, data)
        assert mine["blobId"] == theirs["blobId"]
        answers = await parallel(api, *(delete(f"/assets/{mine['id']}", api.alice) for _ in range(PARALLEL)))
        assert Counter(r.status_code for r in answers) == {200: 1, 404: PARALLEL - 1}
        assert await served_sha256(api, api.bob, theirs["id"]) == hashlib.sha256(data).hexdigest()
        gone = await api.client.delete(f"/api/v3/assets/{theirs['id']}", headers=api.bob)
        assert gone.status_code == 200
        assert not await api.container.blob_store().exists(theirs["blobId"])


async def test_parallel_cascading_client_deletes_free_nothing_another_tenant_uses(api: Api) -> None:
    for _ in range(ROUNDS // 2):
        data, other = fresh_bytes(), fresh_bytes()
        client = await api.create_client(api.alice)
        await upload(api, api.alice, data, clientId=client["id"])
        await upload(api, api.alice, other, clientId=client["id"])
        also = await upload(api, api.alice, data, clientId=client["id"])
        theirs = await upload(api, api.bob, data)
        path = f"/clients/{client['id']}?cascade=true"
        *answers, single = await parallel(
            api,
            *(delete(path, api.alice) for _ in range(PARALLEL // 2)),
            delete(f"/assets/{also['id']}", api.alice),
        )
        assert Counter(r.status_code for r in answers) == {200: 1, 404: PARALLEL // 2 - 1}
        assert single.status_code in (200, 404)
        assert await served_sha256(api, api.bob, theirs["id"]) == hashlib.sha256(data).hexdigest()
        blobs = api.container.blob_store()
        assert not await blobs.exists(hashlib.sha256(other).hexdigest())
        left = await api.client.get(f"/api/v3/assets?clientId={client['id']}", headers=api.alice)
        assert left.json()["meta"]["total"] == 0


async def test_a_delete_racing_an_upload_of_the_same_bytes_keeps_the_new_assets_bytes(api: Api) -> None:
    for _ in range(ROUNDS):
        data = fresh_bytes()
        old = await upload(api, api.alice, data)
        deleted, uploaded = await parallel(
            api, delete(f"/assets/{old['id']}", api.alice), post_file(data, api.bob)
        )
        assert (deleted.status_code, uploaded.status_code) == (200, 201), uploaded.text
        new = uploaded.json()["data"]
        assert await served_sha256(api, api.bob, new["id"]) == hashlib.sha256(data).hexdigest()
