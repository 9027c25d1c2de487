"""The job protocol over HTTP: SSE of a running job, ``Prefer: wait``, idempotent replays, progress."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.e2e.jobs.staging import Staged


def sse_events(text: str) -> list[tuple[int, str, dict[str, Any]]]:
    """``(id, event, data)`` of each SSE event in a stream body (comment lines skipped)."""
    events: list[tuple[int, str, dict[str, Any]]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":"))
        if "data" in fields:
            assert "id" in fields, f"every event carries an id: {block}"
            assert "event" in fields, f"every event carries a type: {block}"
            events.append((int(fields["id"]), fields["event"], json.loads(fields["data"])))
    return events


def distinct_in_order(values: list[str]) -> list[str]:
    """``values`` without consecutive repeats."""
    return [v for i, v in enumerate(values) if i == 0 or values[i - 1] != v]


async def test_a_listener_attached_at_creation_sees_every_event_in_order_to_the_end(staged: Staged) -> None:
    job = await staged.create("step-render")
    url = f"/api/v3/jobs/{job['id']}/events"
    # the test client blocks its caller until a response is complete: listen from another thread
    listening = asyncio.create_task(
        asyncio.to_thread(asyncio.run, staged.client.get(url, headers=staged.headers))  # type: ignore[arg-type]
    )
    wakeups: Any = staged.container.job_events()
    for _ in range(12000):  # the stream is live before the job is approved
        if wakeups.readers:
            break
        await asyncio.sleep(0.01)
    ready = await staged.wait(job["id"], "storyboard_ready")
    assert (await staged.act(job["id"], "approve")).status_code == 200

    response = await asyncio.wait_for(listening, 120)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    assert [seq for seq, _, _ in events] == list(range(1, len(events) + 1)), "every number, no gap"
    assert [e["seq"] for _, _, e in events] == [seq for seq, _, _ in events]
    assert all(kind == e["type"] and e["jobId"] == job["id"] for _, kind, e in events)
    statuses = [e["data"]["status"] for _, _, e in events if "status" in e["data"]]
    assert distinct_in_order(statuses) == [
        "pending",
        "storyboard_processing",
        "storyboard_ready",
        "video_processing",
        "completed",
    ]
    kinds = [kind for _, kind, _ in events]
    assert kinds[0] == "job.created"
    assert kinds[-1] == "job.completed", "the stream ends after the terminal event"
    assert kinds.count("job.storyboard_ready") == 1
    assert "job.scenes_changed" in kinds[: kinds.index("job.storyboard_ready")], "scenes before ready"
    scenes = len(ready["scenes"])
    messages = [e["data"]["progress"]["message"] for _, _, e in events if "progress" in e["data"]]
    steps = [f"step {n} of {scenes}" for n in range(1, scenes + 1)]
    assert [m for m in messages if m in steps] == steps, f"every render step arrives, in order: {messages}"
    assert events[-1][2]["data"]["videoUrl"].endswith(f"/api/v3/jobs/{job['id']}/video")

    history = await staged.client.get(f"/api/v3/jobs/{job['id']}/history?limit=1000", headers=staged.headers)
    assert [(e["seq"], e["type"]) for e in history.json()["data"]] == [(s, k) for s, k, _ in events]


async def test_a_reconnect_with_last_event_id_continues_without_gap_or_repeat(staged: Staged) -> None:
    job = await staged.wait((await staged.create("Shoe"))["id"], "storyboard_ready")
    await staged.act(job["id"], "cancel")
    url = f"/api/v3/jobs/{job['id']}/events"
    whole = sse_events((await staged.client.get(url, headers=staged.headers)).text)
    cut = len(whole) // 2

    resumed = await staged.client.get(
        url, headers={**staged.headers, "Last-Event-ID": str(whole[cut - 1][0])}
    )
    at_end = await staged.client.get(url, headers={**staged.headers, "Last-Event-ID": str(whole[-1][0])})

    assert whole[-1][1] == "job.cancelled"
    assert whole[:cut] + sse_events(resumed.text) == whole
    assert at_end.status_code == 200
    assert sse_events(at_end.text) == [], "nothing is left after the terminal event: the stream ends"
    beyond = await staged.client.get(url, headers={**staged.headers, "Last-Event-ID": "99999999999"})
    assert beyond.status_code == 200
    assert sse_events(beyond.text) == []


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
