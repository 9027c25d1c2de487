"""SPEC §5's table, cell by cell, against the state machine and against the job use cases.

The oracle is ``v3core.testing.oracle`` (SPEC written out by hand), never ``v3core.lifecycle``.
Every job reaches its status the way a user's would (create, plan, approve, fail, cancel).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from v3core.errors import IllegalTransition, UpstreamError
from v3core.lifecycle import FailedStep, JobAction, allowed_actions, next_status
from v3core.model import JobStatus
from v3core.services.jobs import CreateJobCommand, EditSceneCommand, JobActionCommand
from v3core.testing import oracle
from v3core.testing.oracle import ACTIONS, STATUSES, Accepted

from .conftest import World

CELLS = [(status, action) for status in STATUSES for action in ACTIONS]


def test_the_statuses_are_exactly_the_frontends_enum() -> None:
    assert [s.value for s in JobStatus] == list(STATUSES)


@pytest.mark.parametrize(("status", "action"), CELLS)
def test_the_state_machine_agrees_with_the_table(status: str, action: str) -> None:
    cell = oracle.expected(status, action)
    if not isinstance(cell, Accepted):
        with pytest.raises(IllegalTransition) as refused:
            next_status(JobStatus(status), JobAction(action), "storyboard_generation")
        assert status in str(refused.value)
        assert set(refused.value.allowed) == oracle.allowed_on_the_actions_endpoint(status)
        return
    if cell.moves_to == oracle.RETRY_TARGET:
        return  # per failed step, below
    moved = next_status(JobStatus(status), JobAction(action))
    assert moved.value in oracle.target(status, action)


@pytest.mark.parametrize(
    ("step", "resumes_in"),
    [
        ("asset_import", {"pending", "storyboard_processing"}),
        ("storyboard_generation", {"pending", "storyboard_processing"}),
        ("video_rendering", {"video_processing"}),
        ("media_generation", {"video_processing"}),
    ],
)
def test_retry_resumes_in_the_status_of_the_step_that_failed(step: str, resumes_in: set[str]) -> None:
    if step not in {s.value for s in FailedStep}:
        pytest.skip(f"the domain has no {step} step yet")
    assert oracle.STEP_STATUSES[step] == resumes_in
    assert next_status(JobStatus.FAILED, JobAction.RETRY, step).value in resumes_in


@pytest.mark.parametrize("status", STATUSES)
def test_a_409_lists_exactly_the_actions_the_table_allows(status: str) -> None:
    assert set(allowed_actions(JobStatus(status))) == oracle.allowed_on_the_actions_endpoint(status)


# -- the same table through the use cases ---------------------------------------------------


async def _created(world: World) -> str:
    view = await world.svc.create.execute(CreateJobCommand(world.owner_id, world.body()))
    return view.job.id


async def _ready(world: World) -> str:
    job_id = await _created(world)
    await world.svc.tasks.run_all()
    return job_id


async def _act(world: World, job_id: str, action: str, **fields: object) -> None:
    await world.svc.act.execute(JobActionCommand(world.owner_id, job_id, action, fields))


async def _replanning(world: World) -> str:
    job_id = await _ready(world)
    await _act(world, job_id, "reject_storyboard", feedback="warmer")
    return job_id  # scenes still exist: a refusal of a scene edit is the status's doing


async def _rendering(world: World) -> str:
    job_id = await _ready(world)
    await _act(world, job_id, "approve")
    return job_id


async def _completed(world: World) -> str:
    job_id = await _rendering(world)
    await world.svc.tasks.run_all()
    return job_id


async def _failed_in_rendering(world: World) -> str:
    world.svc.renderer.fail_with = RuntimeError("encoder exploded")
    job_id = await _completed(world)
    world.svc.renderer.fail_with = None
    return job_id


async def _failed_in_planning(world: World) -> str:
    world.planner.script.append(UpstreamError("provider down"))
    return await _ready(world)


async def _cancelled(world: World) -> str:
    job_id = await _ready(world)
    await _act(world, job_id, "cancel")
    return job_id


REACH: dict[str, Callable[[World], Awaitable[str]]] = {
    "pending": _created,
    "storyboard_processing": _replanning,
    "storyboard_ready": _ready,
    "video_processing": _rendering,
    "completed": _completed,
    "failed": _failed_in_rendering,
    "failed_in_planning": _failed_in_planning,
    "cancelled": _cancelled,
}


async def perform(world: World, job_id: str, action: str) -> None:
    """``action`` through its use case, with every precondition of the table met."""
    if action == "edit_scene":
        await world.svc.edit.execute(EditSceneCommand(world.owner_id, job_id, "1", {"script": "edited"}))
    elif action == "delete_scene":
        await world.svc.delete.execute(world.owner_id, job_id, "1")
    else:
        await _act(world, job_id, action, feedback="warmer", sceneNumber=1)


@pytest.mark.parametrize(("way", "action"), [(way, action) for way in REACH for action in ACTIONS])
async def test_the_use_cases_agree_with_the_table(world: World, way: str, action: str) -> None:
    job_id = await REACH[way](world)
    before = await world.svc.job(world.owner_id, job_id)
    status = way.removesuffix("_in_planning")
    assert before.status.value == status, f"could not reach {status}"
    cell = oracle.expected(status, action)

    if not isinstance(cell, Accepted):
        with pytest.raises(IllegalTransition) as refused:
            await perform(world, job_id, action)
        assert set(refused.value.allowed) == oracle.allowed_on_the_actions_endpoint(status)
        after = await world.svc.job(world.owner_id, job_id)
        assert (after.status, after.version) == (before.status, before.version), "a 409 changed the job"
        return

    await perform(world, job_id, action)
    after = await world.svc.job(world.owner_id, job_id)
    failed_step = before.error.step if before.error else None
    assert after.status.value in oracle.target(status, action, failed_step)


@pytest.mark.parametrize(
    "way", ["pending", "storyboard_processing", "video_processing", "completed", "cancelled"]
)
async def test_the_states_409_comes_before_complaints_about_the_input(world: World, way: str) -> None:
    """SPEC §5: refused in this state whatever the body; a 422 would suggest fixing the body."""
    job_id = await REACH[way](world)
    with pytest.raises(IllegalTransition):
        await _act(world, job_id, "reject_storyboard")  # no feedback
    with pytest.raises(IllegalTransition):
        await _act(world, job_id, "regenerate_scene")  # no sceneId
