"""The dry run prices speech and music from the sound providers set (SPEC §8: the dry run prices
the same steps as the render; a free, local provider adds no step).

Expected values follow the documented rule (decision 0161): speech is the whole duration spoken
at about 2.7 words per second, 6 characters a word, priced per 1 000 characters; music is the
whole duration priced per second.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from v3core.brief import Brief, parse_brief
from v3core.costs import PriceTable, estimate
from v3core.storyboard import PlanningRules
from v3core.testing.strategies import SEED_MINIMAL_BRIEF, briefs

from .invariants import PROPERTY

NOW = datetime(2026, 3, 14, 15, 9, 26, tzinfo=UTC)
RULES = PlanningRules(3, 7)


def with_duration(brief: Brief, seconds: float) -> Brief:
    specs = attrs.evolve(brief.creative.video_specs, duration=seconds)
    return attrs.evolve(brief, creative=attrs.evolve(brief.creative, video_specs=specs))


def seed(seconds: float) -> Brief:
    return with_duration(parse_brief(SEED_MINIMAL_BRIEF), seconds)


def test_local_sound_providers_add_no_step() -> None:
    quote = estimate(seed(30), RULES, PriceTable(), NOW)

    assert "speech" not in quote.breakdown
    assert "music" not in quote.breakdown
    assert "speechCharacters" not in quote.assumptions
    assert "speech_characters" not in quote.assumptions


def test_a_priced_speech_provider_is_charged_for_the_whole_duration_spoken_at_a_natural_pace() -> None:
    # 30 s x 2.7 words/s = 81 words x 6 characters = 486 characters; at $0.015 per 1 000: $0.00729.
    quote = estimate(seed(30), RULES, PriceTable(speech_per_1k_chars=0.015), NOW)

    assert quote.breakdown["speech"] == pytest.approx(0.00729)
    assert quote.assumptions["speech_characters"] == 486
    assert "music" not in quote.breakdown


def test_priced_music_is_charged_per_second_of_video() -> None:
    # 20 s x $0.0023 per second = $0.046.
    quote = estimate(seed(20), RULES, PriceTable(music_per_second=0.0023), NOW)

    assert quote.breakdown["music"] == pytest.approx(0.046)
    assert "speech" not in quote.breakdown


def test_both_lines_add_to_the_total() -> None:
    free = estimate(seed(10), RULES, PriceTable(), NOW)
    paid = estimate(seed(10), RULES, PriceTable(speech_per_1k_chars=0.03, music_per_second=0.01), NOW)

    # 10 s: 27 words x 6 = 162 characters x $0.03 / 1 000 = $0.00486; music 10 x $0.01 = $0.10.
    assert paid.breakdown["speech"] == pytest.approx(0.00486)
    assert paid.breakdown["music"] == pytest.approx(0.1)
    assert paid.estimated_cost == pytest.approx(free.estimated_cost + 0.00486 + 0.1)
    assert math.isclose(paid.estimated_cost, math.fsum(paid.breakdown.values()), abs_tol=1e-6)


@PROPERTY
@given(brief=briefs(), seconds=st.lists(st.floats(5, 120), min_size=2, max_size=2))
def test_a_longer_video_never_costs_less_to_voice_and_score(brief: Brief, seconds: list[float]) -> None:
    prices = PriceTable(speech_per_1k_chars=0.015, music_per_second=0.002)
    short, long = sorted(seconds)
    a = estimate(with_duration(brief, short), RULES, prices, NOW)
    b = estimate(with_duration(brief, long), RULES, prices, NOW)

    assert b.breakdown["speech"] >= a.breakdown["speech"]
    assert b.breakdown["music"] >= a.breakdown["music"]
