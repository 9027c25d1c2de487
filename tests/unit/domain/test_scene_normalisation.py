"""Whatever a planner returns becomes a valid storyboard or a clear error (SPEC §6)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from v3core.brief import Brief, parse_brief
from v3core.errors import ValidationFailed
from v3core.planning import (
    NOTES_KEY,
    fit_durations,
    normalise_shot_type,
    normalise_storyboard,
    normalise_transition,
    requested_scene_count,
)
from v3core.ports.planner import PlanAsset
from v3core.storyboard import SHOT_TYPES, TRANSITIONS, PlanningRules, SceneDraft
from v3core.testing.strategies import (
    SEED_MINIMAL_BRIEF,
    briefs,
    plan_assets,
    raw_planner_output,
    well_formed_scenes,
)

from .invariants import PROPERTY, attempt, planning_rules, storyboard_violations

BRIEF = parse_brief(
    {**SEED_MINIMAL_BRIEF, "adBasics": {**SEED_MINIMAL_BRIEF["adBasics"], "callToAction": "Shop now"}}
)
RULES = PlanningRules()
ASSETS = (
    PlanAsset("bg", "image", "Backdrop", "background"),
    PlanAsset("pack", "image", "Pack shot", "product_shot"),
    PlanAsset("logo", "image", "Logo", "logo"),
)


def scene(description: str | None = "A bright kitchen", **fields: Any) -> dict[str, Any]:
    return {"description": description, "duration": 10, "shotType": "wide", "transition": "cut", **fields}


def normalise(raw: Any, brief: Brief = BRIEF, **kwargs: Any) -> tuple[SceneDraft, ...]:
    return normalise_storyboard(raw, brief=brief, rules=RULES, assets=kwargs.pop("assets", ASSETS), **kwargs)


@PROPERTY
@given(brief=briefs(), rules=planning_rules(), assets=plan_assets(), data=st.data())
def test_any_planner_output_becomes_a_valid_storyboard_or_a_validation_error(
    brief: Brief, rules: PlanningRules, assets: tuple[PlanAsset, ...], data: st.DataObject
) -> None:
    raw = data.draw(raw_planner_output(assets))
    result = attempt(lambda: normalise_storyboard(raw, brief=brief, rules=rules, assets=assets))
    if isinstance(result, ValidationFailed):
        assert result.message
        assert result.details
    else:
        assert storyboard_violations(result, brief=brief, rules=rules, assets=assets) == []


@PROPERTY
@given(brief=briefs(), assets=plan_assets(), data=st.data())
def test_well_formed_output_is_never_refused(
    brief: Brief, assets: tuple[PlanAsset, ...], data: st.DataObject
) -> None:
    raw = {"scenes": data.draw(st.lists(well_formed_scenes(assets), min_size=3, max_size=7))}
    scenes = normalise_storyboard(raw, brief=brief, rules=RULES, assets=assets)
    assert storyboard_violations(scenes, brief=brief, rules=RULES, assets=assets) == []


@PROPERTY
@given(
    weights=st.lists(st.none() | st.floats(1e-6, 1e6), min_size=1, max_size=9),
    total=st.floats(5, 120),
)
def test_fitted_durations_are_positive_and_add_up_to_the_total(
    weights: list[float | None], total: float
) -> None:
    durations = fit_durations(weights, total)
    assert len(durations) == len(weights)
    assert all(d > 0 for d in durations)
    assert sum(durations) == pytest.approx(total, abs=1e-6)


def test_durations_that_already_fit_are_kept() -> None:
    scenes = normalise({"scenes": [scene(duration=8), scene(duration=12.5), scene(duration=9.5)]})
    assert [s.duration for s in scenes] == [8, 12.5, 9.5]


def test_durations_off_by_a_little_are_rescaled_not_refused() -> None:
    scenes = normalise({"scenes": [scene(duration=5), scene(duration=5), scene(duration=5)]})
    assert [s.duration for s in scenes] == [10, 10, 10]


def test_missing_or_non_positive_durations_get_a_fair_share() -> None:
    scenes = normalise(
        {"scenes": [scene(duration=0), scene(duration=-3), scene(duration="10s"), scene(duration=None)]}
    )
    assert [s.duration for s in scenes] == [7.5, 7.5, 7.5, 7.5]
    assert any("duration" in note for note in scenes[0].metadata[NOTES_KEY])


def test_too_many_scenes_are_cut_down_keeping_the_closing_scene() -> None:
    raw = {"scenes": [scene(f"Scene {i}") for i in range(1, 21)]}
    scenes = normalise(raw)
    assert [s.description for s in scenes] == [*(f"Scene {i}" for i in range(1, 7)), "Scene 20"]
    assert "20 scenes" in " ".join(scenes[-1].metadata[NOTES_KEY])


@pytest.mark.parametrize("count", [0, 1, 2])
def test_too_few_scenes_are_refused_with_the_allowed_range(count: int) -> None:
    with pytest.raises(ValidationFailed, match="between 3 and 7"):
        normalise({"scenes": [scene() for _ in range(count)]})


def test_regenerating_all_keeps_the_scene_count_it_was_given() -> None:
    assert len(normalise({"scenes": [scene() for _ in range(6)]}, keep_count=5)) == 5
    with pytest.raises(ValidationFailed, match="exactly 5"):
        normalise({"scenes": [scene() for _ in range(4)]}, keep_count=5)


@pytest.mark.parametrize("junk", [None, "Here is your storyboard!", 42, {"shots": []}, {"scenes": "three"}])
def test_output_that_is_not_a_scene_list_is_refused_with_the_expected_shape(junk: Any) -> None:
    with pytest.raises(ValidationFailed, match='"scenes"'):
        normalise(junk)


def test_a_scene_that_is_not_an_object_is_refused_naming_its_position() -> None:
    with pytest.raises(ValidationFailed) as refused:
        normalise({"scenes": [scene(), "a beach", scene()]})
    assert refused.value.details[0].loc == ("scenes", 1)


@pytest.mark.parametrize("description", [None, "", "   "])
def test_a_scene_without_description_is_refused(description: str | None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        normalise({"scenes": [scene(), scene(description), scene()]})
    assert refused.value.details[0].loc == ("scenes", 1, "description")


def test_a_bare_list_with_snake_case_keys_is_accepted() -> None:
    raw = [
        {"description": "d", "duration": 10, "shot_type": "close_up", "asset_ids": ["bg"]} for _ in range(3)
    ]
    scenes = normalise(raw)
    assert [s.shot_type for s in scenes] == ["close-up"] * 3
    assert scenes[0].asset_ids[0] == "bg"


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("closeup", "close-up"),
        ("Close Up", "close-up"),
        ("close_up", "close-up"),
        ("CLOSE-UP SHOT", "close-up"),
        ("Extreme close-up", "extreme-close-up"),
        ("over the shoulder", "over-the-shoulder"),
        ("Wide shot", "wide"),
        ("drone", "aerial"),
        ("point of view", "pov"),
        ("packshot", "product"),
    ],
)
def test_shot_type_spellings_are_normalised(spelling: str, canonical: str) -> None:
    assert normalise_shot_type(spelling) == canonical


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("crossfade", "dissolve"),
        ("Cross-Fade", "dissolve"),
        ("hard cut", "cut"),
        ("Fade to black", "fade"),
        ("CUT", "cut"),
    ],
)
def test_transition_spellings_are_normalised(spelling: str, canonical: str) -> None:
    assert normalise_transition(spelling) == canonical


def test_an_unknown_shot_type_is_refused_when_a_person_asks_for_it() -> None:
    with pytest.raises(ValidationFailed, match="close-up") as refused:
        normalise_shot_type("dutch angle")
    assert refused.value.details[0].loc == ("shotType",)


def test_unknown_vocabulary_from_a_planner_is_replaced_by_a_default_and_noted() -> None:
    scenes = normalise({"scenes": [scene(shotType="dutch angle", transition="morph") for _ in range(3)]})
    assert (scenes[0].shot_type, scenes[0].transition) == ("medium", "cut")
    assert any("dutch angle" in note for note in scenes[0].metadata[NOTES_KEY])


def test_hallucinated_asset_ids_are_dropped() -> None:
    scenes = normalise({"scenes": [scene(assets=["ghost", "pack", {"id": "bg"}]), scene(), scene()]})
    assert scenes[0].asset_ids[:2] == ("pack", "bg")
    assert all("ghost" not in s.asset_ids for s in scenes)


def test_unused_assets_are_placed_by_their_role() -> None:
    scenes = normalise({"scenes": [scene() for _ in range(5)]})
    assert [s.asset_ids for s in scenes] == [("bg",), ("pack",), (), (), ("logo",)]


def test_the_call_to_action_is_appended_to_the_last_script_when_missing() -> None:
    scenes = normalise({"scenes": [scene(script="Hi."), scene(), scene(script="Fresh every day.")]})
    assert scenes[-1].script == "Fresh every day. Shop now"
    assert scenes[0].script == "Hi."


def test_a_call_to_action_already_spoken_is_not_repeated() -> None:
    scenes = normalise({"scenes": [scene(), scene(), scene(script="So SHOP NOW, today!")]})
    assert scenes[-1].script == "So SHOP NOW, today!"


@PROPERTY
@given(
    value=st.one_of(
        st.text(max_size=20), st.sampled_from([*SHOT_TYPES, *TRANSITIONS]), st.integers(), st.none()
    )
)
def test_vocabulary_lookups_answer_a_known_term_or_a_validation_error(value: object) -> None:
    shot = attempt(lambda: normalise_shot_type(value))
    transition = attempt(lambda: normalise_transition(value))
    assert isinstance(shot, ValidationFailed) or shot in SHOT_TYPES
    assert isinstance(transition, ValidationFailed) or transition in TRANSITIONS
    if value in SHOT_TYPES:
        assert shot == value
    if value in TRANSITIONS:
        assert transition == value


@PROPERTY
@given(feedback=st.none() | st.text(max_size=40), current=st.integers(1, 9), rules=planning_rules())
def test_a_requested_scene_count_is_within_the_rules(
    feedback: str | None, current: int, rules: PlanningRules
) -> None:
    wanted = requested_scene_count(feedback, current, rules)
    assert wanted is None or rules.min_scenes <= wanted <= rules.max_scenes
