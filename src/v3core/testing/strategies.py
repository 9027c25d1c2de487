"""Hypothesis strategies for briefs, planner assets and (often hostile) planner output.

``raw_briefs()`` draws valid camelCase request bodies (the seed's minimal body among them);
``raw_planner_output(assets)`` draws what a misbehaving model might send: missing fields,
wrong types, hallucinated asset ids, zero or negative durations, 0 or 20 scenes, odd
shot-type spellings and plain junk.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from v3core.brief import ASSET_ROLES, VIDEO_FORMATS, Brief, parse_brief
from v3core.model import AssetType
from v3core.ports.planner import PlanAsset
from v3core.storyboard import SHOT_TYPES, TRANSITIONS, PlanningRules

#: The exact minimal body of the seed's gaps report; it must always be accepted.
SEED_MINIMAL_BRIEF: dict[str, Any] = {
    "context": {"clientId": "test"},
    "adBasics": {"product": "P", "targetAudience": "A", "keyMessage": "M", "callToAction": "C"},
    "creative": {"direction": {"style": "S"}},
}

SHOT_TYPE_SPELLINGS: tuple[str, ...] = (
    *SHOT_TYPES,
    "closeup",
    "Close Up",
    "close_up",
    "CLOSE-UP SHOT",
    "Extreme Close Up",
    "ECU",
    "wide shot",
    "Medium Shot",
    "over the shoulder",
    "drone",
    "POV",
    "establishing shot",
    "dutch angle",
    "",
)
TRANSITION_SPELLINGS: tuple[str, ...] = (
    *TRANSITIONS,
    "crossfade",
    "Cross-Fade",
    "hard cut",
    "Fade to black",
    "whip pan",
    "zoom in",
    "CUT",
    "morph",
    "",
)


def texts(max_size: int = 30) -> st.SearchStrategy[str]:
    """Non-blank printable text without surrounding spaces, as a required brief field needs."""
    alphabet = st.characters(categories=("L", "N", "P", "Zs"))
    return st.text(alphabet, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def _raw_asset_inputs() -> st.SearchStrategy[dict[str, Any]]:
    source = st.one_of(
        st.fixed_dictionaries({"assetId": st.uuids().map(str)}),
        st.fixed_dictionaries(
            {"url": st.sampled_from(["https://example.com/a.png", "https://cdn.example.org/v.mp4"])}
        ),
    )
    extra = st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from([t.value for t in AssetType]),
            "name": texts(),
            "role": st.sampled_from(ASSET_ROLES),
        },
    )
    return st.tuples(source, extra).map(lambda pair: {**pair[0], **pair[1]})


def _full_raw_briefs() -> st.SearchStrategy[dict[str, Any]]:
    context = st.fixed_dictionaries(
        {"clientId": texts()}, optional={"campaignId": texts(), "userId": texts()}
    )
    basics = st.fixed_dictionaries(
        {"product": texts(), "targetAudience": texts(), "keyMessage": texts(), "callToAction": texts()}
    )
    direction = st.fixed_dictionaries(
        {"style": texts()},
        optional={
            "tone": texts(),
            "visualElements": st.lists(texts(), max_size=4),
            "musicStyle": texts(),
        },
    )
    specs = st.fixed_dictionaries(
        {},
        optional={
            "duration": st.one_of(st.integers(5, 120), st.floats(5, 120)),
            "format": st.sampled_from(VIDEO_FORMATS),
            "resolution": st.sampled_from(["1920x1080", "1080x1920", "1080x1080"]),
        },
    )
    creative = st.fixed_dictionaries(
        {"direction": direction},
        optional={"videoSpecs": specs, "assets": st.lists(_raw_asset_inputs(), max_size=4)},
    )
    return st.fixed_dictionaries(
        {"context": context, "adBasics": basics, "creative": creative},
        optional={
            "advanced": st.fixed_dictionaries({}, optional={"sceneCount": st.integers(1, 10)}),
            "generateAudio": st.booleans(),
        },
    )


def raw_briefs() -> st.SearchStrategy[dict[str, Any]]:
    """Valid camelCase ``POST /jobs`` bodies, including the seed's minimal one."""
    return st.one_of(st.builds(copy.deepcopy, st.just(SEED_MINIMAL_BRIEF)), _full_raw_briefs())


def briefs() -> st.SearchStrategy[Brief]:
    """``Brief`` objects parsed from ``raw_briefs()``."""
    return raw_briefs().map(parse_brief)


