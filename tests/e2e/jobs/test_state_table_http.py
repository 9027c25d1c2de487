"""SPEC §5's table over HTTP: every user action in every status, through the real app.

Each status is reached the way a user's job gets there (see ``staging`` for the cues that
hold or fail planning and rendering); the expected outcome is the cell of
``v3core.testing.oracle`` (SPEC written out), never the code's own transition table. Runs on
the in-memory store, SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.e2e.jobs.staging import Staged
from v3core.testing import oracle


async def _pending(s: Staged) -> dict[str, Any]:
    return await s.create("hold-pending")


async def _processing(s: Staged) -> dict[str, Any]:
    job = await s.create("hold-planning")
    return await s.wait(job["id"], "storyboard_processing")


async def _ready(s: Staged, product: str = "Shoe") -> dict[str, Any]:
    job = await s.create(product, Prefer="wait=30")
    return await s.wait(job["id"], "storyboard_ready")  # a loaded machine may outlast the wait


async def _rendering(s: Staged) -> dict[str, Any]:
    job = await _ready(s, "hold-render")
    assert (await s.act(job["id"], "approve")).status_code == 200
    return await s.wait(job["id"], "video_processing")


async def _completed(s: Staged) -> dict[str, Any]:
    job = await _ready(s)
    assert (await s.act(job["id"], "approve")).status_code == 200
    return await s.wait(job["id"], "completed")


async def _failed_planning(s: Staged) -> dict[str, Any]:
    job = await s.create("fail-planning")
    failed = await s.wait(job["id"], "failed")
    assert failed["failedStep"] == "storyboard_generation"
    return failed


async def _failed_rendering(s: Staged) -> dict[str, Any]:
    job = await _ready(s, "fail-render")
    assert (await s.act(job["id"], "approve")).status_code == 200
    failed = await s.wait(job["id"], "failed")
    assert failed["failedStep"] == "video_rendering"
    return failed


async def _cancelled(s: Staged) -> dict[str, Any]:
    job = await _ready(s)
    assert (await s.act(job["id"], "cancel")).status_code == 200
    return await s.job(job["id"])


REACH: dict[str, tuple[str, Callable[[Staged], Awaitable[dict[str, Any]]]]] = {
    "pending": ("pending", _pending),
    "storyboard_processing": ("storyboard_processing", _processing),
    "storyboard_ready": ("storyboard_ready", _ready),
    "video_processing": ("video_processing", _rendering),
    "completed": ("completed", _completed),
    "failed_in_planning": ("failed", _failed_planning),
    "failed_in_rendering": ("failed", _failed_rendering),
    "cancelled": ("cancelled", _cancelled),
}


async def perform(s: Staged, job_id: str, action: str) -> list[Any]:
    """``action`` through every route that does it, with its preconditions met; the responses."""
    scene = f"/api/v3/jobs/{job_id}/scenes/1"
    if action == "edit_scene":
        return [await s.client.put(scene, json={"script": "Edited by a person"}, headers=s.headers)]
    if action == "delete_scene":
        return [await s.client.delete(scene, headers=s.headers)]
    if action == "regenerate_scene":
        by_action = await s.act(job_id, "regenerate_scene", sceneNumber=1, feedback="closer")
        by_route = await s.client.post(f"{scene}/regenerate", json={"feedback": "closer"}, headers=s.headers)
        return [by_action, by_route]
    return [await s.act(job_id, action, feedback="warmer")]


def _refusal_is_a_409_naming_state_and_allowed(response: Any, status: str) -> None:
    assert response.status_code == 409, response.text
    envelope = response.json()
    assert envelope["data"] is None
    assert envelope["meta"]["code"] == "conflict"
    message = envelope["error"]
    assert status in message, message
    for name in oracle.allowed_on_the_actions_endpoint(status):
        assert name in message, f"the 409 does not name the allowed action {name}: {message}"


async def _accepted(s: Staged, status: str, action: str, job: dict[str, Any]) -> None:
    responses = await perform(s, job["id"], action)
    for response in responses:
        assert response.status_code == 200, f"{action} in {status}: {response.text}"
    after = await s.job(job["id"])
    landed = responses[0].json()["data"].get("status", after["status"])
    assert landed in oracle.target(status, action, job.get("failedStep")), (
        f"{action} moved {status} to {landed}"
    )


@pytest.mark.parametrize("way", list(REACH))
async def test_every_action_in_every_status_answers_as_the_table_says(staged: Staged, way: str) -> None:
    status, reach = REACH[way]
    job = await reach(staged)
    assert job["status"] == status
    refused = [a for a in oracle.ACTIONS if isinstance(oracle.expected(status, a), oracle.Refused)]
    for action in refused:
        for response in await perform(staged, job["id"], action):
            _refusal_is_a_409_naming_state_and_allowed(response, status)
        again = await staged.job(job["id"])
        assert (again["status"], again["scenes"]) == (job["status"], job["scenes"]), f"a refused {action}"

    accepted = {a: c for a in oracle.ACTIONS if isinstance(c := oracle.expected(status, a), oracle.Accepted)}
    staying = [a for a, cell in accepted.items() if cell.moves_to == oracle.STAYS]
    for action in staying:
        await _accepted(staged, status, action, job)
    for index, action in enumerate(a for a in accepted if a not in staying):
        fresh = job if index == 0 else await reach(staged)
        await _accepted(staged, status, action, fresh)
    await staged.cancel_leftovers()


async def test_approving_a_storyboard_without_scenes_is_a_409_and_nothing_moves(staged: Staged) -> None:
    job = await _ready(staged)
    for scene in job["scenes"]:
        deleted = await staged.client.delete(
            f"/api/v3/jobs/{job['id']}/scenes/{scene['id']}", headers=staged.headers
        )
        assert deleted.status_code == 200, deleted.text
    response = await staged.act(job["id"], "approve")
    assert response.status_code == 409
    assert response.json()["meta"]["code"] == "conflict"
    assert "scene" in response.json()["error"]
    after = await staged.job(job["id"])
    assert (after["status"], after["scenes"]) == ("storyboard_ready", [])
    await staged.cancel_leftovers()
