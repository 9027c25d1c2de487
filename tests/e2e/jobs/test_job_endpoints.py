"""Jobs over HTTP: the seed's bodies, the review loop, actions, scenes, events and the video."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Api

SEED_DRY_RUN = {
    "context": {"clientId": "test"},
    "adBasics": {"product": "P", "targetAudience": "A", "keyMessage": "M", "callToAction": "C"},
    "creative": {"direction": {"style": "S"}},
}


def brief(client_id: str, **creative: Any) -> dict[str, Any]:
    return {
        "context": {"clientId": client_id},
        "adBasics": {
            "product": "Smart Watch",
            "targetAudience": "Tech enthusiasts",
            "keyMessage": "Stay connected",
            "callToAction": "Buy Now",
        },
        "creative": {"direction": {"style": "Modern and sleek"}, **creative},
    }


async def ready_job(api: Api, headers: dict[str, str], **creative: Any) -> dict[str, Any]:
    client = await api.create_client(headers)
    response = await api.client.post(
        "/api/v3/jobs", json=brief(client["id"], **creative), headers={**headers, "Prefer": "wait=20"}
    )
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()["data"]
    assert job["status"] == "storyboard_ready"
    return job


async def wait_status(api: Api, headers: dict[str, str], job_id: str, *statuses: str) -> dict[str, Any]:
    for _ in range(2400):  # up to 2 minutes: a render on a busy 2-core machine
        job: dict[str, Any] = (await api.client.get(f"/api/v3/jobs/{job_id}", headers=headers)).json()["data"]
        if job["status"] in statuses:
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job stayed {job['status']}")


async def test_the_seed_dry_run_body_succeeds_verbatim(api: Api) -> None:
    asked = datetime.now(UTC)
    response = await api.client.post("/api/v3/jobs/dry-run", json=SEED_DRY_RUN, headers=api.alice)
    answered = datetime.now(UTC)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["currency"] == "USD"
    assert data["estimatedCost"] > 0
    assert {"storyboard_generation", "video_rendering"} <= set(data["breakdown"])
    valid_until = datetime.fromisoformat(data["validUntil"].replace("Z", "+00:00"))
    assert valid_until.utcoffset() == timedelta(0), "validUntil is in UTC"
    assert valid_until.date() in {asked.date(), answered.date()}, "the end of the current UTC day"
    assert (valid_until.hour, valid_until.minute, valid_until.second) == (23, 59, 59)


async def test_a_missing_required_field_is_named_in_the_details(api: Api) -> None:
    body = json.loads(json.dumps(SEED_DRY_RUN))
    del body["adBasics"]["keyMessage"]
    response = await api.client.post("/api/v3/jobs/dry-run", json=body, headers=api.alice)
    assert response.status_code == 422
    assert ["adBasics", "keyMessage"] in [d["loc"] for d in response.json()["meta"]["details"]]


async def test_create_answers_202_with_a_location_and_plans_in_the_background(api: Api) -> None:
    client = await api.create_client(api.alice)
    response = await api.client.post("/api/v3/jobs", json=brief(client["id"]), headers=api.alice)
    assert response.status_code == 202, response.text
    job = response.json()["data"]
    assert job["status"] == "pending"
    assert response.headers["location"] == f"/api/v3/jobs/{job['id']}"
    ready = await wait_status(api, api.alice, job["id"], "storyboard_ready")
    assert 3 <= len(ready["scenes"]) <= 7
    assert ready["cost"]["estimated"] > 0


async def test_an_unknown_client_is_a_404_naming_the_field(api: Api) -> None:
    response = await api.client.post("/api/v3/jobs", json=brief("client-123"), headers=api.alice)
    assert response.status_code == 404
    assert "context.clientId" in response.json()["error"]


async def test_idempotency_key_replays_the_same_job_and_refuses_another_body(api: Api) -> None:
    client = await api.create_client(api.alice)
    headers = {**api.alice, "Idempotency-Key": f"k-{client['id']}"}
    first = await api.client.post("/api/v3/jobs", json=brief(client["id"]), headers=headers)
    again = await api.client.post("/api/v3/jobs", json=brief(client["id"]), headers=headers)
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    other = brief(client["id"])
    other["adBasics"]["product"] = "Other"
    conflict = await api.client.post("/api/v3/jobs", json=other, headers=headers)
    assert conflict.status_code == 409
    assert conflict.json()["meta"]["code"] == "conflict"


async def test_the_review_loop_edit_regenerate_reject_and_approval_locks_scenes(api: Api) -> None:
    job = await ready_job(api, api.alice)
    jid = job["id"]
    scenes = f"/api/v3/jobs/{jid}/scenes"
    first = await api.client.get(f"{scenes}/1", headers=api.alice)
    etag = first.headers["etag"]
    edited = await api.client.put(
        f"{scenes}/1", json={"script": "New words"}, headers={**api.alice, "If-Match": etag}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["data"]["version"] == 2
    stale = await api.client.put(
        f"{scenes}/1", json={"script": "Lost?"}, headers={**api.alice, "If-Match": etag}
    )
    assert stale.status_code == 409
    regenerated = await api.client.post(
        f"/api/v3/jobs/{jid}/actions",
        headers=api.alice,
        json={
            "action": "regenerate_scene",
            "sceneNumber": 2,
            "feedback": "closer",
            "constraints": {"duration": 4, "shotType": "closeup"},
        },
    )
    assert regenerated.status_code == 200, regenerated.text
    scene = regenerated.json()["data"]["scene"]
    assert (scene["sceneNumber"], scene["duration"], scene["shotType"]) == (2, 4.0, "close-up")
    rejected = await api.client.post(
        f"/api/v3/jobs/{jid}/actions",
        headers=api.alice,
        json={"action": "REJECT", "payload": {"feedback": "warmer"}},
    )
    assert rejected.json()["data"]["status"] == "storyboard_processing"
    await wait_status(api, api.alice, jid, "storyboard_ready")
    approved = await api.client.post(
        f"/api/v3/jobs/{jid}/actions", headers=api.alice, json={"action": "approve"}
    )
    assert approved.json()["data"]["status"] == "video_processing"
    locked = await api.client.put(f"{scenes}/1", json={"script": "late"}, headers=api.alice)
    assert locked.status_code == 409
    assert "video_processing" in locked.json()["error"]
    cancelled = await api.client.post(
        f"/api/v3/jobs/{jid}/actions", headers=api.alice, json={"action": "cancel"}
    )
    assert cancelled.json()["data"]["status"] == "cancelled"


async def test_an_action_not_allowed_now_is_a_409_naming_state_and_allowed_actions(api: Api) -> None:
    job = await ready_job(api, api.alice)
    response = await api.client.post(
        f"/api/v3/jobs/{job['id']}/actions", headers=api.alice, json={"action": "retry"}
    )
    assert response.status_code == 409
    message = response.json()["error"]
    assert "storyboard_ready" in message
    assert "approve" in message


async def test_another_tenants_job_is_a_404_everywhere(api: Api) -> None:
    job = await ready_job(api, api.alice)
    base = f"/api/v3/jobs/{job['id']}"
    for method, path, body in [
        ("GET", base, None),
        ("GET", f"{base}/scenes", None),
        ("GET", f"{base}/scenes/1", None),
        ("PUT", f"{base}/scenes/1", {"script": "x"}),
        ("DELETE", f"{base}/scenes/1", None),
        ("POST", f"{base}/actions", {"action": "cancel"}),
        ("GET", f"{base}/video", None),
        ("POST", f"{base}/scenes/1/regenerate", {}),
        ("GET", f"{base}/events", None),
        ("GET", f"{base}/history", None),
    ]:
        response = await api.client.request(method, path, json=body, headers=api.bob)
        assert response.status_code == 404, (method, path, response.text)


async def test_events_stream_ends_after_a_terminal_state(api: Api) -> None:
    job = await ready_job(api, api.alice)
    await api.client.post(f"/api/v3/jobs/{job['id']}/actions", headers=api.alice, json={"action": "cancel"})
    response = await api.client.get(f"/api/v3/jobs/{job['id']}/events", headers=api.alice)
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:")]
    assert events[-1]["type"] == "job.cancelled"
    assert events[-1]["data"]["status"] == "cancelled"


@pytest.mark.slow
async def test_from_brief_to_a_playable_video_served_with_ranges(api: Api) -> None:
    job = await ready_job(api, api.alice, videoSpecs={"duration": 6, "format": "9:16"})
    jid = job["id"]
    approved = await api.client.post(
        f"/api/v3/jobs/{jid}/actions", headers=api.alice, json={"action": "approve"}
    )
    assert approved.status_code == 200
    done = await wait_status(api, api.alice, jid, "completed", "failed")
    assert done["status"] == "completed", done["error"]
    assert done["videoUrl"].endswith(f"/api/v3/jobs/{jid}/video")
    assert done["cost"]["actual"] > 0
    assert "video_rendering" in done["cost"]["breakdown"]
    assert abs(done["duration"] - 6) < 0.1
    video = await api.client.get(f"/api/v3/jobs/{jid}/video", headers=api.alice)
    assert video.status_code == 200
    assert video.headers["content-type"] == "video/mp4"
    assert video.content[4:8] == b"ftyp"
    part = await api.client.get(f"/api/v3/jobs/{jid}/video", headers={**api.alice, "Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 0-99/{len(video.content)}"
    assert part.content == video.content[:100]


async def test_jobs_filter_by_status_accepts_the_older_names(api: Api) -> None:
    job = await ready_job(api, api.alice)
    found = await api.client.get("/api/v3/jobs?status=storyboard_review&limit=1000", headers=api.alice)
    assert found.status_code == 200
    assert job["id"] in [j["id"] for j in found.json()["data"]]
    assert all(j["status"] == "storyboard_ready" for j in found.json()["data"])
    unknown = await api.client.get("/api/v3/jobs?status=nope", headers=api.alice)
    assert unknown.status_code == 422


async def test_history_lists_the_job_events_oldest_first_in_pages_for_its_owner_only(api: Api) -> None:
    job = await ready_job(api, api.alice)
    await api.client.post(f"/api/v3/jobs/{job['id']}/actions", headers=api.alice, json={"action": "cancel"})
    url = f"/api/v3/jobs/{job['id']}/history"

    whole = await api.client.get(url, headers=api.alice)
    page = await api.client.get(f"{url}?limit=2&offset=2", headers=api.alice)
    foreign = await api.client.get(url, headers=api.bob)
    bad = await api.client.get(f"{url}?limit=0", headers=api.alice)

    assert whole.status_code == 200, whole.text
    events = whole.json()["data"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "job.created"
    assert events[0]["data"]["status"] == "pending"
    assert "job.storyboard_ready" in [e["type"] for e in events]
    assert events[-1]["type"] == "job.cancelled"
    assert all(e["jobId"] == job["id"] for e in events)
    assert page.status_code == 200
    assert [e["seq"] for e in page.json()["data"]] == [3, 4]
    meta = page.json()["meta"]
    assert (meta["total"], meta["page"], meta["limit"], meta["offset"]) == (len(events), 2, 2, 2)
    assert foreign.status_code == 404
    assert foreign.json()["meta"]["code"] == "not_found"
    assert bad.status_code in (400, 422)
