"""Partial updates are JSON Merge Patches (PUT and PATCH): nested objects merge, null resets,
and an update that changes nothing changes no version."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Api
from tests.e2e.jobs.test_job_endpoints import ready_job

GUIDELINES = {"colors": ["#ff5500"], "fonts": ["Inter"], "tone": "playful", "restrictions": ["no rivals"]}


async def _client(api: Api) -> dict[str, Any]:
    return await api.create_client(api.alice, brandGuidelines=GUIDELINES, metadata={"tier": "gold", "x": 1})


async def test_put_of_one_guideline_keeps_the_others(api: Api) -> None:
    client = await _client(api)
    response = await api.client.put(
        f"/api/v3/clients/{client['id']}", json={"brandGuidelines": {"tone": "calm"}}, headers=api.alice
    )
    assert response.status_code == 200, response.text
    guidelines = response.json()["data"]["brandGuidelines"]
    assert guidelines["tone"] == "calm"
    assert guidelines["colors"] == ["#ff5500"]
    assert guidelines["fonts"] == ["Inter"]
    assert guidelines["restrictions"] == ["no rivals"]


async def test_patch_with_merge_patch_json_merges_and_null_removes(api: Api) -> None:
    client = await _client(api)
    response = await api.client.patch(
        f"/api/v3/clients/{client['id']}",
        content=b'{"brandGuidelines": {"fonts": null}, "metadata": {"x": null, "region": "EU"}}',
        headers={**api.alice, "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["brandGuidelines"]["fonts"] == []
    assert data["brandGuidelines"]["colors"] == ["#ff5500"]
    assert data["metadata"] == {"tier": "gold", "region": "EU"}
    read = (await api.client.get(f"/api/v3/clients/{client['id']}", headers=api.alice)).json()["data"]
    assert read["metadata"] == {"tier": "gold", "region": "EU"}


async def test_campaign_metadata_merges(api: Api) -> None:
    client = await api.create_client(api.alice)
    campaign = await api.create_campaign(api.alice, client["id"], metadata={"a": 1, "b": 2})
    response = await api.client.patch(
        f"/api/v3/campaigns/{campaign['id']}",
        json={"metadata": {"b": None, "c": 3}, "goal": "reach"},
        headers={**api.alice, "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["metadata"] == {"a": 1, "c": 3}
    assert response.json()["data"]["goal"] == "reach"


async def test_a_put_that_changes_nothing_keeps_updated_at(api: Api) -> None:
    client = await _client(api)
    url = f"/api/v3/clients/{client['id']}"
    same = {"name": client["name"], "brandGuidelines": {"tone": "playful"}, "metadata": {"tier": "gold"}}
    response = await api.client.put(url, json=same, headers=api.alice)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["updatedAt"] == client["updatedAt"]
    campaign = await api.create_campaign(api.alice, client["id"])
    again = await api.client.put(
        f"/api/v3/campaigns/{campaign['id']}", json={"name": campaign["name"]}, headers=api.alice
    )
    assert again.json()["data"]["updatedAt"] == campaign["updatedAt"]


async def test_a_scene_put_that_changes_nothing_keeps_its_version(api: Api) -> None:
    job = await ready_job(api, api.alice)
    scene = job["scenes"][0]
    url = f"/api/v3/jobs/{job['id']}/scenes/{scene['id']}"
    same = {"script": scene["script"], "duration": scene["duration"], "shotType": scene["shotType"]}
    response = await api.client.put(
        url, json=same, headers={**api.alice, "If-Match": f'"v{scene["version"]}"'}
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["version"] == scene["version"]
    assert response.headers["etag"] == f'"v{scene["version"]}"'
    changed = await api.client.patch(
        url,
        json={"script": "Something new. Buy Now"},
        headers={**api.alice, "Content-Type": "application/merge-patch+json"},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["version"] == scene["version"] + 1
