"""The shapes of a few answers: camelCase assumptions, the deleted scene's id, paging meta
everywhere, and a brief asset URL that cannot be imported refused when the job is created."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.container import build_container
from entrypoints.http import create_app
from tests.e2e.conftest import Api, e2e_settings
from tests.e2e.jobs.test_job_endpoints import SEED_DRY_RUN, brief, ready_job


async def test_dry_run_assumptions_are_camel_case(api: Api) -> None:
    response = await api.client.post("/api/v3/jobs/dry-run", json=SEED_DRY_RUN, headers=api.alice)
    assumptions = response.json()["data"]["assumptions"]
    assert "sceneCount" in assumptions
    assert "assetsToImport" in assumptions
    assert not [key for key in assumptions if "_" in key]


async def test_deleting_a_scene_by_number_answers_the_scenes_id(api: Api) -> None:
    job = await ready_job(api, api.alice)
    second = next(s for s in job["scenes"] if s["sceneNumber"] == 2)
    response = await api.client.delete(f"/api/v3/jobs/{job['id']}/scenes/2", headers=api.alice)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["id"] == second["id"]


async def test_scene_and_key_lists_carry_paging_meta(api: Api) -> None:
    job = await ready_job(api, api.alice)
    scenes = await api.client.get(f"/api/v3/jobs/{job['id']}/scenes?limit=2&offset=1", headers=api.alice)
    assert scenes.status_code == 200, scenes.text
    meta = scenes.json()["meta"]
    assert (meta["total"], meta["limit"], meta["offset"], meta["page"]) == (len(job["scenes"]), 2, 1, 1)
    assert [s["id"] for s in scenes.json()["data"]] == [s["id"] for s in job["scenes"][1:3]]
    tenant = await api.new_tenant("keys")
    await api.client.post("/api/v3/auth/keys", json={"name": "second"}, headers=tenant)
    keys = await api.client.get("/api/v3/auth/keys?limit=1", headers=tenant)
    assert keys.status_code == 200, keys.text
    assert (keys.json()["meta"]["total"], keys.json()["meta"]["limit"]) == (2, 1)
    assert len(keys.json()["data"]) == 1


BLOCKED_TARGETS = [
    ("http://169.254.169.254/x", "the address 169.254.169.254 is not allowed"),  # cloud metadata
    ("http://[::ffff:169.254.169.254]/x", "the address ::ffff:169.254.169.254 is not allowed"),
    ("http://2852039166/latest", "the address 2852039166 is not allowed"),  # 169.254.169.254 in decimal
    ("http://127.0.0.1:5432/", "the address 127.0.0.1 is not allowed"),
    ("http://10.1.2.3/a.png", "the address 10.1.2.3 is not allowed"),
    ("http://[::1]/a.png", "the address ::1 is not allowed"),
    ("http://localhost:8000/a.png", "the host localhost is not allowed"),
    ("https://api.localhost/a.png", "the host api.localhost is not allowed"),
]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/a.png",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://",
        *[url for url, _ in BLOCKED_TARGETS],
    ],
)
async def test_a_brief_asset_url_that_cannot_be_imported_is_a_422_at_creation(api: Api, url: str) -> None:
    client = await api.create_client(api.alice)
    body = brief(client["id"], assets=[{"url": "https://example.com/ok.png"}, {"url": url}])
    for path in ("/api/v3/jobs", "/api/v3/jobs/dry-run"):
        response = await api.client.post(path, json=body, headers=api.alice)
        assert response.status_code == 422, response.text
        locs = [d["loc"] for d in response.json()["meta"]["details"]]
        assert ["creative", "assets", 1, "url"] in locs
    listed = await api.client.get(f"/api/v3/jobs?clientId={client['id']}", headers=api.alice)
    assert listed.json()["meta"]["total"] == 0  # nothing was created


@pytest.mark.parametrize(("url", "said"), BLOCKED_TARGETS)
async def test_a_brief_asset_url_is_held_to_the_host_rule_of_from_url(api: Api, url: str, said: str) -> None:
    """The same address /assets/from-url refuses (422 forbidden_target) is refused in a brief,
    and the message says what is wrong, not only where."""
    imported = await api.client.post("/api/v3/assets/from-url", json={"url": url}, headers=api.alice)
    assert imported.status_code == 422, imported.text
    assert imported.json()["meta"]["code"] == "forbidden_target"
    client = await api.create_client(api.alice)
    body = brief(client["id"], assets=[{"url": "https://example.com/ok.png"}, {"url": url}])
    for path in ("/api/v3/jobs", "/api/v3/jobs/dry-run"):
        response = await api.client.post(path, json=body, headers=api.alice)
        assert response.status_code == 422, response.text
        answer = response.json()
        assert answer["error"].startswith(f"creative.assets[1].url: {said}"), answer["error"]
        (detail,) = answer["meta"]["details"]
        assert detail["loc"] == ["creative", "assets", 1, "url"]
        assert detail["type"] == "forbidden_target"


async def test_a_brief_asset_host_name_is_not_resolved_at_creation(api: Api) -> None:
    """Names are the fetcher's to resolve when it imports: creation does no DNS, so a name that
    resolves nowhere is accepted (it fails at import, as a job error)."""
    client = await api.create_client(api.alice)
    body = brief(client["id"], assets=[{"url": "https://assets.nowhere.invalid/a.png"}])
    response = await api.client.post("/api/v3/jobs/dry-run", json=body, headers=api.alice)
    assert response.status_code == 200, response.text


async def test_last_event_id_skips_the_events_already_seen(api: Api) -> None:
    job = await ready_job(api, api.alice)
    await api.client.post(f"/api/v3/jobs/{job['id']}/actions", json={"action": "cancel"}, headers=api.alice)
    url = f"/api/v3/jobs/{job['id']}/events"
    fresh = await api.client.get(url, headers=api.alice)
    ids = [int(line[3:]) for line in fresh.text.splitlines() if line.startswith("id:")]
    assert ids == list(range(1, len(ids) + 1)), "the ids are the log's sequence numbers"
    assert "event: job.cancelled" in fresh.text
    resumed = await api.client.get(url, headers={**api.alice, "Last-Event-ID": str(ids[-2])})
    assert resumed.status_code == 200
    assert [line for line in resumed.text.splitlines() if line.startswith("id:")] == [f"id: {ids[-1]}"]


async def test_a_brief_asset_host_outside_the_allow_list_is_a_422_at_creation(tmp_path: Path) -> None:
    """ALLOWED_ASSET_DOMAINS binds a brief as it binds /from-url (settings wired through)."""
    settings = e2e_settings("memory://", tmp_path).model_copy(
        update={"allowed_asset_domains": "cdn.example.com,*.assets.example"}
    )
    container = build_container(settings)
    async with AsyncTestClient(create_app(container)) as client:
        api = Api(client, container, {}, {})
        alice = await api.new_tenant("allow-list")
        owner = await api.create_client(alice)
        fine = brief(owner["id"], assets=[{"url": "https://cdn.example.com/a.png"}])
        assert (await client.post("/api/v3/jobs/dry-run", json=fine, headers=alice)).status_code == 200
        body = brief(owner["id"], assets=[{"url": "https://evil.example.net/a.png"}])
        response = await client.post("/api/v3/jobs/dry-run", json=body, headers=alice)
        assert response.status_code == 422, response.text
        assert response.json()["error"] == (
            "creative.assets[0].url: host 'evil.example.net' is not in ALLOWED_ASSET_DOMAINS"
        )
