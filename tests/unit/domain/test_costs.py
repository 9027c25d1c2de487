"""The dry-run quote and the actual cost of each step (SPEC §4 Jobs, dry-run)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from v3core.brief import Brief, parse_brief
from v3core.costs import PriceTable, billed_clip_seconds, estimate, planning_cost, render_cost
from v3core.ports.planner import TokenUsage
from v3core.storyboard import PlanningRules
from v3core.testing.strategies import SEED_MINIMAL_BRIEF, briefs, raw_briefs

from .invariants import PROPERTY, planning_rules

NOW = datetime(2026, 3, 14, 15, 9, 26, tzinfo=UTC)
TABLES = st.sampled_from(
    [PriceTable(), PriceTable(planning_model="gpt-4o-mini"), PriceTable(planning_model="claude-x")]
)


def with_scenes(brief: Brief, count: int) -> Brief:
    return attrs.evolve(brief, advanced={**brief.advanced, "sceneCount": count})


def with_duration(brief: Brief, seconds: float) -> Brief:
    specs = attrs.evolve(brief.creative.video_specs, duration=seconds)
    return attrs.evolve(brief, creative=attrs.evolve(brief.creative, video_specs=specs))


@PROPERTY
@given(raw=raw_briefs(), rules=planning_rules(), prices=TABLES, later=st.integers(0, 8 * 3600))
def test_the_same_input_gives_the_same_quote_all_day_whatever_the_key_order(
    raw: dict[str, Any], rules: PlanningRules, prices: PriceTable, later: int
) -> None:
    """SPEC: deterministic for the same input and price table (the clock only moves validUntil)."""
    reordered = json.loads(json.dumps(raw, sort_keys=True))
    reordered = {key: reordered[key] for key in reversed(list(reordered))}
    first = estimate(parse_brief(raw), rules, prices, NOW)
    again = estimate(
        parse_brief(reordered), rules, PriceTable(**attrs.asdict(prices)), NOW + timedelta(seconds=later)
    )
    assert again == first


@PROPERTY
@given(
    brief=briefs(),
    rules=planning_rules(),
    prices=TABLES,
    counts=st.lists(st.integers(1, 10), min_size=2, max_size=2),
)
def test_more_scenes_never_cost_less(
    brief: Brief, rules: PlanningRules, prices: PriceTable, counts: list[int]
) -> None:
    few, many = sorted(counts)
    cheap = estimate(with_scenes(brief, few), rules, prices, NOW)
    dear = estimate(with_scenes(brief, many), rules, prices, NOW)
    assert cheap.estimated_cost <= dear.estimated_cost


@PROPERTY
@given(
    brief=briefs(),
    rules=planning_rules(),
    prices=TABLES,
    lengths=st.lists(st.floats(5, 120), min_size=2, max_size=2),
)
def test_longer_videos_never_cost_less(
    brief: Brief, rules: PlanningRules, prices: PriceTable, lengths: list[float]
) -> None:
    short, long = sorted(lengths)
    cheap = estimate(with_duration(brief, short), rules, prices, NOW)
    dear = estimate(with_duration(brief, long), rules, prices, NOW)
    assert cheap.estimated_cost <= dear.estimated_cost
    assert cheap.assumptions["scene_count"] <= dear.assumptions["scene_count"]


@PROPERTY
@given(brief=briefs(), now=st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-11))])))
def test_a_quote_holds_until_the_end_of_the_current_utc_day(brief: Brief, now: datetime) -> None:
    quote = estimate(brief, PlanningRules(), PriceTable(), now)
    assert quote.valid_until.tzinfo is UTC
    assert quote.valid_until.date() == now.astimezone(UTC).date()
    assert quote.valid_until.time() == time.max
    assert quote.valid_until >= now


def test_the_seed_minimal_brief_is_quoted_with_its_assumptions() -> None:
    quote = estimate(parse_brief(SEED_MINIMAL_BRIEF), PlanningRules(), PriceTable(), NOW)
    assert quote.currency == "USD"
    assert set(quote.breakdown) == {"storyboard_generation", "video_rendering"}
    assert quote.estimated_cost == pytest.approx(sum(quote.breakdown.values()))
    assert quote.assumptions == {
        "scene_count": 5,
        "duration": 30.0,
        "model": "template",
        "format": "16:9",
        "assets_to_import": 0,
    }
    assert quote.valid_until == datetime(2026, 3, 14, 23, 59, 59, 999999, tzinfo=UTC)


def test_importing_asset_urls_is_its_own_line() -> None:
    raw = {
        **SEED_MINIMAL_BRIEF,
        "creative": {
            "direction": {"style": "S"},
            "assets": [
                {"url": "https://example.com/a.png"},
                {"assetId": "a1"},
                {"url": "https://example.com/b.png"},
            ],
        },
    }
    quote = estimate(parse_brief(raw), PlanningRules(), PriceTable(asset_import_per_asset=0.25), NOW)
    assert quote.breakdown["asset_import"] == 0.5
    assert quote.assumptions["assets_to_import"] == 2


def test_planning_cost_prices_tokens_by_the_longest_matching_model_name() -> None:
    prices = PriceTable(storyboard_per_scene=0.0)
    usage = TokenUsage(input_tokens=1000, output_tokens=2000)
    assert planning_cost(usage, "gpt-4o-mini-2024-07-18", 5, prices) == pytest.approx(0.00015 + 2 * 0.0006)
    assert planning_cost(usage, "gpt-4o", 5, prices) == pytest.approx(0.0025 + 2 * 0.01)
    assert planning_cost(usage, "some-local-model", 5, prices) == pytest.approx(0.003 + 2 * 0.015)
    assert planning_cost(TokenUsage(), "template", 5, PriceTable()) == pytest.approx(5 * 0.02)


def test_rendering_is_priced_per_second_of_output() -> None:
    assert render_cost(30, PriceTable(render_per_second=0.01)) == pytest.approx(0.3)
    assert render_cost(-1, PriceTable()) == 0


VEO = PriceTable(video_per_second=0.4, video_clip_lengths=(4, 6, 8))


@pytest.mark.parametrize(
    ("scene_seconds", "billed"), [(0.5, 4), (4, 4), (4.01, 6), (5.5, 6), (6, 6), (7.2, 8), (12, 8)]
)
def test_veo_bills_the_shortest_of_4_6_or_8_s_covering_a_scene(scene_seconds: float, billed: int) -> None:
    """SPEC §8: Veo takes 4, 6 or 8 s clips; a longer scene gets 8 s (the renderer loops it)."""
    assert billed_clip_seconds(scene_seconds, (4, 6, 8)) == billed


def test_a_model_of_any_length_bills_whole_seconds() -> None:
    assert [billed_clip_seconds(s) for s in (0.2, 3, 3.2, 9.99)] == [1, 3, 4, 10]


def test_the_dry_run_prices_veo_clips_per_scene_not_the_exact_duration() -> None:
    """30 s in 4 scenes: 7.5 s each, billed 8 s each by Veo — 32 s, not 30 s; in 6 scenes of
    5 s: 6 s each, 36 s (a model taking any length bills those 30 s)."""
    brief = with_duration(parse_brief(SEED_MINIMAL_BRIEF), 30)
    quote = estimate(with_scenes(brief, 4), PlanningRules(), VEO, NOW)
    assert quote.breakdown["video_generation"] == pytest.approx(32 * 0.4)
    assert quote.assumptions["video_seconds"] == 32
    six = with_scenes(brief, 6)
    assert estimate(six, PlanningRules(), VEO, NOW).breakdown["video_generation"] == pytest.approx(36 * 0.4)
    any_length = attrs.evolve(VEO, video_clip_lengths=())
    assert estimate(six, PlanningRules(), any_length, NOW).breakdown["video_generation"] == pytest.approx(12)


@PROPERTY
@given(
    brief=briefs(),
    count=st.integers(1, 10),
    lengths=st.lists(st.floats(1, 120), min_size=2, max_size=2),
    clips=st.sampled_from([(), (4, 6, 8), (6, 10)]),
)
def test_longer_videos_of_the_same_scene_count_never_cost_less_video(
    brief: Brief, count: int, lengths: list[float], clips: tuple[int, ...]
) -> None:
    """Fixed clip lengths make more, shorter scenes cheaper than fewer, longer ones at times
    (5 scenes of 6 s < 4 of 8 s with Veo), so only a fixed scene count is monotone in duration."""
    short, long = sorted(lengths)
    prices = PriceTable(video_per_second=0.1, video_clip_lengths=clips)
    cheap = estimate(with_duration(with_scenes(brief, count), short), PlanningRules(1, 10), prices, NOW)
    dear = estimate(with_duration(with_scenes(brief, count), long), PlanningRules(1, 10), prices, NOW)
    assert cheap.breakdown["video_generation"] <= dear.breakdown["video_generation"]
