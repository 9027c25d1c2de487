"""The built-in template planner: deterministic, honest, and always within the planning rules."""

from __future__ import annotations

import attrs
from hypothesis import given
from hypothesis import strategies as st

from adapters.planners.template import TemplateScenePlanner, beats, plan_scene, plan_storyboard
from v3core.brief import Brief, parse_brief
from v3core.planning import normalise_scene, normalise_storyboard
from v3core.ports.planner import PlanAsset, PlanMode, PlanRequest
from v3core.storyboard import PlanningRules, SceneConstraints, SceneDraft
from v3core.testing.strategies import SEED_MINIMAL_BRIEF, briefs, plan_assets

from .invariants import PROPERTY, planning_rules, storyboard_violations

BRIEF = parse_brief(SEED_MINIMAL_BRIEF)
RULES = PlanningRules()


def planned(request: PlanRequest) -> tuple[SceneDraft, ...]:
    raw = {"scenes": plan_storyboard(request)}
    return normalise_storyboard(raw, brief=request.brief, rules=request.rules, assets=request.assets)


@PROPERTY
@given(
    brief=briefs(), rules=planning_rules(), assets=plan_assets(), feedback=st.none() | st.text(max_size=40)
)
def test_the_template_storyboard_always_meets_the_planning_rules(
    brief: Brief, rules: PlanningRules, assets: tuple[PlanAsset, ...], feedback: str | None
) -> None:
    request = PlanRequest(brief=brief, rules=rules, assets=assets, feedback=feedback)
    raw = plan_storyboard(request)
    scenes = planned(request)
    assert storyboard_violations(scenes, brief=brief, rules=rules, assets=assets) == []
    assert [s.duration for s in scenes] == [r["duration"] for r in raw]
    assert all(s.metadata["planner"] == "template" for s in scenes)
    assert all("normalisation" not in s.metadata for s in scenes)


@PROPERTY
@given(brief=briefs(), assets=plan_assets(), data=st.data())
def test_regenerating_all_keeps_the_count_and_a_scene_regeneration_stays_valid(
    brief: Brief, assets: tuple[PlanAsset, ...], data: st.DataObject
) -> None:
    current = planned(PlanRequest(brief=brief, rules=RULES, assets=assets))
    again = planned(
        PlanRequest(brief=brief, rules=RULES, assets=assets, current_scenes=current, feedback="warmer")
    )
    assert len(again) == len(current)
    number = data.draw(st.sampled_from([s.number for s in current]))
    request = PlanRequest(
        brief=brief,
        rules=RULES,
        mode=PlanMode.SCENE,
        assets=assets,
        current_scenes=current,
        scene_number=number,
    )
    new = normalise_scene(
        plan_scene(request),
        brief=brief,
        rules=RULES,
        assets=assets,
        current=current,
        number=number,
        constraints=None,
    )
    after = tuple(new if s.number == number else s for s in current)
    assert storyboard_violations(after, brief=brief, rules=RULES, assets=assets) == []


async def test_the_planner_says_it_is_a_template_and_costs_no_tokens() -> None:
    reply = await TemplateScenePlanner().plan(PlanRequest(brief=BRIEF, rules=RULES))
    assert (reply.model, reply.usage.input_tokens, reply.usage.output_tokens) == ("template", 0, 0)
    assert TemplateScenePlanner.name == "template"
    assert len(reply.raw["scenes"]) == 5


async def test_the_same_request_gives_the_same_storyboard_whatever_was_planned_before() -> None:
    planner = TemplateScenePlanner()
    request = PlanRequest(brief=BRIEF, rules=RULES, feedback="more energy")
    first = await planner.plan(request)
    other = attrs.evolve(BRIEF, ad_basics=attrs.evolve(BRIEF.ad_basics, product="Another product"))
    await planner.plan(PlanRequest(brief=other, rules=PlanningRules(4, 4), feedback="calmer"))
    assert await planner.plan(request) == first, "no state carries over from one plan to the next"
    assert await TemplateScenePlanner().plan(request) == first, "nor depends on the instance"


def test_the_story_runs_hook_product_benefits_call_to_action() -> None:
    assert beats(5) == ("hook", "product", "benefit", "benefit", "call_to_action")
    scenes = planned(PlanRequest(brief=BRIEF, rules=RULES))
    assert scenes[-1].script.endswith("C.")
    assert scenes[1].script == "M."


def test_the_scene_count_follows_the_brief_and_the_feedback() -> None:
    asked = attrs.evolve(BRIEF, advanced={"sceneCount": 4})
    assert len(planned(PlanRequest(brief=asked, rules=RULES))) == 4
    current = planned(PlanRequest(brief=BRIEF, rules=RULES))
    assert (
        len(planned(PlanRequest(brief=BRIEF, rules=RULES, current_scenes=current, feedback="use 3 scenes")))
        == 3
    )
    assert (
        len(planned(PlanRequest(brief=BRIEF, rules=RULES, current_scenes=current, feedback="add a scene")))
        == 6
    )


def test_a_repair_hint_naming_the_scene_count_is_obeyed() -> None:
    request = PlanRequest(
        brief=BRIEF, rules=RULES, repair_hint="scenes: the storyboard has 5 scenes; plan exactly 4 scenes"
    )
    assert len(plan_storyboard(request)) == 4


def test_assets_are_placed_by_role() -> None:
    assets = (PlanAsset("logo", "image", "Logo", "logo"), PlanAsset("pack", "image", "Pack", "product_shot"))
    scenes = planned(PlanRequest(brief=BRIEF, rules=RULES, assets=assets))
    assert scenes[-1].asset_ids == ("logo",)
    assert scenes[1].asset_ids == ("pack",)


def test_a_scene_regeneration_reacts_to_feedback_and_constraints() -> None:
    current = planned(PlanRequest(brief=BRIEF, rules=RULES))
    base = PlanRequest(brief=BRIEF, rules=RULES, mode=PlanMode.SCENE, current_scenes=current, scene_number=2)
    by_feedback = plan_scene(attrs.evolve(base, feedback="Make it a close up with a crossfade, please"))
    assert (by_feedback["shotType"], by_feedback["transition"]) == ("close-up", "dissolve")
    assert "close up" in by_feedback["description"]
    constrained = plan_scene(attrs.evolve(base, constraints=SceneConstraints(duration=3, shot_type="aerial")))
    assert (constrained["duration"], constrained["shotType"]) == (3, "aerial")
    assert constrained["metadata"] == {"planner": "template", "beat": "product", "take": 2}


def test_every_script_is_a_sentence_that_starts_with_a_capital_unless_it_opens_on_a_brand() -> None:
    """A lower-case audience opening the hook ("health-minded commuters, meet ...") is shown as a
    caption: it starts with a capital; a brand spelled in lower case ("iPhone") is kept."""
    body = dict(SEED_MINIMAL_BRIEF)
    basics = {**body["adBasics"], "targetAudience": "health-minded commuters", "product": "iPhone"}
    scenes = planned(PlanRequest(brief=parse_brief({**body, "adBasics": basics}), rules=RULES))
    assert scenes[0].script.startswith("Health-minded commuters, meet iPhone")
    for scene in scenes:
        assert scene.script[-1] in ".!?"
        assert scene.script[0].isupper() or scene.script.startswith("iPhone"), scene.script
