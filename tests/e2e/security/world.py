"""Alice's world (one of each resource) and the operations of the served OpenAPI schema.

The security tests derive what to call from ``GET /schema/openapi.json``: every
operation, its path parameters mapped to one of alice's ids (``PATH_IDS``) and a
plausible body (``BODIES``). A new route whose path parameter or body is not known
here makes the tests fail, naming what to add.
"""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from typing import Any

import attrs
from PIL import Image

from tests.e2e.conftest import Api
from v3core.events import JobEvent

API = "/api/v3"
PUBLIC_OPERATIONS = frozenset({"health", "ready", "login"})
"""Operations served without credentials (docs and schema are not in the schema)."""

METHODS = ("get", "head", "post", "put", "patch", "delete")


def png(size: tuple[int, int] = (8, 6)) -> bytes:
    """A small real PNG."""
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


def brief(client_id: str, **creative: Any) -> dict[str, Any]:
    """A valid job brief for ``client_id`` (extra ``creative`` fields merged in)."""
    return {
        "context": {"clientId": client_id},
        "adBasics": {
            "product": "Smart Watch",
            "targetAudience": "Runners",
            "keyMessage": "Stay connected",
            "callToAction": "Buy now",
        },
        "creative": {"direction": {"style": "Bold"}, **creative},
    }


@attrs.frozen
class Operation:
    """One operation of the schema."""

    method: str
    path: str
    operation_id: str
    path_params: tuple[str, ...]
    has_body: bool

    def url(self, ids: dict[str, str]) -> str:
        """The path with each parameter replaced by its id in ``ids``."""
        url = self.path
        for name in self.path_params:
            url = url.replace("{" + name + "}", ids[name])
        return url


def operations(schema: dict[str, Any]) -> list[Operation]:
    """Every operation of the OpenAPI document, in document order."""
    found = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [*item.get("parameters", []), *op.get("parameters", [])]
            names = tuple(p["name"] for p in params if p["in"] == "path")
            found.append(Operation(method, path, op["operationId"], names, "requestBody" in op))
    return found


@attrs.define
class World:
    """Alice's resources: a client, campaign, asset, job with a storyboard, a scene, an API key, a
    webhook endpoint and a delivery to it."""

    ids: dict[str, str]

    async def snapshot(self, api: Api) -> dict[str, Any]:
        """Everything alice can read about her resources right now."""
        paths = {
            "client": f"{API}/clients/{self.ids['client_id']}",
            "campaign": f"{API}/campaigns/{self.ids['campaign_id']}",
            "asset": f"{API}/assets/{self.ids['asset_id']}",
            "job": f"{API}/jobs/{self.ids['job_id']}",
            "scenes": f"{API}/jobs/{self.ids['job_id']}/scenes",
            "keys": f"{API}/auth/keys",
            "webhook": f"{API}/webhooks/{self.ids['webhook_id']}",
            "deliveries": f"{API}/webhooks/{self.ids['webhook_id']}/deliveries",
        }
        shot = {}
        for name, path in paths.items():
            response = await api.client.get(path, headers=api.alice)
            assert response.status_code == 200, f"{name}: {response.text}"
            shot[name] = response.json()["data"]
        data = await api.client.get(f"{API}/assets/{self.ids['asset_id']}/data", headers=api.alice)
        shot["asset_bytes"] = data.content
        return shot


async def upload_png(api: Api, headers: dict[str, str], name: str = "logo.png", **fields: str) -> Any:
    """Uploads a small PNG; returns the response."""
    return await api.client.post(
        f"{API}/assets", files={"file": (name, png(), "image/png")}, data=fields, headers=headers
    )


