"""The cost model: what a job is estimated to cost before it exists, and what each step actually cost.

Prices live in a ``PriceTable`` (USD) the composition root configures; everything here is a
pure function of the table and its inputs, so the same brief and table always give the same
estimate. The choices are recorded in ``docs/decisions/0011-cost-model.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time
from typing import Any

import attrs

from v3core.brief import Brief
from v3core.planning import fit_durations, planned_scene_count
from v3core.ports.planner import TokenUsage
from v3core.storyboard import PlanningRules
from v3core.voiceover import WORDS_PER_SECOND

CURRENCY = "USD"

CHARS_PER_WORD = 6
"""Characters a spoken word takes in a script, its space included (English averages ~5 letters)."""

#: USD per 1 000 (input, output) tokens, matched by the longest model-name prefix.
DEFAULT_TOKEN_PRICES: Mapping[str, tuple[float, float]] = {
    "template": (0.0, 0.0),
    "gpt-4o-mini": (0.00015, 0.0006),
    "gpt-4o": (0.0025, 0.01),
    "gpt-4.1-mini": (0.0004, 0.0016),
    "gpt-4.1": (0.002, 0.008),
    "claude-3-5-haiku": (0.0008, 0.004),
    "claude-3-5-sonnet": (0.003, 0.015),
    "claude-sonnet-4": (0.003, 0.015),
    "claude-3-7-sonnet": (0.003, 0.015),
}


@attrs.frozen
class PriceTable:
    """Prices in USD and the token budget assumed when estimating a plan.

    ``planning_model`` is the model the estimate assumes (the configured ``AI_MODEL``, or
    "template"); unknown models are priced at ``default_token_prices``.
    """

    planning_model: str = "template"
    storyboard_per_scene: float = 0.02
    render_per_second: float = 0.01
    asset_import_per_asset: float = 0.005
    token_prices: Mapping[str, tuple[float, float]] = attrs.field(
        factory=lambda: dict(DEFAULT_TOKEN_PRICES), hash=False
    )
    default_token_prices: tuple[float, float] = (0.003, 0.015)
    estimated_input_tokens: int = 1500
    estimated_output_tokens_per_scene: int = 250
    image_per_frame: float = 0.0
    """USD per generated image (storyboard frame); 0 = no image provider (local): not a step."""
    video_per_second: float = 0.0
    """USD per second of generated video; 0 = no video provider (local): not a step."""
    video_clip_lengths: tuple[int, ...] = ()
    """The clip lengths (s) the video model takes and bills, e.g. Veo's (4, 6, 8); a scene is
    billed ``billed_clip_seconds`` of them. Empty: any whole number of seconds."""
    speech_per_1k_chars: float = 0.0
    """USD per 1 000 characters of script spoken; 0 = local or no speech provider: not a step."""
    music_per_second: float = 0.0
    """USD per second of generated music; 0 = the local bed: not a step."""

    def tokens_for(self, model: str) -> tuple[float, float]:
        """USD per 1 000 (input, output) tokens of ``model`` (longest matching name prefix wins)."""
        matches = [name for name in self.token_prices if model.lower().startswith(name.lower())]
        if not matches:
            return self.default_token_prices
        return self.token_prices[max(matches, key=len)]


@attrs.frozen
class CostEstimate:
    """A dry-run quote: total, per-step breakdown, how long it holds and what it assumed."""

    estimated_cost: float
    currency: str
    breakdown: Mapping[str, float]
    valid_until: datetime
    assumptions: Mapping[str, Any]


def _money(amount: float) -> float:
    return round(amount, 6)


def planning_cost(usage: TokenUsage, model: str, scenes: int, prices: PriceTable) -> float:
    """What one planning call cost: ``scenes`` planned scenes plus the tokens it used on ``model``."""
    per_input, per_output = prices.tokens_for(model)
    tokens = usage.input_tokens / 1000 * per_input + usage.output_tokens / 1000 * per_output
    return _money(max(0, scenes) * prices.storyboard_per_scene + tokens)


def render_cost(seconds: float, prices: PriceTable) -> float:
    """What rendering ``seconds`` of output video costs."""
    return _money(max(0.0, seconds) * prices.render_per_second)


def import_cost(assets: int, prices: PriceTable) -> float:
    """What importing ``assets`` assets from URLs costs."""
    return _money(max(0, assets) * prices.asset_import_per_asset)


def image_generation_cost(frames: int, prices: PriceTable) -> float:
    """What ``frames`` generated images cost."""
    return _money(max(0, frames) * prices.image_per_frame)


def video_generation_cost(seconds: float, prices: PriceTable) -> float:
    """What ``seconds`` of generated video cost."""
    return _money(max(0.0, seconds) * prices.video_per_second)


def billed_clip_seconds(duration: float, lengths: Sequence[int] = ()) -> int:
    """The seconds a video model bills for a scene of ``duration``: the shortest of its clip
    ``lengths`` covering the scene (the longest when none does; the renderer trims or loops the
    clip), or the whole seconds covering it when the model takes any length. At least 1."""
    wanted = max(1, math.ceil(duration)) if math.isfinite(duration) else 1
    if not lengths:
        return wanted
    return next((s for s in sorted(lengths) if s >= wanted), max(lengths))


def estimated_clip_seconds(scenes: int, seconds: float, prices: PriceTable) -> int:
    """The seconds of clips a job of ``scenes`` scenes and ``seconds`` in total is billed before
    it is planned: its scenes assumed equally long, each billed ``billed_clip_seconds``."""
    if scenes <= 0 or not math.isfinite(seconds) or seconds < 0.01 * scenes:
        return 0
    durations = fit_durations([None] * scenes, seconds)
    return sum(billed_clip_seconds(d, prices.video_clip_lengths) for d in durations)


def generation_breakdown(scenes: int, seconds: float, prices: PriceTable) -> dict[str, float]:
    """The generation steps a job with ``scenes`` scenes of ``seconds`` in total is priced at.

    One frame per scene when an image provider is set (it is also the clip's first frame), one
    clip per scene when a video provider is set, priced at the seconds the model bills for it
    (``estimated_clip_seconds``); a free (local) provider adds no step.
    """
    steps: dict[str, float] = {}
    if prices.image_per_frame > 0:
        steps["image_generation"] = image_generation_cost(scenes, prices)
    if prices.video_per_second > 0:
        billed = estimated_clip_seconds(scenes, seconds, prices)
        steps["video_generation"] = video_generation_cost(billed, prices)
    return steps


def estimated_script_chars(seconds: float) -> int:
    """Characters of script a video of ``seconds`` is assumed to speak before it is planned: the
    whole duration at the natural pace (``WORDS_PER_SECOND``) of ``CHARS_PER_WORD``-character words."""
    return math.ceil(max(0.0, seconds) * WORDS_PER_SECOND * CHARS_PER_WORD)


def speech_cost(chars: int, prices: PriceTable) -> float:
    """What speaking ``chars`` characters of script costs."""
    return _money(max(0, chars) / 1000 * prices.speech_per_1k_chars)


def music_cost(seconds: float, prices: PriceTable) -> float:
    """What ``seconds`` of generated music cost."""
    return _money(max(0.0, seconds) * prices.music_per_second)


def sound_breakdown(seconds: float, prices: PriceTable) -> dict[str, float]:
    """``speech`` (``estimated_script_chars``) and ``music`` (the whole video) for a video of
    ``seconds``, each only when its provider is priced; a free (local) provider adds no step."""
    steps: dict[str, float] = {}
    if prices.speech_per_1k_chars > 0:
        steps["speech"] = speech_cost(estimated_script_chars(seconds), prices)
    if prices.music_per_second > 0:
        steps["music"] = music_cost(seconds, prices)
    return steps


def end_of_utc_day(now: datetime) -> datetime:
    """23:59:59.999999 UTC of the UTC day ``now`` falls in (a naive ``now`` is taken as UTC)."""
    utc = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    return datetime.combine(utc.date(), time.max, tzinfo=UTC)


def estimate(brief: Brief, rules: PlanningRules, prices: PriceTable, now: datetime) -> CostEstimate:
    """The dry-run quote for ``brief``: deterministic for the same inputs and table.

    Never decreases when the scene count or the video duration grows. The breakdown always has
    ``storyboard_generation`` and ``video_rendering``, plus ``asset_import`` when the brief
    carries asset URLs, ``image_generation``/``video_generation`` when a paid provider is set
    (``generation_breakdown``) and ``speech``/``music`` when a paid sound provider is set
    (``sound_breakdown``); the quote holds until the end of the current UTC day.
    """
    scenes = planned_scene_count(brief, rules)
    seconds = brief.creative.video_specs.duration
    model = prices.planning_model
    usage = TokenUsage(
        input_tokens=prices.estimated_input_tokens,
        output_tokens=prices.estimated_output_tokens_per_scene * scenes,
    )
    urls = sum(1 for a in brief.creative.assets if a.url)
    breakdown = {
        "storyboard_generation": planning_cost(usage, model, scenes, prices),
        "video_rendering": render_cost(seconds, prices),
    }
    if urls:
        breakdown["asset_import"] = import_cost(urls, prices)
    breakdown.update(generation_breakdown(scenes, seconds, prices))
    breakdown.update(sound_breakdown(seconds, prices))
    total = math.fsum(breakdown.values())
    return CostEstimate(
        estimated_cost=_money(total),
        currency=CURRENCY,
        breakdown=breakdown,
        valid_until=end_of_utc_day(now),
        assumptions={
            "scene_count": scenes,
            "duration": seconds,
            "model": model,
            "format": brief.creative.video_specs.format,
            "assets_to_import": urls,
            **({"speech_characters": estimated_script_chars(seconds)} if "speech" in breakdown else {}),
            **(
                {"video_seconds": estimated_clip_seconds(scenes, seconds, prices)}
                if "video_generation" in breakdown
                else {}
            ),
        },
    )
