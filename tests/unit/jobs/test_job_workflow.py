"""The job use cases end to end over fakes: create → plan → review → approve → render."""

from __future__ import annotations

import math

import pytest

from v3core.errors import Conflict, IllegalTransition, NotFound, StaleVersion, ValidationFailed
from v3core.model import JobStatus
from v3core.services.jobs import CreateJobCommand, EditSceneCommand, JobActionCommand
from v3core.testing.fakes import StoringUrlImporter

from .conftest import World


async def _ready_job(world: World, **creative: object) -> str:
    view = await world.svc.create.execute(CreateJobCommand(world.owner_id, world.body(**creative)))
    await world.svc.tasks.run_all()
    return view.job.id


async def test_the_seed_minimal_brief_becomes_a_storyboard_ready_for_review(world: World) -> None:
    job_id = await _ready_job(world)
    job = await world.svc.job(world.owner_id, job_id)
    assert job.status is JobStatus.STORYBOARD_READY
    async with world.svc.kit.uow() as uow:
        scenes = await uow.scenes.list_for_job(job_id)
    assert 3 <= len(scenes) <= 7
    assert math.isclose(sum(s.duration for s in scenes), 30.0, abs_tol=0.01)
    assert "buy now" in scenes[-1].script.lower()


async def test_a_job_for_an_unknown_client_names_the_field(world: World) -> None:
    body = world.body()
    body["context"] = {"clientId": "nope"}
    with pytest.raises(NotFound) as caught:
        await world.svc.create.execute(CreateJobCommand(world.owner_id, body))
    assert caught.value.field == "context.clientId"


async def test_another_tenants_client_looks_missing(world: World) -> None:
    other_owner, _ = await world.svc.seed_owner()
    with pytest.raises(NotFound):
        await world.svc.create.execute(CreateJobCommand(other_owner, world.body()))


async def test_the_same_idempotency_key_and_body_return_the_same_job(world: World) -> None:
    first = await world.svc.create.execute(CreateJobCommand(world.owner_id, world.body(), "key-1"))
    again = await world.svc.create.execute(CreateJobCommand(world.owner_id, world.body(), "key-1"))
    assert again.job.id == first.job.id
    assert again.created is False
    other = world.body()
    other["adBasics"] = {**other["adBasics"], "product": "Another"}
    with pytest.raises(Conflict):
        await world.svc.create.execute(CreateJobCommand(world.owner_id, other, "key-1"))


async def test_invalid_planner_output_is_repaired_once_with_the_validation_error(world: World) -> None:
    world.planner.script.append({"scenes": []})
    job_id = await _ready_job(world)
    assert (await world.svc.job(world.owner_id, job_id)).status is JobStatus.STORYBOARD_READY
    assert world.planner.requests[1].repair_hint