async def build_world(api: Api) -> World:
    """Creates alice's resources through the API."""
    client = await api.create_client(api.alice, name="Alice Co")
    campaign = await api.create_campaign(api.alice, client["id"], name="Alice launch")
    uploaded = await upload_png(api, api.alice, clientId=client["id"])
    assert uploaded.status_code == 201, uploaded.text
    job = await api.client.post(
        f"{API}/jobs", json=brief(client["id"]), headers={**api.alice, "Prefer": "wait=20"}
    )
    assert job.status_code == 201, job.text
    data = job.json()["data"]
    assert data["status"] == "storyboard_ready", data["status"]
    key = await api.client.post(f"{API}/auth/keys", json={"name": "alice's script"}, headers=api.alice)
    assert key.status_code == 201, key.text
    webhook_id, delivery_id = await _webhook_with_a_delivery(api, data["id"])
    return World(
        {
            "client_id": client["id"],
            "campaign_id": campaign["id"],
            "asset_id": uploaded.json()["data"]["id"],
            "job_id": data["id"],
            "scene_ref": data["scenes"][0]["id"],
            "key_id": key.json()["data"]["key"]["id"],
            "webhook_id": webhook_id,
            "delivery_id": delivery_id,
        }
    )


async def _webhook_with_a_delivery(api: Api, job_id: str) -> tuple[str, str]:
    """Alice's webhook endpoint and one settled delivery to it (of an event of her job; the
    endpoint is on loopback, which the default outbound guard refuses at once)."""
    body = {"url": "http://127.0.0.1:9/alice", "events": ["job.*"]}
    created = await api.client.post(f"{API}/webhooks", json=body, headers=api.alice)
    assert created.status_code == 201, created.text
    webhook_id = created.json()["data"]["id"]
    async with api.container.uow_factory()() as uow:
        webhook = await uow.webhooks.get_any(webhook_id)
    assert webhook is not None
    event = JobEvent(job_id, webhook.owner_id, 1, "job.storyboard_ready", {"id": job_id}, datetime.now(UTC))
    dispatch = api.container.webhook_dispatcher().dispatch
    [delivery] = await asyncio.to_thread(api.client.blocking_portal.call, dispatch, event)
    async with asyncio.timeout(20):
        while True:
            listed = await api.client.get(f"{API}/webhooks/{webhook_id}/deliveries", headers=api.alice)
            if listed.json()["data"][0]["state"] != "pending":
                return webhook_id, delivery.id
            await asyncio.sleep(0.01)


def bodies(ids: dict[str, str]) -> dict[str, dict[str, Any]]:
    """A plausible JSON body per operation id (valid apart from whose ids it names)."""
    return {
        "login": {"email": "nobody@example.test", "password": "wrong-password"},
        "createApiKey": {"name": "bob's key"},
        "createClient": {"name": "Bob Co"},
        "updateClient": {"name": "Taken over", "description": "by bob"},
        "patchClient": {"brandGuidelines": {"tone": "taken over"}},
        "createCampaign": {"clientId": ids["client_id"], "name": "Bob campaign"},
        "updateCampaign": {"name": "Taken over"},
        "patchCampaign": {"metadata": {"owner": "bob"}},
        "createAsset": {"url": "https://example.test/a.png"},
        "importAssetFromUrl": {"url": "https://example.test/a.png"},
        "importAssetsFromUrls": {"urls": ["https://example.test/a.png"]},
        "createJob": brief(ids["client_id"]),
        "estimateJobCost": brief(ids["client_id"]),
        "applyJobAction": {"action": "approve"},
        "updateScene": {"description": "Taken over", "duration": 5},
        "patchScene": {"script": "Taken over"},
        "regenerateScene": {"feedback": "make it bob's"},
        "createWebhook": {"url": "https://hooks.example.test/bob", "events": ["job.*"]},
    }


def json_of(response: Any) -> dict[str, Any]:
    """The JSON body of ``response``; ``{}`` for a HEAD request or a non-JSON body."""
    is_json = response.headers.get("content-type", "").startswith("application/json")
    if response.request.method == "HEAD" or not is_json:
        return {}
    body: dict[str, Any] = response.json()
    return body


def body_for(op: Operation, ids: dict[str, str]) -> dict[str, Any] | None:
    """The plausible body of ``op`` (``None`` without a request body); fails for an unknown one."""
    if not op.has_body:
        return None
    known = bodies(ids)
    assert op.operation_id in known, f"add a plausible body for {op.operation_id} to BODIES in world.py"
    return known[op.operation_id]
