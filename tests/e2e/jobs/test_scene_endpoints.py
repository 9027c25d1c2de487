"""Scene delete and regeneration over HTTP (SPEC §4 Scenes and actions), on every backend."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Api
from tests.e2e.jobs.test_job_endpoints import ready_job, wait_status


async def _scenes(api: Api, job_id: str) -> list[dict[str, Any]]:
    response = await api.client.get(f"/api/v3/jobs/{job_id}/scenes", headers=api.alice)
    assert response.status_code == 200, response.text
    scenes: list[dict[str, Any]] = response.json()["data"]
    return scenes


async def test_deleting_scene_2_leaves_every_other_scene_number_and_content_untouched(api: Api) -> None:
    job = await ready_job(api, api.alice)
    before = await _scenes(api, job["id"])
    assert len(before) >= 3

    response = await api.client.delete(f"/api/v3/jobs/{job['id']}/scenes/2", headers=api.alice)

    assert response.status_code == 200, response.text
    after = await _scenes(api, job["id"])
    assert after == [s for s in before if s["sceneNumber"] != 2]
    gone = await api.client.get(f"/api/v3/jobs/{job['id']}/scenes/{before[1]['id']}", headers=api.alice)
    assert gone.status_code == 404


async def test_deleting_a_scene_by_its_id_removes_that_scene(api: Api) -> None:
    job = await ready_job(api, api.alice)
    before = await _scenes(api, job["id"])
    last = before[-1]

    response = await api.client.delete(f"/api/v3/jobs/{job['id']}/scenes/{last['id']}", headers=api.alice)

    assert response.status_code == 200, response.text
    assert await _scenes(api, job["id"]) == before[:-1]


async def test_the_regenerate_route_replans_one_scene_with_its_constraints(api: Api) -> None:
    job = await ready_job(api, api.alice)
    before = await _scenes(api, job["id"])
    target = before[0]

    response = await api.client.post(
        f"/api/v3/jobs/{job['id']}/scenes/{target['id']}/regenerate",
        json={"feedback": "start on the shoe", "constraints": {"duration": 3, "shotType": "Close Up"}},
        headers=api.alice,
    )

    assert response.status_code == 200, response.text
    scene = response.json()["data"]
    assert (scene["id"], scene["sceneNumber"], scene["version"]) == (target["id"], 1, target["version"] + 1)
    assert (scene["duration"], scene["shotType"]) == (3.0, "close-up")
    assert response.headers["etag"] == f'"v{target["version"] + 1}"'
    after = await _scenes(api, job["id"])
    assert after[1:] == before[1:], "the other scenes are untouched"


async def test_the_regenerate_route_takes_a_scene_number_too(api: Api) -> None:
    job = await ready_job(api, api.alice)
    before = await _scenes(api, job["id"])

    response = await api.client.post(f"/api/v3/jobs/{job['id']}/scenes/2/regenerate", headers=api.alice)

    assert response.status_code == 200, response.text
    assert response.json()["data"]["id"] == before[1]["id"]
    assert response.json()["data"]["version"] == before[1]["version"] + 1


async def test_the_regenerate_scene_action_by_scene_id_answers_the_job_id_and_the_scene(api: Api) -> None:
    job = await ready_job(api, api.alice)
    before = await _scenes(api, job["id"])
    target = before[-1]

    response = await api.client.post(
        f"/api/v3/jobs/{job['id']}/actions",
        json={"action": "regenerate_scene", "sceneId": target["id"], "feedback": "end on the logo"},
        headers=api.alice,
    )

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["jobId"] == job["id"]
    assert (data["scene"]["id"], data["scene"]["sceneNumber"]) == (target["id"], target["sceneNumber"])
    assert "buy now" in data["scene"]["script"].lower(), "the last scene keeps the call to action"
    assert (await _scenes(api, job["id"]))[:-1] == before[:-1]


async def test_regenerate_all_scenes_keeps_the_scene_count_of_the_storyboard(api: Api) -> None:
    job = await ready_job(api, api.alice)
    before = await _scenes(api, job["id"])
    await api.client.delete(f"/api/v3/jobs/{job['id']}/scenes/{before[-1]['id']}", headers=api.alice)

    response = await api.client.post(
        f"/api/v3/jobs/{job['id']}/actions",
        json={"action": "regenerate_all_scenes", "feedback": "brighter"},
        headers=api.alice,
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["status"] == "storyboard_processing"

    ready = await wait_status(api, api.alice, job["id"], "storyboard_ready")

    assert len(ready["scenes"]) == len(before) - 1
    assert [s["sceneNumber"] for s in ready["scenes"]] == list(range(1, len(before)))
