"""A procedural music bed: chords, bass, an arpeggio and drums synthesised with numpy.

The style text (the brief's ``musicStyle``, else its tone) picks the arrangement: tempo, mode
and instruments. "upbeat electronic" gets 124 BPM saw pads, a four-on-the-floor kick and
hi-hats; "calm acoustic" 76 BPM plucked strings and soft sine pads with no drums. The key comes
from the seed, so one job always gets the same track.
"""

from __future__ import annotations

import random

import attrs
import numpy as np
import numpy.typing as npt

from .signal import RATE, Audio

_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)
_MAJOR_PROGRESSION = (0, 4, 5, 3)  # I V vi IV
_MINOR_PROGRESSION = (0, 5, 2, 6)  # i VI III VII


@attrs.frozen
class Arrangement:
    """How the bed sounds: tempo (BPM), minor or major, and which parts play."""

    tempo: float
    minor: bool
    pad: str  # "saw" | "sine"
    lead: str  # "pluck" | "synth" | "piano"
    kick: str  # "four" | "half" | "none"
    hats: bool


_STYLES: tuple[tuple[tuple[str, ...], Arrangement], ...] = (
    (
        ("electronic", "edm", "dance", "techno", "house", "synth"),
        Arrangement(124, False, "saw", "synth", "four", True),
    ),
    (("hip hop", "hip-hop", "lofi", "lo-fi", "urban"), Arrangement(88, True, "sine", "piano", "half", True)),
    (("cinematic", "epic", "orchestral", "dramatic"), Arrangement(92, True, "saw", "piano", "half", False)),
    (
        ("acoustic", "folk", "guitar", "calm", "ambient", "relax", "soft", "gentle"),
        Arrangement(76, False, "sine", "pluck", "none", False),
    ),
    (
        ("corporate", "inspiring", "uplifting", "piano"),
        Arrangement(104, False, "sine", "piano", "half", True),
    ),
    (
        ("upbeat", "energetic", "playful", "fun", "happy", "bold"),
        Arrangement(118, False, "saw", "pluck", "four", True),
    ),
    (
        ("luxury", "elegant", "serious", "dark", "premium"),
        Arrangement(84, True, "sine", "piano", "none", False),
    ),
)
_DEFAULT = Arrangement(100, False, "sine", "pluck", "half", True)


def arrangement_for(style: str) -> Arrangement:
    """The arrangement a style text asks for: its first matching genre word wins, then its mood."""
    text = style.lower()
    for words, arrangement in _STYLES:
        if any(word in text for word in words):
            if arrangement.kick == "none" and any(w in text for w in ("upbeat", "energetic")):
                return attrs.evolve(arrangement, tempo=arrangement.tempo + 30, kick="four", hats=True)
            return arrangement
    return _DEFAULT


def _hz(midi: float) -> float:
    return float(440.0 * 2 ** ((midi - 69) / 12))


def _tone(freq: float, seconds: float, kind: str, decay: float) -> npt.NDArray[np.float32]:
    t = np.arange(int(seconds * RATE), dtype=np.float32) / RATE
    if kind == "saw":
        wave = sum(np.sin(2 * np.pi * freq * k * t * (1 + 0.002 * (k % 3))) / k for k in range(1, 7))
    elif kind in ("pluck", "piano"):
        wave = sum(np.sin(2 * np.pi * freq * k * t) * np.exp(-t * decay * k) / k**1.5 for k in range(1, 6))
    else:
        wave = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(2 * np.pi * freq * 2 * t)
    attack = np.minimum(1.0, t / 0.01)
    envelope = attack * (np.exp(-t * decay) if kind != "saw" else np.minimum(1.0, (seconds - t) / 0.05))
    return np.asarray(wave * envelope, dtype=np.float32)


def _add(track: npt.NDArray[np.float32], at: float, sound: npt.NDArray[np.float32], gain: float) -> None:
    start = int(at * RATE)
    end = min(len(track), start + len(sound))
    if start < end:
        track[start:end] += gain * sound[: end - start]


def _drum(kind: str) -> npt.NDArray[np.float32]:
    rng = np.random.default_rng(7)
    if kind == "kick":
        t = np.arange(int(0.3 * RATE)) / RATE
        sweep = 50 + 90 * np.exp(-t * 30)
        return np.asarray(np.sin(2 * np.pi * np.cumsum(sweep) / RATE) * np.exp(-t * 9), dtype=np.float32)
    t = np.arange(int(0.06 * RATE)) / RATE
    noise = rng.standard_normal(len(t))
    bright = noise - np.concatenate(([0.0], noise[:-1]))  # first difference: a hiss, not a thud
    return np.asarray(bright * np.exp(-t * 60) * 0.3, dtype=np.float32)


def compose(style: str, seconds: float, seed: int = 0) -> Audio:
    """A stereo bed of ``seconds`` in ``style`` (deterministic for the same seed)."""
    arrangement = arrangement_for(style)
    rng = random.Random(seed)
    root = 48 + rng.randrange(12)
    scale = _MINOR if arrangement.minor else _MAJOR
    progression = _MINOR_PROGRESSION if arrangement.minor else _MAJOR_PROGRESSION
    beat = 60.0 / arrangement.tempo
    bar = 4 * beat
    left = np.zeros(int(seconds * RATE) + RATE, dtype=np.float32)
    right = np.zeros_like(left)
    kick, hat = _drum("kick"), _drum("hat")
    for index in range(int(seconds / bar) + 1):
        at = index * bar
        degree = progression[index % len(progression)]
        chord = [root + scale[(degree + step) % 7] + 12 * ((degree + step) // 7) for step in (0, 2, 4)]
        for note in chord:
            pad = _tone(_hz(note + 12), bar, arrangement.pad, 0.6)
            _add(left, at, pad, 0.06)
            _add(right, at + 0.012, pad, 0.06)
        bass = _tone(_hz(chord[0] - 12), beat * 2, "sine", 2.0)
        for half in (0, 2):
            _add(left, at + half * beat, bass, 0.25)
            _add(right, at + half * beat, bass, 0.25)
        for step in range(8):
            note = chord[(step * (2 if arrangement.minor else 1)) % 3] + 24
            lead = _tone(_hz(note), beat, arrangement.lead, 6.0 if arrangement.lead != "synth" else 3.0)
            pan = 0.35 + 0.3 * (step % 2)
            _add(left, at + step * beat / 2, lead, 0.08 * (1 - pan))
            _add(right, at + step * beat / 2, lead, 0.08 * pan)
        hits = {"four": (0, 1, 2, 3), "half": (0, 2), "none": ()}[arrangement.kick]
        for hit in hits:
            _add(left, at + hit * beat, kick, 0.5)
            _add(right, at + hit * beat, kick, 0.5)
        if arrangement.hats:
            for step in range(8):
                _add(left, at + (step + 0.5) * beat / 2 * 1.0, hat, 0.35)
                _add(right, at + (step + 0.5) * beat / 2 * 1.0, hat, 0.25)
    track = np.stack([left, right], axis=1)[: int(seconds * RATE)]
    peak = float(np.max(np.abs(track))) or 1.0
    return np.asarray(track * (0.8 / peak), dtype=np.float32)
