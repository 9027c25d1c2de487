"""SPEC §8 "Sound": a script that cannot be spoken in its scene at about 2.7 words per second is
reported at review time; the render lengthens a scene rather than cutting its voice; captions
follow the scenes."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from v3core.model import Scene, Voiceover
from v3core.voiceover import (
    captions,
    fit_note,
    fit_notes,
    fitted_duration,
    scene_cues,
    scene_warnings,
    script_warnings,
    storyboard_captions,
    word_count,
)

WORDS = st.lists(st.sampled_from(["grip", "rock", "rain", "shoe", "run", "now"]), min_size=1, max_size=80)


def test_eight_words_fit_in_four_seconds_but_twenty_do_not() -> None:
    assert script_warnings("Mud, rock, rain: one shoe for every trail.", 4) == ()
    long = " ".join(["word"] * 20)  # 20 words need about 7.4 s
    (warning,) = script_warnings(long, 4)
    assert "20 words" in warning
    assert "4 s" in warning


@given(words=WORDS, duration=st.floats(min_value=0.5, max_value=30))
def test_a_warning_appears_exactly_when_the_words_need_more_than_the_scene(
    words: list[str], duration: float
) -> None:
    needed = len(words) / 2.7
    warned = bool(script_warnings(" ".join(words), duration))
    if needed > duration:
        assert warned
    if needed + 0.15 < duration - 1e-9:
        assert not warned


def test_punctuation_is_not_counted_as_words() -> None:
    assert word_count("Shop now — today! It's 50% off.") == 6


@given(duration=st.floats(min_value=0.5, max_value=30), voice=st.floats(min_value=0.1, max_value=40))
def test_a_scene_is_never_shorter_than_its_voice(duration: float, voice: float) -> None:
    fitted = fitted_duration(duration, voice)
    assert fitted >= duration
    assert fitted >= voice


def test_a_scene_without_voice_keeps_its_length() -> None:
    assert fitted_duration(5.0, None) == 5.0


def test_captions_start_with_the_voice_and_stay_inside_their_scene() -> None:
    cues = captions([4.0, 6.0], ["First scene words.", "Second scene, spoken."], [1.2, 1.6])
    assert [c.text for c in cues] == ["First scene words.", "Second scene, spoken."]
    assert 0 < cues[0].start < 0.5
    assert abs(cues[0].end - (cues[0].start + 1.2)) < 1e-6
    assert 4.0 < cues[1].start < 4.5
    assert cues[1].end <= 10.0


@given(words=WORDS, start=st.floats(0, 100), duration=st.floats(1, 30))
def test_long_scripts_split_into_short_ordered_cues_covering_every_word(
    words: list[str], start: float, duration: float
) -> None:
    cues = scene_cues(start, duration, " ".join(words), None)
    assert " ".join(c.text for c in cues).split() == words
    assert all(len(c.text.split()) <= 12 for c in cues)
    assert all(start - 1e-6 <= c.start < c.end <= start + duration + 1e-6 for c in cues)
    assert all(a.end <= b.start + 1e-6 for a, b in itertools.pairwise(cues))


def test_an_empty_script_has_no_caption() -> None:
    assert scene_cues(0, 5, "   ", None) == []


def _scene(number: int, duration: float, script: str, voiceover: Voiceover | None = None) -> Scene:
    at = datetime(2026, 12, 2, tzinfo=UTC)
    return Scene(f"s{number}", "j", number, duration, "d", script, "wide", "cut", at, at, voiceover=voiceover)


def test_a_spoken_scene_reports_its_lengthening_and_its_captions_follow_the_voice() -> None:
    long = " ".join(["word"] * 20)
    planned = _scene(2, 4.0, long)
    assert script_warnings(long, 4.0)
    assert scene_warnings(planned) == script_warnings(long, 4.0)
    spoken = _scene(2, 5.65, long, Voiceover(0.15, 5.25, 4.0))
    assert scene_warnings(spoken) == (), "the real voice fits: the estimate no longer applies"
    assert fit_note(spoken) == "scene 2 lengthened from 4.0 s to 5.7 s to fit its voiceover (5.2 s of speech)"
    first = _scene(1, 3.0, "Hello there.", Voiceover(0.15, 1.0, 3.0))
    assert fit_note(first) is None
    assert fit_notes([spoken, first]) == [fit_note(spoken)]
    cues = storyboard_captions([spoken, first])
    assert [(c.start, c.end) for c in cues[:1]] == [(0.15, 1.15)]
    assert cues[1].start == 3.15
    assert abs(cues[-1].end - (3.15 + 5.25)) < 1e-9
