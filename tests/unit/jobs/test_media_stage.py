"""Generated footage (SPEC §8): frames at planning, clips before rendering, reuse, failures, budget."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import pytest

from tests.unit.jobs.media_world import MediaWorld, until
from v3core.errors import ContentRefused, RateLimited, StaleVersion
from v3core.model import AssetType, BrandGuidelines, JobStatus
from v3core.testing.media_fakes import failing

SCENES = 5


@pytest.fixture
async def world(tmp_path: Path) -> MediaWorld:
    w = MediaWorld(tmp_path)
    await w.seed()
    return w


async def test_planning_draws_one_frame_per_scene_as_its_preview(world: MediaWorld) -> None:
    job_id = await world.ready_job()

    scenes = await world.scenes(job_id)
    frames = {a.id: a for a in await world.generated(job_id, "frame")}
    assert len(scenes) == SCENES
    assert world.image.calls == SCENES
    for scene in scenes:
        frame = frames[scene.preview_asset_id or ""]
        assert frame.type == AssetType.IMAGE
        assert frame.job_id == job_id
        assert frame.generation is not None
        assert frame.generation.scene_number == scene.number
    assert (await world.job(job_id)).cost.breakdown["image_generation"] == pytest.approx(SCENES * 0.003)


async def test_approval_generates_one_clip_per_scene_starting_on_its_frame(world: MediaWorld) -> None:
    job_id = await world.ready_job()
    await world.action(job_id, "approve")
    await world.tasks.run_all()

    job = await world.job(job_id)
    assert job.status == JobStatus.COMPLETED, job.error
    clips = await world.generated(job_id, "clip")
    assert sorted(c.generation.scene_number for c in clips if c.generation) == list(range(1, SCENES + 1))
    assert all(c.type == AssetType.VIDEO and c.job_id == job_id for c in clips)
    assert world.video.calls == SCENES
    assert world.image.calls == SCENES
    assert all(r.first_frame is not None for r in world.video.requests)
    rendered = world.renderer.requests[-1]
    by_id = {c.id: c for c in clips}
    for scene in rendered.scenes:
        assert scene.visual is not None
        assert scene.visual.type == "video"
        assert by_id[scene.visual.asset_id].generation.scene_number == scene.number  # type: ignore[union-attr]
    seconds = sum(s.duration for s in await world.scenes(job_id))
    assert job.cost.breakdown["video_generation"] == pytest.approx(seconds * 0.05)
    assert math.isclose(job.cost.actual, sum(job.cost.breakdown.values()), abs_tol=1e-6)


async def test_a_retry_after_one_failed_clip_makes_exactly_one_new_call(world: MediaWorld) -> None:
    job_id = await world.ready_job()
    await world.edit_scene(job_id, 3, description="A lighthouse keeper laces the shoe")
    world.video.behaviour.fail_on["lighthouse"] = failing("prediction failed")
    await world.action(job_id, "approve")
    await world.tasks.run_all()

    failed = await world.job(job_id)
    assert failed.status == JobStatus.FAILED
    assert failed.error is not None
    assert (failed.error.code, failed.error.step) == ("media_generation_failed", "media_generation")
    assert "scene 3" in failed.error.message
    assert "prediction failed" in failed.error.message
    assert world.video.calls == SCENES - 1

    world.video.behaviour.fail_on.clear()
    frames_before = world.image.calls
    await world.action(job_id, "retry")
    await world.tasks.run_all()

    assert (await world.job(job_id)).status == JobStatus.COMPLETED
    assert world.video.calls == SCENES
    assert world.image.calls == frames_before


async def test_an_unexpected_exception_in_a_generator_fails_the_job_naming_the_scene(
    world: MediaWorld,
) -> None:
    job_id = await world.ready_job()
    await world.edit_scene(job_id, 2, description="A lighthouse keeper laces the shoe")
    world.video.behaviour.fail_on["lighthouse"] = RuntimeError("socket closed")
    await world.action(job_id, "approve")
    await world.tasks.run_all()

    job = await world.job(job_id)
    assert job.status == JobStatus.FAILED
    assert job.error is not None
    assert job.error.code == "media_generation_failed"
    assert "scene 2" in job.error.message


async def test_max_cost_fails_the_job_before_the_clips_are_asked_for(world: MediaWorld) -> None:
    job_id = await world.ready_job(maxCost=0.5)
    spent = (await world.job(job_id)).cost.actual
    await world.action(job_id, "approve")
    await world.tasks.run_all()

    job = await world.job(job_id)
    assert job.status == JobStatus.FAILED
    assert job.error is not None
    assert (job.error.code, job.error.step) == ("budget_exceeded", "media_generation")
    assert "0.5000" in job.error.message
    assert f"{spent:.4f}" in job.error.message
    assert world.video.behaviour.started == 0
    assert job.cost.actual == spent


async def test_editing_one_scenes_description_redraws_only_its_frame(world: MediaWorld) -> None:
    job_id = await world.ready_job()
    before = {s.number: s.preview_asset_id for s in await world.scenes(job_id)}

    await world.edit_scene(job_id, 2, description="A close look at the tread on wet rock")
    await world.edit_scene(job_id, 4, script="New words only")

    after = {s.number: s.preview_asset_id for s in await world.scenes(job_id)}
    assert world.image.calls == SCENES + 1
    assert after[2] != before[2]
    assert {n: after[n] for n in after if n != 2} == {n: before[n] for n in before if n != 2}


async def test_regenerating_one_scene_makes_one_image_call(world: MediaWorld) -> None:
    job_id = await world.ready_job()
    before = {s.number: s.preview_asset_id for s in await world.scenes(job_id)}
    await world.action(job_id, "regenerate_scene", sceneNumber=3, feedback="make it an aerial shot")

    after = {s.number: s.preview_asset_id for s in await world.scenes(job_id)}
    assert world.image.calls == SCENES + 1
    assert [n for n in after if after[n] != before[n]] == [3]
    assert after[3] is not None, "the regenerated scene has its new frame"
    prompts = [r.prompt for r in world.image.requests]
    assert all("make it an aerial shot" not in p and "Take 2" not in p for p in prompts)


async def test_a_regeneration_that_leaves_the_picture_unchanged_reuses_the_frame(world: MediaWorld) -> None:
    job_id = await world.ready_job()
    await world.action(job_id, "regenerate_scene", sceneNumber=3, feedback="warmer words")
    assert world.image.calls == SCENES


async def test_brand_restrictions_reach_every_call_as_the_negative_prompt(tmp_path: Path) -> None:
    world = MediaWorld(tmp_path)
    await world.seed(BrandGuidelines(restrictions=("no competitor logos",), colors=("#ff5500",)))
    job_id = await world.ready_job()
    await world.action(job_id, "approve")
    await world.tasks.run_all()

    requests = [*world.image.requests, *world.video.requests]
    assert requests
    assert all("no competitor logos" in r.negative_prompt for r in requests)
    assert all(r.aspect_ratio == "16:9" for r in requests)


async def test_with_only_an_image_provider_each_scene_shows_its_frame(tmp_path: Path) -> None:
    world = MediaWorld(tmp_path, video=False)
    await world.seed()
    job_id = await world.ready_job()
    await world.action(job_id, "approve")
    await world.tasks.run_all()

    previews = {s.number: s.preview_asset_id for s in await world.scenes(job_id)}
    rendered = world.renderer.requests[-1].scenes
    assert all(s.visual is not None and s.visual.asset_id == previews[s.number] for s in rendered)
    assert world.image.calls == SCENES
    assert world.video.behaviour.started == 0


async def test_without_providers_nothing_is_generated(tmp_path: Path) -> None:
    world = MediaWorld(tmp_path, image=False, video=False)
    await world.seed()
    job_id = await world.ready_job()
    await world.action(job_id, "approve")
    await world.tasks.run_all()

    assert (await world.job(job_id)).status == JobStatus.COMPLETED
    assert all(s.visual is None for s in world.renderer.requests[-1].scenes)
    assert all(s.preview_asset_id is None for s in await world.scenes(job_id))
    assert "image_generation" not in (await world.job(job_id)).cost.breakdown


async def test_cancelling_the_job_cancels_the_calls_still_in_flight(tmp_path: Path) -> None:
    world = MediaWorld(tmp_path, concurrency=SCENES)
    await world.seed()
    job_id = await world.ready_job()
    await world.edit_scene(job_id, 1, description="A quick lighthouse glimpse")
    world.video.behaviour.block = True
    await world.action(job_id, "approve")
    rendering = asyncio.create_task(world.tasks.run_all())
    await until(lambda: world.video.behaviour.started == SCENES)

    await world.action(job_id, "cancel")
    rendering.cancel()  # what the task runner does on cancel
    await asyncio.gather(rendering, return_exceptions=True)

    assert (await world.job(job_id)).status == JobStatus.CANCELLED
    assert world.video.behaviour.cancelled == SCENES
    assert world.video.calls == 0


async def test_a_job_cancelled_while_its_task_keeps_running_makes_no_further_calls(tmp_path: Path) -> None:
    world = MediaWorld(tmp_path, concurrency=2)
    await world.seed()
    job_id = await world.ready_job()
    gate = asyncio.Event()
    world.video.behaviour.gate = gate
    await world.action(job_id, "approve")
    rendering = asyncio.create_task(world.tasks.run_all())
    await until(lambda: world.video.behaviour.started == 2)

    await world.action(job_id, "cancel")  # the recording runner does not stop the task
    gate.set()
    await rendering

    assert (await world.job(job_id)).status == JobStatus.CANCELLED
    assert world.video.behaviour.started == 2
    assert world.renderer.requests == []


async def test_a_rate_limited_call_is_made_again_after_the_wait_the_provider_asked_for(
    world: MediaWorld,
) -> None:
    job_id = await world.ready_job()
    world.video.behaviour.fail_first = [RateLimited("slow down", retry_after=0.01)]
    await world.action(job_id, "approve")
    await world.tasks.run_all()

    assert (await world.job(job_id)).status == JobStatus.COMPLETED
    assert world.video.behaviour.started == SCENES + 1
    assert world.video.calls == SCENES


async def test_a_content_refusal_fails_the_job_at_once_naming_the_scene(world: MediaWorld) -> None:
    job_id = await world.ready_job()
    await world.edit_scene(job_id, 4, description="A lighthouse in a storm")
    world.video.behaviour.fail_on["lighthouse"] = ContentRefused("refused by the content policy")
    await world.action(job_id, "approve")
    await world.tasks.run_all()

    job = await world.job(job_id)
    assert job.error is not None
    assert job.error.code == "media_generation_failed"
    assert "scene 4" in job.error.message
    assert "content_refused" in job.error.message
    assert world.video.behaviour.started == SCENES


async def test_an_edit_that_lands_while_a_frame_is_drawn_makes_the_slower_edit_a_conflict(
    world: MediaWorld,
) -> None:
    """SPEC §4: no lost update. Drawing the new frame happens outside the transaction; an edit
    saved meanwhile wins and the slower one is refused (409) naming both versions."""
    job_id = await world.ready_job()
    before = (await world.scenes(job_id))[1]
    world.image.behaviour.gate = gate = asyncio.Event()
    slow = asyncio.create_task(world.edit_scene(job_id, 2, description="A lighthouse at dawn"))
    await until(lambda: world.image.behaviour.started == SCENES + 1)
    world.image.behaviour.gate = None
    await world.edit_scene(job_id, 2, script="Faster words")
    gate.set()
    with pytest.raises(StaleVersion) as caught:
        await slow
    assert (caught.value.expected, caught.value.actual) == (before.version, before.version + 1)
    assert f"scene {before.id!r}" in str(caught.value)
    after = (await world.scenes(job_id))[1]
    assert (after.description, after.script, after.version) == (
        before.description,
        "Faster words",
        before.version + 1,
    )
