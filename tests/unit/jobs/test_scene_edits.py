"""A person's scene edits and the scene reads, through the use cases (SPEC §4 Scenes, §6;
docs/api.md "Scenes"): PUT is partial, a change moves the version once, an edit that changes
nothing keeps it, a stale version is a 409 and changes nothing, bad input is a 422 naming the
field and changes nothing."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from v3core.errors import NotFound, StaleVersion, ValidationFailed
from v3core.model import AssetType, BrandGuidelines, Scene
from v3core.ports.planner import PlanMode
from v3core.services.jobs import CreateJobCommand, EditSceneCommand, JobActionCommand, ListScenes

from .conftest import World


async def _ready(world: World, **creative: Any) -> str:
    view = await world.svc.create.execute(CreateJobCommand(world.owner_id, world.body(**creative)))
    await world.svc.tasks.run_all()
    return view.job.id


async def _scenes(world: World, job_id: str) -> list[Scene]:
    return list(await ListScenes(world.svc.kit.uow).execute(world.owner_id, job_id))


async def _edit(world: World, job_id: str, changes: dict[str, Any], ref: str = "2", **kw: Any) -> Scene:
    return await world.svc.edit.execute(EditSceneCommand(world.owner_id, job_id, ref, changes, **kw))


async def test_an_edit_changes_the_fields_sent_and_nothing_else(world: World) -> None:
    job_id = await _ready(world)
    before = await _scenes(world, job_id)
    target = before[1]
    earlier = world.svc.clock.now()

    edited = await _edit(
        world,
        job_id,
        {
            "duration": 4.567,
            "description": "  A runner checks the watch  ",
            "script": "   ",
            "shotType": "closeup",  # SPEC §6: spelling normalised
            "transition": "Fade",
            "metadata": {"mood": "calm"},
        },
    )

    assert (edited.id, edited.number) == (target.id, target.number)
    assert edited.duration == 4.57
    assert edited.description == "A runner checks the watch"
    assert edited.script == ""
    assert (edited.shot_type, edited.transition) == ("close-up", "fade")
    assert edited.metadata == {**target.metadata, "mood": "calm"}
    assert edited.version == target.version + 1
    assert earlier < edited.updated_at < world.svc.clock.now()
    assert (edited.asset_ids, edited.created_at) == (target.asset_ids, target.created_at)
    after = await _scenes(world, job_id)
    assert after[1] == edited
    assert [s for s in after if s.id != target.id] == [s for s in before if s.id != target.id]


async def test_metadata_merges_key_by_key_and_null_removes_a_key(world: World) -> None:
    job_id = await _ready(world)
    await _edit(world, job_id, {"metadata": {"a": 1, "b": {"c": 2, "d": 3}}})
    edited = await _edit(world, job_id, {"metadata": {"a": None, "b": {"c": 5}}})
    assert {k: edited.metadata[k] for k in edited.metadata if k in ("a", "b")} == {"b": {"c": 5, "d": 3}}


async def test_an_edit_that_changes_nothing_keeps_the_version(world: World) -> None:
    job_id = await _ready(world)
    target = (await _scenes(world, job_id))[1]
    same = await _edit(
        world,
        job_id,
        {"description": target.description, "duration": target.duration, "shotType": target.shot_type},
    )
    assert same == target
    assert (await _scenes(world, job_id))[1] == target


@pytest.mark.parametrize("duration", [0.5, 120, 7])
async def test_durations_from_half_a_second_to_120_are_accepted(world: World, duration: float) -> None:
    job_id = await _ready(world)
    assert (await _edit(world, job_id, {"duration": duration})).duration == duration


RANGE = "Duration must be a number of seconds from 0.5 to 120"
REFUSED: list[tuple[dict[str, Any], tuple[str | int, ...], str, str]] = [
    ({"duration": 0.49}, ("duration",), RANGE, "range"),
    ({"duration": 120.01}, ("duration",), RANGE, "range"),
    ({"duration": True}, ("duration",), RANGE, "range"),
    ({"duration": "5"}, ("duration",), RANGE, "range"),
    ({"description": "  "}, ("description",), "String should not be empty", "string_too_short"),
    ({"description": 5}, ("description",), "Input should be a string", "string_type"),
    ({"script": ["x"]}, ("script",), "Input should be a string", "string_type"),
    ({"shotType": " "}, ("shotType",), "String should not be empty", "string_too_short"),
    ({"shotType": 3}, ("shotType",), "Input should be a string", "string_type"),
    ({"transition": ""}, ("transition",), "String should not be empty", "string_too_short"),
    ({"transition": None}, ("transition",), "Input should be a string", "string_type"),
    ({"assets": "logo"}, ("assets",), "Input should be a list of asset ids", "list_type"),
    ({"assets": [1]}, ("assets",), "Input should be a list of asset ids", "list_type"),
    (
        {"assets": ["someone-elses"]},
        ("assets", 0),
        "asset 'someone-elses' is not one of this job's assets",
        "value_error",
    ),
    ({"metadata": ["a"]}, ("metadata",), "Input should be an object", "object_type"),
    # a valid field before a refused one is not saved either
    (
        {"script": "new", "description": ""},
        ("description",),
        "String should not be empty",
        "string_too_short",
    ),
]


@pytest.mark.parametrize(("changes", "loc", "msg", "type_"), REFUSED)
async def test_bad_input_is_refused_naming_the_field_and_changes_nothing(
    world: World, changes: dict[str, Any], loc: tuple[str | int, ...], msg: str, type_: str
) -> None:
    job_id = await _ready(world)
    before = await _scenes(world, job_id)
    with pytest.raises(ValidationFailed) as caught:
        await _edit(world, job_id, changes)
    assert [(d.loc, d.msg, d.type) for d in caught.value.details] == [(loc, msg, type_)]
    assert await _scenes(world, job_id) == before


async def test_unknown_vocabulary_is_refused_at_its_field(world: World) -> None:
    job_id = await _ready(world)
    for field in ("shotType", "transition"):
        with pytest.raises(ValidationFailed) as caught:
            await _edit(world, job_id, {field: "sideways somersault"})
        assert [d.loc for d in caught.value.details] == [(field,)]


async def test_scene_assets_come_from_the_jobs_own_assets_once_each_in_order(world: World) -> None:
    logo = await world.svc.seed_asset(world.owner_id, world.client_id, AssetType.IMAGE, "logo")
    box = await world.svc.seed_asset(world.owner_id, world.client_id, AssetType.IMAGE, "box")
    job_id = await _ready(world, assets=[{"assetId": logo.id}, {"assetId": box.id}])
    edited = await _edit(world, job_id, {"assets": [box.id, logo.id, box.id]})
    assert edited.asset_ids == (box.id, logo.id)
    with pytest.raises(ValidationFailed) as caught:
        await _edit(world, job_id, {"assets": [logo.id, "not-this-jobs"]})
    assert [d.loc for d in caught.value.details] == [("assets", 1)]


async def test_a_stale_version_is_a_conflict_naming_both_versions_and_changes_nothing(world: World) -> None:
    job_id = await _ready(world)
    target = (await _scenes(world, job_id))[1]
    await _edit(world, job_id, {"script": "first"}, expected_version=target.version)
    with pytest.raises(StaleVersion) as caught:
        await _edit(world, job_id, {"script": "second"}, expected_version=target.version)
    assert (caught.value.expected, caught.value.actual) == (target.version, target.version + 1)
    assert f"scene {target.id!r}" in str(caught.value)
    assert (await _scenes(world, job_id))[1].script == "first"


async def test_scenes_are_read_in_order_by_number_or_by_id_and_only_by_their_owner(world: World) -> None:
    job_id = await _ready(world)
    scenes = await _scenes(world, job_id)
    assert [s.number for s in scenes] == list(range(1, len(scenes) + 1))
    reads = ListScenes(world.svc.kit.uow)
    assert await reads.one(world.owner_id, job_id, "2") == scenes[1]
    assert await reads.one(world.owner_id, job_id, scenes[2].id) == scenes[2]
    with pytest.raises(NotFound):
        await reads.one(world.owner_id, job_id, "99")
    stranger, _ = await world.svc.seed_owner()
    with pytest.raises(NotFound):
        await reads.execute(stranger, job_id)
    with pytest.raises(NotFound):
        await reads.one(stranger, job_id, "1")


async def test_deleting_a_scene_touches_the_job(world: World) -> None:
    job_id = await _ready(world)
    earlier = world.svc.clock.now()
    await world.svc.delete.execute(world.owner_id, job_id, "1")
    assert earlier < (await world.svc.job(world.owner_id, job_id)).updated_at < world.svc.clock.now()


async def test_regenerating_a_scene_asks_the_planner_with_the_brief_brand_assets_and_the_storyboard(
    world: World,
) -> None:
    """SPEC §6: the prompt carries the brief, the client's brand guidelines and the available
    assets; regeneration honours the constraints; SPEC §4: the answer is the replaced scene."""
    async with world.svc.kit.uow() as uow:
        client = await uow.clients.get(world.owner_id, world.client_id)
        assert client is not None
        brand = BrandGuidelines(colors=("#112233",), tone="warm", restrictions=("no red",))
        await uow.clients.update(attrs.evolve(client, brand_guidelines=brand))
        await uow.commit()
    logo = await world.svc.seed_asset(world.owner_id, world.client_id, AssetType.IMAGE, "logo")
    job_id = await _ready(world, assets=[{"assetId": logo.id, "role": "logo"}])
    job = await world.svc.job(world.owner_id, job_id)
    before = await _scenes(world, job_id)
    world.planner.requests.clear()

    result = await world.svc.act.execute(
        JobActionCommand(
            world.owner_id,
            job_id,
            "regenerate_scene",
            {
                "sceneNumber": 2,
                "feedback": "show the strap",
                "constraints": {"shotType": "wide", "duration": 4},
            },
        )
    )

    (request,) = world.planner.requests
    assert request.mode is PlanMode.SCENE
    assert (request.brief, request.rules) == (job.brief, world.svc.kit.rules)
    assert (request.client_name, request.brand) == ("Acme", brand)
    assert [(a.id, a.type, a.name, a.role) for a in request.assets] == [(logo.id, "image", "logo", "logo")]
    assert (request.feedback, request.scene_number) == ("show the strap", 2)
    assert request.constraints is not None
    assert (request.constraints.shot_type, request.constraints.duration) == ("wide", 4)
    assert [d.number for d in request.current_scenes] == [s.number for s in before]
    assert [d.description for d in request.current_scenes] == [s.description for s in before]
    scene = result.scene
    assert scene is not None
    assert (scene.id, scene.number, scene.version) == (before[1].id, 2, before[1].version + 1)
    assert (scene.shot_type, scene.duration) == ("wide", 4)
    after = await _scenes(world, job_id)
    assert after[1] == scene
    assert [s for s in after if s.number != 2] == [s for s in before if s.number != 2]
    regenerated = await world.svc.job(world.owner_id, job_id)
    assert regenerated.updated_at > job.updated_at


async def test_a_regenerated_last_scene_still_carries_the_call_to_action(world: World) -> None:
    """SPEC §6: the call to action appears in the last scene's script, whatever the AI returns."""
    job_id = await _ready(world)
    last = (await _scenes(world, job_id))[-1]
    world.planner.script.append(
        {
            "description": "The watch on a wrist",
            "script": "Time to run",
            "shotType": "close-up",
            "transition": "cut",
        }
    )
    result = await world.svc.act.execute(
        JobActionCommand(world.owner_id, job_id, "regenerate_scene", {"sceneId": last.id})
    )
    assert result.scene is not None
    assert result.scene.description == "The watch on a wrist"
    assert "Time to run" in result.scene.script
    assert "Buy Now" in result.scene.script
