"""The job protocol over HTTP: SSE of a running job, ``Prefer: wait``, idempotent replays, progress."""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.jobs.staging import Staged


def _events(text: str) -> list[tuple[int, dict[str, Any]]]:
    """``(id, data)`` of each SSE event in a stream body."""
    events, event_id = [], None
    for line in text.splitlines():
        if line.startswith("id:"):
            event_id = int(line[3:].strip())
        elif line.startswith("data:"):
            assert event_id is not None, "every event carries an id"
            events.append((event_id, json.loads(line[5:])))
    return events


async def test_the_event_stream_of_a_running_job_delivers_each_progress_change(staged: Staged) -> None:
    job = await staged.wait((await staged.create("step-render"))["id"], "storyboard_ready")
    scenes = len(job["scenes"])
    assert (await staged.act(job["id"], "approve")).status_code == 200

    response = await staged.client.get(f"/api/v3/jobs/{job['id']}/events", headers=staged.headers)

    assert response.status_code == 200
    events = _events(response.text)
    ids = [event_id for event_id, _ in events]
    assert ids == sorted(set(ids)), "ids increase"
    messages = [data["progress"]["message"] for _, data in events]
    steps = [f"step {n} of {scenes}" for n in range(1, scenes + 1)]
    seen = [m for m in messages if m in steps]
    assert seen == steps, f"every render step arrives, in order: {messages}"
    assert [data["status"] for _, data in events][-1] == "completed"
    assert {data["status"] for _, data in events[:-1]} == {"video_processing"}
    percents = [data["progress"]["percent"] for _, data in events]
    assert percents == sorted(percents), "progress never goes back"
    assert events[-1][1]["videoUrl"].endswith(f"/api/v3/jobs/{job['id']}/video")


async def test_prefer_wait_answers_201_with_the_storyboard_and_says_how_long_it_waited(
    staged: Staged,
) -> None:
    response = await staged.client.post(
        "/api/v3/jobs", json=staged.body("Shoe"), headers={**staged.headers, "Prefer": "wait=5"}
    )
    assert response.status_code == 201, response.text
    assert response.headers["preference-applied"] == "wait=5"
    assert response.json()["data"]["status"] == "storyboard_ready"
    assert len(response.json()["data"]["scenes"]) >= 3


async def test_prefer_wait_is_capped_at_60_seconds(staged: Staged) -> None:
    response = await staged.client.post(
        "/api/v3/jobs", json=staged.body("Shoe"), headers={**staged.headers, "Prefer": "wait=600"}
    )
    assert response.status_code == 201, response.text
    assert response.headers["preference-applied"] == "wait=60"


async def test_without_prefer_or_when_planning_outlasts_the_wait_the_answer_is_202(staged: Staged) -> None:
    plain = await staged.client.post("/api/v3/jobs", json=staged.body("Shoe"), headers=staged.headers)
    assert plain.status_code == 202
    assert "preference-applied" not in plain.headers
    slow = await staged.client.post(
        "/api/v3/jobs", json=staged.body("hold-planning"), headers={**staged.headers, "Prefer": "wait=1"}
    )
    assert slow.status_code == 202, slow.text
    assert "preference-applied" not in slow.headers, "the preference was not honoured"
    assert slow.json()["data"]["status"] in ("pending", "storyboard_processing")
    staged.jobs += [plain.json()["data"]["id"], slow.json()["data"]["id"]]
    await staged.cancel_leftovers()


async def test_an_idempotent_replay_says_so_and_answers_the_same_job(staged: Staged) -> None:
    headers = {**staged.headers, "Idempotency-Key": "replay-me"}
    first = await staged.client.post("/api/v3/jobs", json=staged.body("Shoe"), headers=headers)
    again = await staged.client.post("/api/v3/jobs", json=staged.body("Shoe"), headers=headers)

    assert first.status_code == 202
    assert "idempotent-replayed" not in first.headers
    assert again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert again.headers["location"] == first.headers["location"]


async def test_progress_steps_advance_with_the_job_and_end_at_the_last_step(staged: Staged) -> None:
    pending = await staged.create("hold-pending")
    ready = await staged.wait((await staged.create("Shoe"))["id"], "storyboard_ready")
    await staged.act(ready["id"], "approve")
    completed = await staged.wait(ready["id"], "completed")
    held = await staged.wait((await staged.create("hold-render"))["id"], "storyboard_ready")
    await staged.act(held["id"], "approve")
    rendering = await staged.wait(held["id"], "video_processing")  # one render at a time: held last

    progress = [j["progress"] for j in (pending, ready, rendering, completed)]
    total = progress[0]["totalSteps"]
    assert total >= 1
    assert all(p["totalSteps"] == total for p in progress), progress
    steps = [p["currentStep"] for p in progress]
    assert steps == sorted(steps), f"steps go forward with the status: {steps}"
    assert all(0 <= s <= total for s in steps)
    assert steps[0] < steps[-1] == total, "a completed job is at its last step"
    await staged.cancel_leftovers()