async def test_output_invalid_twice_fails_the_job_with_the_step_and_a_code(world: World) -> None:
    world.planner.script.extend(["not json at all", {"scenes": "nope"}])
    job_id = await _ready_job(world)
    job = await world.svc.job(world.owner_id, job_id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert (job.error.step, job.error.code) == ("storyboard_generation", "invalid_ai_output")


async def test_retry_after_a_planning_failure_plans_again(world: World) -> None:
    from v3core.errors import UpstreamError

    world.planner.script.append(UpstreamError("provider down"))
    job_id = await _ready_job(world)
    assert (await world.svc.job(world.owner_id, job_id)).status is JobStatus.FAILED
    await world.svc.act.execute(JobActionCommand(world.owner_id, job_id, "retry"))
    await world.svc.tasks.run_all()
    assert (await world.svc.job(world.owner_id, job_id)).status is JobStatus.STORYBOARD_READY


async def test_editing_with_a_stale_version_is_refused_and_nothing_is_lost(world: World) -> None:
    job_id = await _ready_job(world)
    edited = await world.svc.edit.execute(
        EditSceneCommand(world.owner_id, job_id, "1", {"script": "first"}, expected_version=1)
    )
    assert edited.version == 2
    with pytest.raises(StaleVersion):
        await world.svc.edit.execute(EditSceneCommand(world.owner_id, job_id, "1", {"script": "second"}, 1))
    async with world.svc.kit.uow() as uow:
        scenes = await uow.scenes.list_for_job(job_id)
    assert scenes[0].script == "first"


async def test_regenerating_one_scene_honours_constraints_and_keeps_the_others(world: World) -> None:
    job_id = await _ready_job(world)
    async with world.svc.kit.uow() as uow:
        before = await uow.scenes.list_for_job(job_id)
    result = await world.svc.act.execute(
        JobActionCommand(
            world.owner_id,
            job_id,
            "regenerate_scene",
            {
                "sceneNumber": 2,
                "feedback": "more energy",
                "constraints": {"duration": 4, "shotType": "closeup"},
            },
        )
    )
    assert result.scene is not None
    assert (result.scene.number, result.scene.duration, result.scene.shot_type) == (2, 4.0, "close-up")
    async with world.svc.kit.uow() as uow:
        after = await uow.scenes.list_for_job(job_id)
    assert [s for s in after if s.number != 2] == [s for s in before if s.number != 2]


async def test_reject_needs_feedback_and_replans_the_storyboard(world: World) -> None:
    job_id = await _ready_job(world)
    with pytest.raises(ValidationFailed):
        await world.svc.act.execute(JobActionCommand(world.owner_id, job_id, "reject"))
    result = await world.svc.act.execute(
        JobActionCommand(world.owner_id, job_id, "REJECT_STORYBOARD", {"payload": {"feedback": "warmer"}})
    )
    assert result.view.job.status is JobStatus.STORYBOARD_PROCESSING
    await world.svc.tasks.run_all()
    assert (await world.svc.job(world.owner_id, job_id)).status is JobStatus.STORYBOARD_READY


async def test_approval_locks_the_scenes_and_rendering_completes_the_job(world: World) -> None:
    job_id = await _ready_job(world)
    await world.svc.act.execute(JobActionCommand(world.owner_id, job_id, "approve"))
    with pytest.raises(IllegalTransition):
        await world.svc.edit.execute(EditSceneCommand(world.owner_id, job_id, "1", {"script": "late"}))
    await world.svc.tasks.run_all()
    job = await world.svc.job(world.owner_id, job_id)
    assert job.status is JobStatus.COMPLETED
    assert job.video_asset_id in world.svc.archive.stored
    assert job.cost.breakdown["video_rendering"] > 0
    assert job.cost.actual == pytest.approx(sum(job.cost.breakdown.values()))


async def test_a_render_failure_fails_the_job_and_retry_renders_again(world: World) -> None:
    job_id = await _ready_job(world)
    world.svc.renderer.fail_with = RuntimeError("encoder exploded")
    await world.svc.act.execute(JobActionCommand(world.owner_id, job_id, "approve"))
    await world.svc.tasks.run_all()
    job = await world.svc.job(world.owner_id, job_id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert job.error.step == "video_rendering"
    world.svc.renderer.fail_with = None
    await world.svc.act.execute(JobActionCommand(world.owner_id, job_id, "retry"))
    await world.svc.tasks.run_all()
    assert (await world.svc.job(world.owner_id, job_id)).status is JobStatus.COMPLETED


async def test_cancel_stops_pending_work(world: World) -> None:
    view = await world.svc.create.execute(CreateJobCommand(world.owner_id, world.body()))
    await world.svc.act.execute(JobActionCommand(world.owner_id, view.job.id, "cancel"))
    await world.svc.tasks.run_all()
    job = await world.svc.job(world.owner_id, view.job.id)
    assert job.status is JobStatus.CANCELLED
    assert view.job.id in world.svc.tasks.cancelled


async def test_url_assets_that_cannot_be_imported_fail_the_import_step(world: World) -> None:
    assert isinstance(world.svc.importer, StoringUrlImporter)
    world.svc.importer.fail_next = True
    job_id = await _ready_job(world, assets=[{"url": "https://example.test/a.png", "type": "image"}])
    job = await world.svc.job(world.owner_id, job_id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert (job.error.step, job.error.code) == ("asset_import", "upstream_error")
