"""What a job holds stays consistent: its video is not deleted under it, an input being
deleted while the job is created is either kept (409) or refused to the job (404), and a
deleted campaign detaches its jobs everywhere the job shows it (issue 9, items 2 and 3)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.e2e.jobs.test_job_endpoints import brief, ready_job, wait_status
from tests.e2e.test_shared_blobs_under_concurrency import (
    ROUNDS,
    Call,
    delete,
    fresh_bytes,
    parallel,
    upload,
)


def post_json(path: str, body: dict[str, Any], headers: dict[str, str]) -> Call:
    return lambda client: client.post(f"/api/v3{path}", json=body, headers=headers)


@pytest.mark.slow
async def test_a_completed_jobs_video_is_protected_from_delete_naming_the_job(api: Api) -> None:
    job = await ready_job(api, api.alice, videoSpecs={"duration": 5, "format": "1:1"})
    approved = await api.client.post(
        f"/api/v3/jobs/{job['id']}/actions", headers=api.alice, json={"action": "approve"}
    )
    assert approved.status_code == 200, approved.text
    done = await wait_status(api, api.alice, job["id"], "completed", "failed")
    assert done["status"] == "completed", done["error"]
    video_id = done["videoAssetId"]
    before = await api.client.get(f"/api/v3/jobs/{job['id']}/video", headers=api.alice)
    assert before.status_code == 200

    refused = await api.client.delete(f"/api/v3/assets/{video_id}", headers=api.alice)

    assert refused.status_code == 409, refused.text
    assert job["id"] in refused.json()["error"]
    again = await api.client.get(f"/api/v3/jobs/{job['id']}", headers=api.alice)
    assert again.json()["data"]["videoUrl"] == done["videoUrl"]
    after = await api.client.get(f"/api/v3/jobs/{job['id']}/video", headers=api.alice)
    assert after.status_code == 200
    assert hashlib.sha256(after.content).digest() == hashlib.sha256(before.content).digest()
    # the job goes with its client, and its video with it
    cascade = await api.client.delete(
        f"/api/v3/clients/{job['context']['clientId']}?cascade=true", headers=api.alice
    )
    assert cascade.status_code == 200
    gone = await api.client.get(f"/api/v3/assets/{video_id}", headers=api.alice)
    assert gone.status_code == 404


async def test_deleting_a_campaign_detaches_its_jobs_consistently(api: Api) -> None:
    client = await api.create_client(api.alice)
    campaign = await api.create_campaign(api.alice, client["id"])
    body = brief(client["id"])
    body["context"]["campaignId"] = campaign["id"]
    created = await api.client.post("/api/v3/jobs", json=body, headers=api.alice)
    assert created.status_code == 202, created.text
    job_id = created.json()["data"]["id"]
    assert created.json()["data"]["context"]["campaignId"] == campaign["id"]

    # deleted while the job is being planned in the background
    deleted = await api.client.delete(f"/api/v3/campaigns/{campaign['id']}", headers=api.alice)
    assert deleted.status_code == 200

    ready = await wait_status(api, api.alice, job_id, "storyboard_ready", "failed")
    assert ready["status"] == "storyboard_ready", ready["error"]
    assert ready["context"]["campaignId"] is None
    assert ready["context"]["clientId"] == client["id"]
    by_campaign = await api.client.get(f"/api/v3/jobs?campaignId={campaign['id']}", headers=api.alice)
    assert by_campaign.json()["meta"]["total"] == 0
    listed = await api.client.get(f"/api/v3/jobs?clientId={client['id']}", headers=api.alice)
    assert [j["context"]["campaignId"] for j in listed.json()["data"]] == [None]
    # and the job keeps working without its campaign
    edited = await api.client.put(
        f"/api/v3/jobs/{job_id}/scenes/1", json={"script": "A new line."}, headers=api.alice
    )
    assert edited.status_code == 200, edited.text
    again = await api.client.get(f"/api/v3/jobs/{job_id}", headers=api.alice)
    assert again.json()["data"]["context"]["campaignId"] is None


async def test_a_job_created_with_an_asset_being_deleted_never_keeps_a_dead_input(api: Api) -> None:
    client = await api.create_client(api.alice)
    for _ in range(ROUNDS):
        asset = await upload(api, api.alice, fresh_bytes())
        body = brief(client["id"], assets=[{"assetId": asset["id"], "type": "document"}])
        created, deleted = await parallel(
            api,
            post_json("/jobs", body, api.alice),
            delete(f"/assets/{asset['id']}", api.alice),
        )
        outcome = (created.status_code, deleted.status_code)
        assert outcome in {(202, 409), (404, 200)}, (created.text, deleted.text)
        if created.status_code == 202:
            job_id = created.json()["data"]["id"]
            still = await api.client.get(f"/api/v3/assets/{asset['id']}", headers=api.alice)
            assert still.status_code == 200
            cancelled = await api.client.post(
                f"/api/v3/jobs/{job_id}/actions", json={"action": "cancel"}, headers=api.alice
            )
            assert cancelled.status_code in (200, 409)
