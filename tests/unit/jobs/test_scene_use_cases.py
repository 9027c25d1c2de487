"""Scene delete and regeneration through the use cases (SPEC §4 Scenes, §4 actions, §6)."""

from __future__ import annotations

import pytest

from v3core.errors import Conflict, NotFound
from v3core.model import JobStatus, Scene
from v3core.services.jobs import CreateJobCommand, JobActionCommand

from .conftest import World


async def _ready(world: World) -> str:
    view = await world.svc.create.execute(CreateJobCommand(world.owner_id, world.body()))
    await world.svc.tasks.run_all()
    return view.job.id


async def _scenes(world: World, job_id: str) -> list[Scene]:
    async with world.svc.kit.uow() as uow:
        return list(await uow.scenes.list_for_job(job_id))


@pytest.mark.parametrize("by", ["number", "id"])
async def test_deleting_a_scene_removes_exactly_that_one_and_leaves_the_others_as_they_were(
    world: World, by: str
) -> None:
    job_id = await _ready(world)
    before = await _scenes(world, job_id)
    assert len(before) >= 3
    doomed = before[1]

    await world.svc.delete.execute(world.owner_id, job_id, "2" if by == "number" else doomed.id)

    after = await _scenes(world, job_id)
    assert after == [s for s in before if s.id != doomed.id]
    assert [s.number for s in after] == [1, *range(3, len(before) + 1)], "the others keep their numbers"


async def test_deleting_a_scene_that_is_not_there_is_not_found_and_deletes_nothing(world: World) -> None:
    job_id = await _ready(world)
    before = await _scenes(world, job_id)
    with pytest.raises(NotFound):
        await world.svc.delete.execute(world.owner_id, job_id, "99")
    assert await _scenes(world, job_id) == before


async def test_regenerate_scene_by_scene_id_replaces_that_scene_only(world: World) -> None:
    job_id = await _ready(world)
    before = await _scenes(world, job_id)
    target = before[2]

    result = await world.svc.act.execute(
        JobActionCommand(
            world.owner_id,
            job_id,
            "regenerate",
            {"sceneId": target.id, "feedback": "show the box", "constraints": {"shotType": "wide"}},
        )
    )

    assert result.scene is not None
    assert (result.scene.id, result.scene.number, result.scene.version) == (target.id, 3, target.version + 1)
    assert result.scene.shot_type == "wide"
    after = await _scenes(world, job_id)
    assert [s for s in after if s.id != target.id] == [s for s in before if s.id != target.id]
    assert (await world.svc.job(world.owner_id, job_id)).status is JobStatus.STORYBOARD_READY


@pytest.mark.parametrize("feedback", [None, "warmer colours"])
async def test_regenerate_all_scenes_keeps_the_scene_count(world: World, feedback: str | None) -> None:
    job_id = await _ready(world)
    planned = await _scenes(world, job_id)
    await world.svc.delete.execute(world.owner_id, job_id, str(planned[-1].number))
    kept = len(planned) - 1
    assert kept >= world.svc.kit.rules.min_scenes, "the brief plans enough scenes for this test"

    await world.svc.act.execute(
        JobActionCommand(world.owner_id, job_id, "regenerate_all_scenes", {"feedback": feedback})
    )
    await world.svc.tasks.run_all()

    replanned = await _scenes(world, job_id)
    assert len(replanned) == kept
    assert [s.number for s in replanned] == list(range(1, kept + 1))
    assert {s.id for s in replanned}.isdisjoint({s.id for s in planned}), "every scene was replanned"


async def test_regenerate_all_scenes_follows_feedback_that_asks_for_a_count(world: World) -> None:
    job_id = await _ready(world)
    await world.svc.act.execute(
        JobActionCommand(world.owner_id, job_id, "regenerate_all_scenes", {"feedback": "make it 6 scenes"})
    )
    await world.svc.tasks.run_all()
    assert len(await _scenes(world, job_id)) == 6


async def test_approving_a_storyboard_with_no_scenes_is_a_conflict_and_nothing_moves(world: World) -> None:
    job_id = await _ready(world)
    for scene in await _scenes(world, job_id):
        await world.svc.delete.execute(world.owner_id, job_id, scene.id)
    before = await world.svc.job(world.owner_id, job_id)

    with pytest.raises(Conflict) as refused:
        await world.svc.act.execute(JobActionCommand(world.owner_id, job_id, "approve"))

    assert "scene" in str(refused.value)
    after = await world.svc.job(world.owner_id, job_id)
    assert (after.status, after.version) == (JobStatus.STORYBOARD_READY, before.version)
