"""Scene planning rules (SPEC §6): whatever a planner returns becomes a valid storyboard or a clear error.

Every planner — the template, OpenAI, Anthropic, a fake — is held to the same rules here.
The choices (truncate vs refuse, unknown vocabulary, duration fitting) are recorded in
``docs/decisions/0010-scene-normalisation.md``. A ``ValidationFailed`` message is written to
be fed back to the model as the repair hint of the one retry.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from v3core.brief import MAX_VIDEO_SECONDS, Brief
from v3core.errors import ValidationFailed
from v3core.ports.planner import PlanAsset
from v3core.storyboard import SHOT_TYPES, TRANSITIONS, PlanningRules, SceneConstraints, SceneDraft

DEFAULT_SHOT_TYPE = "medium"
DEFAULT_TRANSITION = "cut"
SECONDS_PER_SCENE = 6.0
MIN_SCENE_SECONDS = 0.5
NOTES_KEY = "normalisation"

Loc = tuple[str | int, ...]

# Aliases are keyed by the "compact" spelling: lower case, letters and digits only.
_SHOT_ALIASES: dict[str, str] = {
    **{"cu": "close-up", "close": "close-up", "tight": "close-up", "mcu": "close-up"},
    **{"mediumcloseup": "close-up", "ecu": "extreme-close-up", "xcu": "extreme-close-up"},
    **{"extremeclose": "extreme-close-up", "macro": "extreme-close-up", "detail": "extreme-close-up"},
    **{"mid": "medium", "ms": "medium", "midrange": "medium", "mediumwide": "medium", "cowboy": "medium"},
    **{"ws": "wide", "ls": "wide", "long": "wide", "full": "wide", "wideangle": "wide"},
    **{"extremewide": "wide", "ews": "wide", "ots": "over-the-shoulder", "overshoulder": "over-the-shoulder"},
    **{"drone": "aerial", "birdseye": "aerial", "overhead": "aerial", "topdown": "aerial"},
    **{"pointofview": "pov", "firstperson": "pov", "subjective": "pov"},
    **{"track": "tracking", "dolly": "tracking", "follow": "tracking", "steadicam": "tracking"},
    **{"packshot": "product", "hero": "product", "heroproduct": "product", "productcloseup": "product"},
    **{"establish": "establishing", "est": "establishing", "opening": "establishing"},
}
_TRANSITION_ALIASES: dict[str, str] = {
    **{"crossfade": "dissolve", "crossdissolve": "dissolve", "mix": "dissolve", "blend": "dissolve"},
    **{"hardcut": "cut", "straightcut": "cut", "jumpcut": "cut", "matchcut": "cut", "smashcut": "cut"},
    **{"cutto": "cut", "none": "cut", "direct": "cut", "instant": "cut"},
    **{"fadein": "fade", "fadeout": "fade", "fadetoblack": "fade", "fadefromblack": "fade"},
    **{"fadethroughblack": "fade", "fadetowhite": "fade", "dip": "fade", "diptoblack": "fade"},
    **{"swipe": "wipe", "wipeleft": "wipe", "wiperight": "wipe"},
    **{"zoomin": "zoom", "zoomout": "zoom", "push": "zoom", "pushin": "zoom", "crashzoom": "zoom"},
    **{"slideleft": "slide", "slideright": "slide", "whippan": "slide", "pan": "slide", "swish": "slide"},
}


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_SHOT_KEYS = {**_SHOT_ALIASES, **{_compact(v): v for v in SHOT_TYPES}}
_TRANSITION_KEYS = {**_TRANSITION_ALIASES, **{_compact(v): v for v in TRANSITIONS}}


def _lookup(value: object, keys: Mapping[str, str], what: str, suffix: str, loc: Loc) -> str:
    vocabulary = ", ".join(dict.fromkeys(keys.values()))
    if not isinstance(value, str) or not value.strip():
        raise _fail(loc, f"{what} must be one of: {vocabulary}")
    key = _compact(value)
    if key.endswith(suffix) and key not in keys:
        key = key[: -len(suffix)]
    canonical = keys.get(key)
    if canonical is None:
        raise _fail(loc, f"unknown {what} {_short(value)}; use one of: {vocabulary}")
    return canonical


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def normalise_shot_type(value: object, loc: Loc = ("shotType",)) -> str:
    """The canonical ``SHOT_TYPES`` spelling of ``value`` ("Close Up", "closeup" → "close-up").

    Raises ``ValidationFailed`` at ``loc`` naming the vocabulary when the value is not recognised.
    """
    return _lookup(value, _SHOT_KEYS, "shot type", "shot", loc)


def normalise_transition(value: object, loc: Loc = ("transition",)) -> str:
    """The canonical ``TRANSITIONS`` spelling of ``value`` ("crossfade" → "dissolve", "hard cut" → "cut").

    Raises ``ValidationFailed`` at ``loc`` naming the vocabulary when the value is not recognised.
    """
    return _lookup(value, _TRANSITION_KEYS, "transition", "transition", loc)


def mentions_call_to_action(script: str, call_to_action: str) -> bool:
    """Whether ``script`` contains the call to action (case-insensitive)."""
    return call_to_action.strip().casefold() in script.casefold()


def with_call_to_action(script: str, call_to_action: str) -> str:
    """``script`` ending with the call to action unless it already mentions it."""
    cta = call_to_action.strip()
    if mentions_call_to_action(script, cta):
        return script
    return f"{script.rstrip()} {cta}" if script.strip() else cta


def planned_scene_count(brief: Brief, rules: PlanningRules) -> int:
    """How many scenes a fresh plan aims for: ``advanced.sceneCount`` if given, else ~6 s per scene.

    Always within the rules' bounds, and never decreasing as the video gets longer.
    """
    requested = brief.advanced.get("sceneCount", brief.advanced.get("scene_count"))
    if isinstance(requested, int) and not isinstance(requested, bool):
        return _clamp(requested, rules.min_scenes, rules.max_scenes)
    derived = math.floor(brief.creative.video_specs.duration / SECONDS_PER_SCENE + 0.5)
    return _clamp(derived, rules.min_scenes, rules.max_scenes)


_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"), 1)
}


def requested_scene_count(feedback: str | None, current: int, rules: PlanningRules) -> int | None:
    """The scene count ``feedback`` asks for ("5 scenes", "five scenes", "fewer scenes", "add a scene").

    ``None`` when the feedback does not ask for a different count (then regenerate-all keeps
    ``current``); the answer is clamped to the rules.
    """
    text = (feedback or "").lower()
    explicit = re.search(r"\b(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")\s+scenes?\b", text)
    if explicit:
        word = explicit.group(1)
        wanted = int(word) if word.isdigit() else _NUMBER_WORDS[word]
    elif re.search(r"\b(fewer|less)\s+scenes?\b|\b(remove|drop|cut)\s+(a|one)\s+scene\b", text):
        wanted = current - 1
    elif re.search(r"\bmore\s+scenes?\b|\badd\s+(a|an|one|another)\s+(\w+\s+)?scene\b", text):
        wanted = current + 1
    else:
        return None
    return _clamp(wanted, rules.min_scenes, rules.max_scenes)


def fit_durations(durations: Sequence[float | None], total: float) -> tuple[float, ...]:
    """Scene durations proportional to ``durations`` that add up to ``total``.

    Missing entries (``None``) get the mean of the known ones. Each result is > 0 and at least
    ``MIN_SCENE_SECONDS`` when the total allows; values are whole hundredths of a second
    except the last, which absorbs any sub-hundredth remainder of ``total``.
    """
    n = len(durations)
    if n == 0 or not math.isfinite(total) or total < 0.01 * n:
        raise _fail(("duration",), f"a {total:g} s video cannot hold {n} scenes")
    known = [d for d in durations if d is not None]
    fill = sum(known) / len(known) if known else 1.0
    weights = [d if d is not None else fill for d in durations]
    return _round_to_cents(_water_fill(weights, total, min(MIN_SCENE_SECONDS, total / n)), total)


def _water_fill(weights: Sequence[float], total: float, floor: float) -> list[float]:
    fixed: set[int] = set()
    while True:
        free = [i for i in range(len(weights)) if i not in fixed]
        remaining = total - floor * len(fixed)
        weight_sum = sum(weights[i] for i in free)
        shares = {i: remaining * weights[i] / weight_sum for i in free}
        low = {i for i in free if shares[i] < floor}
        if not low:
            return [shares.get(i, floor) for i in range(len(weights))]
        fixed |= low


def _round_to_cents(shares: Sequence[float], total: float) -> tuple[float, ...]:
    total_cents = math.floor(total * 100 + 1e-6)
    exact = [s * 100 for s in shares]
    cents = [max(1, math.floor(c)) for c in exact]
    by_remainder = sorted(range(len(cents)), key=lambda i: (cents[i] - exact[i], i))
    for k in range(total_cents - sum(cents)):
        cents[by_remainder[k % len(cents)]] += 1
    while sum(cents) > total_cents:
        cents[cents.index(max(cents))] -= 1
    result = [c / 100 for c in cents]
    result[-1] = round(result[-1] + (total - total_cents / 100), 9)
    return tuple(result)


def place_assets(
    assignments: Sequence[Sequence[str]], assets: Sequence[PlanAsset]
) -> tuple[tuple[str, ...], ...]:
    """``assignments`` (asset ids per scene) with every asset not yet used added to one scene.

    The role steers the scene: background, music and voiceover open the video, the logo closes
    it, product shots and b-roll go to the middle scenes, lifestyle anywhere but the end; among
    the candidates the scene with the fewest assets wins, earliest first.
    """
    lists = [list(ids) for ids in assignments]
    if not lists:
        return ()
    used = {asset_id for ids in lists for asset_id in ids}
    for asset in assets:
        if asset.id not in used:
            lists[_slot_for(asset, lists)].append(asset.id)
            used.add(asset.id)
    return tuple(tuple(ids) for ids in lists)


def _slot_for(asset: PlanAsset, lists: Sequence[Sequence[str]]) -> int:
    n = len(lists)
    middle = list(range(1, n - 1)) or list(range(n))
    by_role = {
        "background": [0],
        "music": [0],
        "voiceover": [0],
        "logo": [n - 1],
        "product_shot": middle,
        "b_roll": middle,
        "lifestyle": list(range(max(1, n - 1))),
    }
    fallback = [0] if asset.type.lower() == "audio" else list(range(n))
    candidates = by_role.get((asset.role or "").lower(), fallback)
    return min(candidates, key=lambda i: (len(lists[i]), candidates.index(i)))


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _fail(loc: Loc, msg: str) -> ValidationFailed:
    return ValidationFailed.at(loc, msg)


@attrs.define
class _Parsed:
    """One raw scene read leniently; notes say what normalisation changed."""

    description: str
    script: str
    shot_type: str
    transition: str
    asset_ids: list[str]
    duration: float | None
    metadata: dict[str, Any]
    notes: list[str]

    def draft(self, number: int, duration: float) -> SceneDraft:
        metadata = dict(self.metadata)
        if self.notes:
            metadata[NOTES_KEY] = list(self.notes)
        return SceneDraft(
            number=number,
            duration=duration,
            description=self.description,
            script=self.script,
            shot_type=self.shot_type,
            transition=self.transition,
            asset_ids=tuple(self.asset_ids),
            metadata=metadata,
        )


def _pick(raw: Mapping[str, Any], *names: str) -> Any:
    return next((raw[name] for name in names if raw.get(name) is not None), None)


def _seconds(value: Any) -> float | None:
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds)?\s*", value.lower())
        value = float(match.group(1)) if match else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = float(value)
    return seconds if math.isfinite(seconds) and 0 < seconds <= 10 * MAX_VIDEO_SECONDS else None


def _text(value: Any, loc: Loc, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _fail(loc, f"{what} must be text, not {type(value).__name__}")
    return value.strip()


def _vocabulary(value: Any, notes: list[str], *, shot: bool) -> str:
    default = DEFAULT_SHOT_TYPE if shot else DEFAULT_TRANSITION
    field = "shotType" if shot else "transition"
    if value is None:
        notes.append(f"{field} missing; used {default!r}")
        return default
    try:
        return normalise_shot_type(value) if shot else normalise_transition(value)
    except ValidationFailed:
        notes.append(f"{field} {_short(value)} is not in the vocabulary; used {default!r}")
        return default


def _asset_ids(value: Any, allowed: Iterable[str], notes: list[str]) -> list[str]:
    items = [value] if isinstance(value, str | Mapping) else value if isinstance(value, list | tuple) else []
    allowed_ids = set(allowed)
    kept: list[str] = []
    for item in items:
        ident = _pick(item, "id", "assetId", "asset_id") if isinstance(item, Mapping) else item
        if isinstance(ident, str) and ident in allowed_ids:
            if ident not in kept:
                kept.append(ident)
        else:
            notes.append(f"dropped asset {_short(ident)}: not one of this job's assets")
    return kept


def _parse_scene(raw: Any, loc: Loc, asset_ids: Iterable[str]) -> _Parsed:
    if not isinstance(raw, Mapping):
        raise _fail(loc, f"each scene must be an object, not {type(raw).__name__}")
    notes: list[str] = []
    description = _text(
        _pick(raw, "description", "visualDescription", "visual_description", "visual"),
        (*loc, "description"),
        "description",
    )
    if not description:
        raise _fail((*loc, "description"), "every scene needs a non-empty visual description")
    duration = _seconds(_pick(raw, "duration", "durationSeconds", "duration_seconds", "seconds"))
    if duration is None:
        notes.append("duration missing or not positive; given a share of the total")
    metadata = raw.get("metadata")
    return _Parsed(
        description=description,
        script=_text(_pick(raw, "script", "voiceover", "voiceOver", "narration"), (*loc, "script"), "script"),
        shot_type=_vocabulary(_pick(raw, "shotType", "shot_type", "shot"), notes, shot=True),
        transition=_vocabulary(
            _pick(raw, "transition", "transitionType", "transition_type"), notes, shot=False
        ),
        asset_ids=_asset_ids(_pick(raw, "assets", "assetIds", "asset_ids"), asset_ids, notes),
        duration=duration,
        metadata={str(k): v for k, v in metadata.items()} if isinstance(metadata, Mapping) else {},
        notes=notes,
    )


def _scene_list(raw: Any) -> list[Any]:
    if isinstance(raw, Mapping):
        raw = _pick(raw, "scenes", "storyboard")
        if isinstance(raw, Mapping):
            raw = raw.get("scenes")
    if not isinstance(raw, list | tuple):
        raise _fail(("scenes",), 'reply with a JSON object {"scenes": [...]} holding a list of scenes')
    return list(raw)


def _fit_count(items: list[Any], low: int, high: int) -> tuple[list[Any], str | None]:
    wanted = f"exactly {low}" if low == high else f"between {low} and {high}"
    if len(items) < low:
        raise _fail(("scenes",), f"the storyboard has {len(items)} scenes; plan {wanted} scenes")
    if len(items) <= high:
        return items, None
    return [
        *items[: high - 1],
        items[-1],
    ], f"planner returned {len(items)} scenes; kept the first {high - 1} and the last"


def normalise_storyboard(
    raw: Any,
    *,
    brief: Brief,
    rules: PlanningRules,
    assets: Sequence[PlanAsset],
    keep_count: int | None = None,
) -> tuple[SceneDraft, ...]:
    """A storyboard meeting every rule of SPEC §6, built from a planner's raw output.

    Scenes are numbered 1..n in the order given; n is within the rules (exactly ``keep_count``,
    clamped to the rules, when given); too many scenes are cut down to the first ones plus the
    last, too few are refused. Durations are fitted to the brief's duration, vocabulary is
    normalised (unknown values replaced by a default and noted in ``metadata["normalisation"]``),
    hallucinated asset ids dropped, every job asset placed at least once, and the call to action
    ends the last scene's script. Raises ``ValidationFailed`` with a repair hint otherwise.
    """
    low, high = rules.min_scenes, rules.max_scenes
    if keep_count is not None:
        low = high = _clamp(keep_count, low, high)
    items, truncated = _fit_count(_scene_list(raw), low, high)
    allowed = [a.id for a in assets]
    parsed = [_parse_scene(item, ("scenes", i), allowed) for i, item in enumerate(items)]
    if truncated:
        parsed[-1].notes.append(truncated)
    durations = fit_durations([p.duration for p in parsed], brief.creative.video_specs.duration)
    placed = place_assets([p.asset_ids for p in parsed], assets)
    for p, ids in zip(parsed, placed, strict=True):
        p.asset_ids = list(ids)
    parsed[-1].script = with_call_to_action(parsed[-1].script, brief.ad_basics.call_to_action)
    return tuple(p.draft(i + 1, d) for i, (p, d) in enumerate(zip(parsed, durations, strict=True)))


def _single_scene(raw: Any) -> Any:
    if isinstance(raw, Mapping):
        if isinstance(raw.get("scene"), Mapping):
            return raw["scene"]
        scenes = raw.get("scenes")
        if isinstance(scenes, list) and len(scenes) == 1:
            return scenes[0]
        if "scene" not in raw and "scenes" not in raw:
            return raw
    raise _fail(("scene",), 'reply with a JSON object {"scene": {...}} holding exactly one scene')


def normalise_scene(
    raw: Any,
    *,
    brief: Brief,
    rules: PlanningRules,
    assets: Sequence[PlanAsset],
    current: Sequence[SceneDraft],
    number: int,
    constraints: SceneConstraints | None,
) -> SceneDraft:
    """The replacement for scene ``number`` of ``current``, meeting SPEC §6 and ``constraints``.

    The duration is the constraint's, else the old scene's (so the total stays); shot type and
    transition are the constraint's when given; ``mustIncludeAssets`` are included; assets that
    would otherwise be used by no scene are kept here; the last scene ends with the call to
    action. Other scenes are not touched (the caller replaces only this one).
    """
    constraints = constraints or SceneConstraints()
    allowed = [a.id for a in assets]
    _check_required_assets(constraints.must_include_assets, allowed)
    _constraint_duration(constraints.duration)
    parsed = _parse_scene(_single_scene(raw), ("scene",), allowed)
    others = [s for s in current if s.number != number]
    old = next((s for s in current if s.number == number), None)
    duration = _scene_duration(constraints, old, parsed, brief, len(current) or rules.min_scenes)
    if constraints.shot_type is not None:
        parsed.shot_type = normalise_shot_type(constraints.shot_type, ("constraints", "shotType"))
    if constraints.transition is not None:
        parsed.transition = normalise_transition(constraints.transition, ("constraints", "transition"))
    used_elsewhere = {asset_id for s in others for asset_id in s.asset_ids}
    wanted = [*constraints.must_include_assets, *parsed.asset_ids]
    orphans = [a for a in allowed if a not in used_elsewhere and a not in wanted]
    parsed.asset_ids = list(dict.fromkeys([*wanted, *orphans]))
    if not others or number > max(s.number for s in others):
        parsed.script = with_call_to_action(parsed.script, brief.ad_basics.call_to_action)
    return parsed.draft(number, duration)


def _scene_duration(
    constraints: SceneConstraints, old: SceneDraft | None, parsed: _Parsed, brief: Brief, count: int
) -> float:
    if constraints.duration is not None:
        return float(constraints.duration)
    if old is not None:
        return old.duration
    if parsed.duration is not None:
        return max(0.01, round(parsed.duration, 2))
    return max(0.01, round(brief.creative.video_specs.duration / count, 2))


def _check_required_assets(required: Iterable[str], allowed: Sequence[str]) -> None:
    for i, asset_id in enumerate(required):
        if asset_id not in allowed:
            raise _fail(
                ("constraints", "mustIncludeAssets", i), f"asset {asset_id!r} is not one of this job's assets"
            )


def validate_constraints(
    raw: Mapping[str, Any] | None, assets: Iterable[PlanAsset | str]
) -> SceneConstraints | None:
    """Parse camelCase ``{duration, mustIncludeAssets, shotType, transition}`` (snake_case accepted).

    ``assets`` are the job's assets (or their ids). Raises ``ValidationFailed`` naming the field
    (e.g. ``("constraints", "shotType")``) when a value is malformed, unknown or foreign.
    """
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise _fail(("constraints",), "constraints must be an object")
    allowed = [a.id if isinstance(a, PlanAsset) else a for a in assets]
    required = _pick(raw, "mustIncludeAssets", "must_include_assets")
    if required is not None and (
        not isinstance(required, list) or not all(isinstance(a, str) for a in required)
    ):
        raise _fail(("constraints", "mustIncludeAssets"), "must be a list of asset ids")
    required_ids = tuple(dict.fromkeys(required or []))
    _check_required_assets(required_ids, allowed)
    shot = _pick(raw, "shotType", "shot_type")
    transition = raw.get("transition")
    return SceneConstraints(
        duration=_constraint_duration(raw.get("duration")),
        must_include_assets=required_ids,
        shot_type=None if shot is None else normalise_shot_type(shot, ("constraints", "shotType")),
        transition=None
        if transition is None
        else normalise_transition(transition, ("constraints", "transition")),
    )


def _constraint_duration(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(("constraints", "duration"), "must be a number of seconds")
    if not 0 < value <= MAX_VIDEO_SECONDS:
        raise _fail(("constraints", "duration"), f"must be > 0 and at most {MAX_VIDEO_SECONDS:g} seconds")
    return float(value)
