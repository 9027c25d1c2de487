"""Regenerating one scene honours its constraints and leaves the other scenes alone (SPEC §6)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.planners.template import plan_storyboard
from v3core.brief import Brief, parse_brief
from v3core.errors import ValidationFailed
from v3core.planning import normalise_scene, normalise_shot_type, normalise_storyboard, validate_constraints
from v3core.ports.planner import PlanAsset, PlanRequest
from v3core.storyboard import PlanningRules, SceneConstraints, SceneDraft
from v3core.testing.strategies import (
    SEED_MINIMAL_BRIEF,
    briefs,
    plan_assets,
    raw_constraints,
    raw_scenes,
    well_formed_scenes,
)

from .invariants import PROPERTY, attempt, storyboard_violations

RULES = PlanningRules()


@pytest.fixture
def brief() -> Brief:
    return parse_brief(SEED_MINIMAL_BRIEF)


def storyboard(brief: Brief, assets: tuple[PlanAsset, ...]) -> tuple[SceneDraft, ...]:
    raw = {"scenes": plan_storyboard(PlanRequest(brief=brief, rules=RULES, assets=assets))}
    return normalise_storyboard(raw, brief=brief, rules=RULES, assets=assets)


def replace(scenes: tuple[SceneDraft, ...], new: SceneDraft) -> tuple[SceneDraft, ...]:
    return tuple(new if s.number == new.number else s for s in scenes)


@PROPERTY
@given(brief=briefs(), assets=plan_assets(), data=st.data())
def test_a_regenerated_scene_honours_its_constraints_and_keeps_the_storyboard_valid(
    brief: Brief, assets: tuple[PlanAsset, ...], data: st.DataObject
) -> None:
    current = storyboard(brief, assets)
    number = data.draw(st.sampled_from([s.number for s in current]))
    constraints = validate_constraints(data.draw(raw_constraints(assets)), assets)
    raw = data.draw(
        st.one_of(well_formed_scenes(assets), well_formed_scenes(assets).map(lambda s: {"scene": s}))
    )
    new = normalise_scene(
        raw, brief=brief, rules=RULES, assets=assets, current=current, number=number, constraints=constraints
    )
    old = current[number - 1]
    assert new.number == number
    assert constraints is not None
    assert new.duration == (constraints.duration if constraints.duration is not None else old.duration)
    assert set(constraints.must_include_assets) <= set(new.asset_ids)
    if constraints.shot_type:
        assert new.shot_type == constraints.shot_type
    if constraints.transition:
        assert new.transition == constraints.transition
    check_total = constraints.duration is None
    after = replace(current, new)
    assert (
        storyboard_violations(after, brief=brief, rules=RULES, assets=assets, check_total=check_total) == []
    )


@PROPERTY
@given(brief=briefs(), assets=plan_assets(), data=st.data())
def test_hostile_single_scene_output_is_normalised_or_refused_cleanly(
    brief: Brief, assets: tuple[PlanAsset, ...], data: st.DataObject
) -> None:
    current = storyboard(brief, assets)
    raw = data.draw(st.one_of(raw_scenes(assets), raw_scenes(assets).map(lambda s: {"scene": s})))
    result = attempt(
        lambda: normalise_scene(
            raw, brief=brief, rules=RULES, assets=assets, current=current, number=1, constraints=None
        )
    )
    if isinstance(result, ValidationFailed):
        assert result.details
    else:
        assert storyboard_violations(replace(current, result), brief=brief, rules=RULES, assets=assets) == []


def test_constraints_are_parsed_from_camel_case_and_normalised() -> None:
    assets = [PlanAsset("a1", "image", "x")]
    raw = {"duration": 4, "mustIncludeAssets": ["a1"], "shotType": "Close Up", "transition": "crossfade"}
    assert validate_constraints(raw, assets) == SceneConstraints(4.0, ("a1",), "close-up", "dissolve")
    assert validate_constraints(None, assets) is None
    assert validate_constraints({"must_include_assets": ["a1"]}, ["a1"]) == SceneConstraints(
        must_include_assets=("a1",)
    )


@pytest.mark.parametrize(
    ("raw", "loc"),
    [
        ({"duration": 0}, ("constraints", "duration")),
        ({"duration": "long"}, ("constraints", "duration")),
        ({"duration": 500}, ("constraints", "duration")),
        ({"mustIncludeAssets": "a1"}, ("constraints", "mustIncludeAssets")),
        ({"mustIncludeAssets": ["a1", "stolen"]}, ("constraints", "mustIncludeAssets", 1)),
        ({"shotType": "dutch angle"}, ("constraints", "shotType")),
        ({"transition": 3}, ("constraints", "transition")),
        ("fast", ("constraints",)),
    ],
)
def test_invalid_constraints_are_refused_naming_the_field(raw: Any, loc: tuple[str | int, ...]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        validate_constraints(raw, ["a1"])
    assert refused.value.details[0].loc == loc


def test_without_a_duration_constraint_the_old_duration_is_kept(brief: Brief) -> None:
    current = storyboard(brief, ())
    new = normalise_scene(
        {"scene": {"description": "New take", "duration": 99}},
        brief=brief,
        rules=RULES,
        assets=(),
        current=current,
        number=2,
        constraints=None,
    )
    assert new.duration == current[1].duration
    assert sum(s.duration for s in replace(current, new)) == pytest.approx(
        brief.creative.video_specs.duration
    )


def test_the_last_scene_keeps_the_call_to_action(brief: Brief) -> None:
    current = storyboard(brief, ())
    new = normalise_scene(
        {"description": "Sunset", "script": "That's all."},
        brief=brief,
        rules=RULES,
        assets=(),
        current=current,
        number=len(current),
        constraints=None,
    )
    assert new.script == f"That's all. {brief.ad_basics.call_to_action}"


def test_an_asset_only_the_old_scene_used_stays_in_the_storyboard(brief: Brief) -> None:
    assets = (PlanAsset("logo", "image", "Logo", "logo"),)
    current = storyboard(brief, assets)
    assert current[-1].asset_ids == ("logo",)
    new = normalise_scene(
        {"description": "Sunset", "assets": []},
        brief=brief,
        rules=RULES,
        assets=assets,
        current=current,
        number=len(current),
        constraints=None,
    )
    assert new.asset_ids == ("logo",)


def test_a_required_asset_that_is_not_the_jobs_is_refused(brief: Brief) -> None:
    with pytest.raises(ValidationFailed) as refused:
        normalise_scene(
            {"description": "x"},
            brief=brief,
            rules=RULES,
            assets=(),
            current=storyboard(brief, ()),
            number=1,
            constraints=SceneConstraints(must_include_assets=("foreign",)),
        )
    assert refused.value.details[0].loc == ("constraints", "mustIncludeAssets", 0)


def test_an_exact_duration_constraint_changes_only_this_scene(brief: Brief) -> None:
    current = storyboard(brief, ())
    constraints = SceneConstraints(duration=2.5, shot_type=normalise_shot_type("closeup"))
    new = normalise_scene(
        {"description": "Detail"},
        brief=brief,
        rules=RULES,
        assets=(),
        current=current,
        number=1,
        constraints=constraints,
    )
    assert (new.duration, new.shot_type) == (2.5, "close-up")
    assert replace(current, new)[1:] == current[1:]
