"""Voiceover rules (SPEC §8 "Sound"): does a script fit its scene, how long scenes must be for
their voices, and when each caption shows.

A script is spoken at a natural pace of about ``WORDS_PER_SECOND`` words per second. A scene
whose script needs longer gets a warning at review time; at render time the real voice's
length decides, and a scene too short for its voice is lengthened (a voice is never cut
mid-word).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import attrs

from v3core.model import Scene

WORDS_PER_SECOND = 2.7
"""A natural speaking pace for ad voiceovers."""

LEAD_IN_SECONDS = 0.15
"""The voice starts this long after its scene starts (a breath, not a gap)."""

TAIL_SECONDS = 0.25
"""Silence kept after a voice before the next scene starts."""

CUE_MAX_WORDS = 12
"""A caption shows at most this many words at once (about two short lines)."""

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)


def word_count(script: str) -> int:
    """The spoken words of ``script`` (punctuation and symbols are not words)."""
    return len(_WORD.findall(script))


def speaking_seconds(script: str) -> float:
    """How long ``script`` takes to say at a natural pace."""
    return word_count(script) / WORDS_PER_SECOND


def script_warnings(script: str, duration: float) -> tuple[str, ...]:
    """Review-time warnings for a scene: empty when its script can be spoken in ``duration``."""
    needed = speaking_seconds(script) + LEAD_IN_SECONDS
    if needed <= duration:
        return ()
    words = word_count(script)
    fits = max(0, math.floor((duration - LEAD_IN_SECONDS) * WORDS_PER_SECOND))
    return (
        f"script too long for the scene: {words} words need about {needed:.1f} s at a natural "
        f"pace, the scene lasts {duration:g} s (about {fits} words fit); shorten the script or "
        "lengthen the scene, or the video will lengthen it",
    )


def fitted_duration(duration: float, voice_seconds: float | None) -> float:
    """The scene's length in the video: at least long enough for its voice, lead-in and tail."""
    if not voice_seconds:
        return duration
    return max(duration, round(LEAD_IN_SECONDS + voice_seconds + TAIL_SECONDS, 3))


@attrs.frozen
class Cue:
    """One caption: ``text`` shown from ``start`` to ``end`` (seconds from the video's start)."""

    start: float
    end: float
    text: str


def _chunks(script: str) -> list[str]:
    words = script.split()
    count = max(1, math.ceil(len(words) / CUE_MAX_WORDS))
    size = math.ceil(len(words) / count)
    return [" ".join(words[i : i + size]) for i in range(0, len(words), size)]


def scene_cues(start: float, duration: float, script: str, voice_seconds: float | None) -> list[Cue]:
    """The captions of one scene starting at ``start``.

    Timed to the voice when there is one (from its onset to its end), else spread over the
    scene; a long script is split into cues of at most ``CUE_MAX_WORDS`` words, each shown for
    a share of the time proportional to its words.
    """
    if not script.strip():
        return []
    if voice_seconds:
        begin, length = start + LEAD_IN_SECONDS, voice_seconds
    else:
        begin, length = start, duration
    chunks = _chunks(script.strip())
    total = sum(len(c.split()) for c in chunks)
    cues, at = [], begin
    for chunk in chunks:
        span = length * len(chunk.split()) / total
        cues.append(Cue(at, min(at + span, start + duration), chunk))
        at += span
    return cues


def captions(durations: Sequence[float], scripts: Sequence[str], voices: Sequence[float | None]) -> list[Cue]:
    """Every caption of a video whose scenes last ``durations`` (already fitted to voices)."""
    cues: list[Cue] = []
    start = 0.0
    for duration, script, voice in zip(durations, scripts, voices, strict=True):
        cues.extend(scene_cues(start, duration, script, voice))
        start += duration
    return cues


def planned_duration(scene: Scene) -> float:
    """The scene's length before any render fitted it to its voice."""
    return scene.voiceover.planned_duration if scene.voiceover else scene.duration


def fit_note(scene: Scene) -> str | None:
    """What the render changed about ``scene`` to fit its voice (``None``: nothing)."""
    planned = planned_duration(scene)
    if scene.voiceover is None or scene.duration <= planned:
        return None
    return (
        f"scene {scene.number} lengthened from {planned:.1f} s to {scene.duration:.1f} s to fit "
        f"its voiceover ({scene.voiceover.seconds:.1f} s of speech)"
    )


def fit_notes(scenes: Sequence[Scene]) -> list[str]:
    """The notes of every scene the render lengthened, in scene order."""
    ordered = sorted(scenes, key=lambda s: s.number)
    return [note for note in (fit_note(s) for s in ordered) if note is not None]


def storyboard_captions(scenes: Sequence[Scene]) -> list[Cue]:
    """The captions of a storyboard as stored: timed to each scene's voice when it was spoken,
    else to the scene. The same cues are burned into the video and served as WebVTT."""
    ordered = sorted(scenes, key=lambda s: s.number)
    return captions(
        [s.duration for s in ordered],
        [s.script for s in ordered],
        [s.voiceover.seconds if s.voiceover else None for s in ordered],
    )


def scene_warnings(scene: Scene) -> tuple[str, ...]:
    """``script_warnings`` of a scene until it is spoken; once the render has fitted the scene
    to its real voice (``scene.voiceover``) the estimate no longer applies."""
    return () if scene.voiceover is not None else script_warnings(scene.script, scene.duration)