def plan_assets(max_size: int = 6) -> st.SearchStrategy[tuple[PlanAsset, ...]]:
    """A job's assets as the planner sees them: unique ids, any type, an optional role."""
    asset = st.builds(
        PlanAsset,
        id=st.uuids().map(str),
        type=st.sampled_from([t.value for t in AssetType]),
        name=texts(),
        role=st.none() | st.sampled_from(ASSET_ROLES),
    )
    return st.lists(asset, max_size=max_size, unique_by=lambda a: a.id).map(tuple)


def _junk() -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10), st.just([]))


def _durations() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.floats(0.1, 60),
        st.integers(-5, 60),
        st.floats(),
        st.sampled_from(["5", "4.5s", "3 seconds", "soon", "-2", ""]),
        _junk(),
    )


def _asset_refs(assets: tuple[PlanAsset, ...]) -> st.SearchStrategy[Any]:
    ids = [a.id for a in assets]
    ref = st.one_of(
        *([st.sampled_from(ids)] if ids else []),
        st.sampled_from(["hallucinated-1", "logo.png", ""]),
        st.builds(lambda i: {"id": i}, st.sampled_from([*ids, "ghost"])),
        _junk(),
    )
    return st.one_of(st.lists(ref, max_size=4), _junk())


def raw_scenes(assets: tuple[PlanAsset, ...] = (), snake_case: bool = False) -> st.SearchStrategy[Any]:
    """One raw scene as a model might send it; sometimes not even a mapping."""
    shot, transition = ("shot_type", "transition") if snake_case else ("shotType", "transition")
    scene = st.fixed_dictionaries(
        {},
        optional={
            "duration": _durations(),
            "description": st.one_of(texts(60), st.sampled_from(["", "   "]), _junk()),
            "script": st.one_of(texts(60), st.just(""), st.none(), st.integers()),
            shot: st.one_of(st.sampled_from(SHOT_TYPE_SPELLINGS), texts(), _junk()),
            transition: st.one_of(st.sampled_from(TRANSITION_SPELLINGS), texts(), _junk()),
            "assets": _asset_refs(assets),
            "metadata": st.one_of(st.dictionaries(texts(8), texts(8), max_size=2), _junk()),
        },
    )
    return st.one_of(scene, scene, scene, _junk())


def well_formed_scenes(assets: tuple[PlanAsset, ...] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """A raw scene a well-behaved model would send (durations roughly right, known vocabulary)."""
    ids = [a.id for a in assets]
    return st.fixed_dictionaries(
        {
            "duration": st.floats(1, 20),
            "description": texts(60),
            "script": texts(60),
            "shotType": st.sampled_from(SHOT_TYPE_SPELLINGS[:-2]),
            "transition": st.sampled_from(TRANSITION_SPELLINGS[:-2]),
            "assets": st.lists(st.sampled_from(ids), max_size=2) if ids else st.just([]),
        }
    )


def raw_planner_output(assets: tuple[PlanAsset, ...] = ()) -> st.SearchStrategy[Any]:
    """What a planner might return for a storyboard: good, sloppy, hostile or junk."""
    count = st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 8, 20])
    sloppy = count.flatmap(
        lambda n: st.lists(raw_scenes(assets, snake_case=n % 2 == 1), min_size=n, max_size=n)
    )
    good = st.lists(well_formed_scenes(assets), min_size=3, max_size=7)
    scenes = st.one_of(good, sloppy)
    return st.one_of(
        scenes.map(lambda s: {"scenes": s}),
        scenes,
        scenes.map(lambda s: {"storyboard": {"scenes": s}}),
        st.fixed_dictionaries({"scenes": _junk()}),
        st.dictionaries(texts(8), _junk(), max_size=3),
        _junk(),
    )


def raw_constraints(assets: tuple[PlanAsset, ...] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """Valid camelCase ``constraints`` of a single-scene regeneration for a job with ``assets``."""
    ids = [a.id for a in assets]
    return st.fixed_dictionaries(
        {},
        optional={
            "duration": st.floats(0.5, 30),
            "mustIncludeAssets": st.lists(st.sampled_from(ids), unique=True, max_size=2)
            if ids
            else st.just([]),
            "shotType": st.sampled_from(SHOT_TYPE_SPELLINGS[:-2]),
            "transition": st.sampled_from(TRANSITION_SPELLINGS[:-2]),
        },
    )


def planning_rules() -> st.SearchStrategy[PlanningRules]:
    """SPEC §6's default bounds (3..5 scenes) and other sane ones."""
    custom = st.integers(1, 5).flatmap(
        lambda low: st.integers(low, 9).map(lambda high: PlanningRules(low, high))
    )
    return st.one_of(st.just(PlanningRules()), custom)
