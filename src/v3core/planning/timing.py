"""How many scenes, and how long each one lasts."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from v3core.brief import Brief
from v3core.planning._common import clamp, fail
from v3core.storyboard import PlanningRules

SECONDS_PER_SCENE = 6.0
MIN_SCENE_SECONDS = 0.5


def planned_scene_count(brief: Brief, rules: PlanningRules) -> int:
    """How many scenes a fresh plan aims for: ``advanced.sceneCount`` if given, else ~6 s per scene.

    Always within the rules' bounds, and never decreasing as the video gets longer.
    """
    requested = brief.advanced.get("sceneCount", brief.advanced.get("scene_count"))
    if isinstance(requested, int) and not isinstance(requested, bool):
        return clamp(requested, rules.min_scenes, rules.max_scenes)
    derived = math.floor(brief.creative.video_specs.duration / SECONDS_PER_SCENE + 0.5)
    return clamp(derived, rules.min_scenes, rules.max_scenes)


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
    return clamp(wanted, rules.min_scenes, rules.max_scenes)


def fit_durations(durations: Sequence[float | None], total: float) -> tuple[float, ...]:
    """Scene durations proportional to ``durations`` that add up to ``total``.

    Missing entries (``None``) get the mean of the known ones. Each result is > 0 and at least
    ``MIN_SCENE_SECONDS`` when the total allows; values are whole hundredths of a second
    except the last, which absorbs any sub-hundredth remainder of ``total``.
    """
    n = len(durations)
    if n == 0 or not math.isfinite(total) or total < 0.01 * n:
        raise fail(("duration",), f"a {total:g} s video cannot hold {n} scenes")
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
