"""The scene prompt builder (SPEC §8): brand restrictions negative, the job's aspect, no feedback echoes."""

from __future__ import annotations

import json

from hypothesis import assume, given
from hypothesis import strategies as st

from adapters.planners.template import plan_scene, plan_storyboard
from v3core.brief import Brief, brief_to_dict, parse_brief
from v3core.media.prompts import SceneVisual, build_scene_prompt, prompt_hash, strip_planner_notes
from v3core.model import BrandGuidelines, MediaKind
from v3core.planning import normalise_storyboard
from v3core.ports.planner import PlanMode, PlanRequest
from v3core.storyboard import SHOT_TYPES, PlanningRules
from v3core.testing.strategies import SEED_MINIMAL_BRIEF, briefs, texts

from .invariants import PROPERTY

RATIOS = {"16:9": 16 / 9, "9:16": 9 / 16, "1:1": 1.0, "4:5": 4 / 5}


def brands() -> st.SearchStrategy[BrandGuidelines]:
    return st.builds(
        BrandGuidelines,
        colors=st.lists(st.sampled_from(["#1e40af", "#facc15", "red", "#000"]), max_size=3).map(tuple),
        tone=st.none() | texts(),
        restrictions=st.lists(texts(40), max_size=4).map(tuple),
    )


def visuals() -> st.SearchStrategy[SceneVisual]:
    return st.builds(
        SceneVisual,
        number=st.integers(1, 7),
        description=texts(80),
        shot_type=st.sampled_from(SHOT_TYPES),
        duration=st.floats(0.5, 60),
    )


@PROPERTY
@given(brief=briefs(), brand=brands(), visual=visuals())
def test_every_brand_restriction_is_in_the_negative_prompt(
    brief: Brief, brand: BrandGuidelines, visual: SceneVisual
) -> None:
    prompt = build_scene_prompt(visual, brief, brand)
    for restriction in brand.restrictions:
        assert restriction.strip() in prompt.negative_prompt


@PROPERTY
@given(brief=briefs(), brand=brands(), visual=visuals())
def test_the_aspect_ratio_and_the_frame_shape_are_always_the_jobs(
    brief: Brief, brand: BrandGuidelines, visual: SceneVisual
) -> None:
    prompt = build_scene_prompt(visual, brief, brand)
    wanted = brief.creative.video_specs.format
    assert prompt.aspect_ratio == wanted
    assert abs(prompt.width / prompt.height - RATIOS[wanted]) < 0.01
    assert prompt.width % 2 == 0
    assert prompt.height % 2 == 0


@PROPERTY
@given(
    brief=briefs(),
    brand=brands(),
    feedback=st.text(st.characters(categories=("L", "N")), min_size=4, max_size=30).map(lambda t: f"Qx{t}"),
)
def test_feedback_given_to_the_planner_is_never_echoed_into_a_prompt(
    brief: Brief, brand: BrandGuidelines, feedback: str
) -> None:
    assume(feedback.lower() not in json.dumps(brief_to_dict(brief), ensure_ascii=False).lower())
    assume(all(feedback.lower() not in r.lower() for r in (*brand.restrictions, brand.tone or "")))
    rules = PlanningRules()
    request = PlanRequest(brief=brief, rules=rules, brand=brand, feedback=feedback)
    scenes = normalise_storyboard({"scenes": plan_storyboard(request)}, brief=brief, rules=rules, assets=())
    again = PlanRequest(
        brief=brief,
        rules=rules,
        brand=brand,
        mode=PlanMode.SCENE,
        feedback=feedback,
        current_scenes=scenes,
        scene_number=1,
    )
    retake = plan_scene(again)
    assert retake["description"].startswith("Take 2:")
    described = [s.description for s in scenes] + [retake["description"]]
    assert any(feedback in d for d in described), "the template planner notes the feedback"
    for description in described:
        prompt = build_scene_prompt(SceneVisual(1, description, "wide", 5.0), brief, brand)
        text = f"{prompt.prompt} {prompt.negative_prompt}".lower()
        assert feedback.lower() not in text
        assert "take 2" not in text
        assert "revised for feedback" not in text


def test_planner_notes_are_removed_and_the_subject_kept() -> None:
    text = (
        "Take 3: Trail shoe in everyday use, shown to Runners. Tone: playful. Revised for feedback: closer."
    )
    assert strip_planner_notes(text) == "Trail shoe in everyday use, shown to Runners. Tone: playful."


def test_the_prompt_names_the_shot_style_tone_visuals_and_brand_colours() -> None:
    body = json.loads(json.dumps(SEED_MINIMAL_BRIEF))
    body["creative"] = {
        "direction": {"style": "Sunlit", "tone": "playful", "visualElements": ["mountain trail"]},
        "videoSpecs": {"format": "9:16"},
    }
    brand = BrandGuidelines(colors=("#1e40af",), restrictions=("no alcohol",))
    prompt = build_scene_prompt(
        SceneVisual(1, "A runner on a ridge", "close-up", 4), parse_brief(body), brand
    )
    for part in ("Close-up", "A runner on a ridge", "Sunlit", "playful", "mountain trail", "#1e40af", "9:16"):
        assert part in prompt.prompt
    assert "no alcohol" in prompt.negative_prompt
    assert "no alcohol" not in prompt.prompt
    assert (prompt.width, prompt.height) == (720, 1280)


def test_the_hash_changes_with_the_visual_inputs_only() -> None:
    brief, brand = parse_brief(SEED_MINIMAL_BRIEF), BrandGuidelines()
    base = build_scene_prompt(SceneVisual(1, "A runner", "wide", 4.0), brief, brand)
    same = build_scene_prompt(SceneVisual(2, "A  runner ", "wide", 4.0), brief, brand)
    other = build_scene_prompt(SceneVisual(1, "A swimmer", "wide", 4.0), brief, brand)
    longer = build_scene_prompt(SceneVisual(1, "A runner", "wide", 6.0), brief, brand)
    clip = MediaKind.CLIP
    assert prompt_hash(base, clip, "m") == prompt_hash(same, clip, "m")
    assert prompt_hash(base, clip, "m") != prompt_hash(other, clip, "m")
    assert prompt_hash(base, clip, "m") != prompt_hash(longer, clip, "m")
    assert prompt_hash(base, clip, "m") != prompt_hash(base, clip, "other-model")
    assert prompt_hash(base, MediaKind.FRAME, "m") == prompt_hash(longer, MediaKind.FRAME, "m")
