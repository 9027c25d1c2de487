"""The soundtrack of a video: voices placed at their scenes, a music bed faded and ducked under
them, the sum normalised to -14 LUFS integrated with true peak at most -1 dBTP (SPEC §8 "Sound").

Levels before the final normalisation: voices at ``VOICE_LUFS``, music ``MUSIC_BELOW_VOICE_DB``
below that, and ducked a further ``DUCK_DB`` while a voice speaks, with a smooth attack and
release so the bed breathes rather than pumps.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d

from .signal import RATE, Audio, db_to_gain, integrated_lufs, silence, to_loudness, true_peak_dbtp

TARGET_LUFS = -14.0
PEAK_CEILING_DBTP = -1.0
VOICE_LUFS = -16.0
MUSIC_BELOW_VOICE_DB = 6.0
DUCK_DB = 14.0
"""How far the music drops under a voice (SPEC asks for at least 10 dB)."""
ATTACK_SECONDS = 0.08
RELEASE_SECONDS = 0.4
FADE_IN_SECONDS = 1.0
FADE_OUT_SECONDS = 1.5
_BLOCK = RATE // 100  # 10 ms blocks for the voice detector and the ducking envelope
_VOICE_GATE_DB = -45.0


@attrs.frozen
class PlacedVoice:
    """A decoded voice and the second of the video it starts at."""

    start: float
    audio: Audio


def _place(voices: Sequence[PlacedVoice], length: int) -> Audio:
    bus = np.zeros((length, 2), dtype=np.float32)
    for voice in voices:
        levelled = to_loudness(voice.audio, VOICE_LUFS)
        begin = min(length, max(0, round(voice.start * RATE)))
        end = min(length, begin + len(levelled))
        bus[begin:end] += levelled[: end - begin]
    return bus


def _bed(music: Audio, length: int) -> Audio:
    if not len(music):
        return silence(length / RATE)
    repeats = -(-length // len(music))
    bed = np.tile(music, (repeats, 1))[:length].copy()
    fade_in = min(length, int(FADE_IN_SECONDS * RATE))
    fade_out = min(length, int(FADE_OUT_SECONDS * RATE))
    bed[:fade_in] *= np.linspace(0.0, 1.0, fade_in, dtype=np.float32)[:, None]
    bed[length - fade_out :] *= np.linspace(1.0, 0.0, fade_out, dtype=np.float32)[:, None]
    return to_loudness(bed, VOICE_LUFS - MUSIC_BELOW_VOICE_DB)


def ducking_gain(voice: Audio) -> np.ndarray:
    """Per-sample gain for the music: 1 in silence, ``-DUCK_DB`` under a voice, smoothed.

    The voice is detected per 10 ms block (RMS above a gate); the gain follows with a one-pole
    smoother whose time constant is ``ATTACK_SECONDS`` going down and ``RELEASE_SECONDS`` going up.
    """
    length = len(voice)
    blocks = -(-length // _BLOCK)
    padded = np.zeros((blocks * _BLOCK,), dtype=np.float32)
    padded[:length] = np.abs(voice).max(axis=1) if length else padded[:0]
    rms = np.sqrt(np.mean(padded.reshape(blocks, _BLOCK) ** 2, axis=1) + 1e-12)
    active = 20 * np.log10(rms) > _VOICE_GATE_DB
    target = np.where(active, -DUCK_DB, 0.0)
    down = 1 - np.exp(-(_BLOCK / RATE) / ATTACK_SECONDS)
    up = 1 - np.exp(-(_BLOCK / RATE) / RELEASE_SECONDS)
    level = np.empty(blocks)
    current = 0.0
    for index, wanted in enumerate(target):
        current += (wanted - current) * (down if wanted < current else up)
        level[index] = current
    per_sample = np.interp(np.arange(length), np.arange(blocks) * _BLOCK + _BLOCK / 2, level)
    return np.asarray(10 ** (per_sample / 20), dtype=np.float32)


def limit(audio: Audio, ceiling_dbtp: float = PEAK_CEILING_DBTP) -> Audio:
    """A look-ahead peak limiter: gain dips smoothly before peaks that would pass the ceiling."""
    threshold = db_to_gain(ceiling_dbtp - 0.6)  # margin for inter-sample peaks
    peak = np.abs(audio).max(axis=1)
    needed = np.minimum(1.0, threshold / np.maximum(peak, 1e-9))
    window = int(0.005 * RATE)
    gain = uniform_filter1d(minimum_filter1d(needed, size=2 * window + 1), size=window + 1)
    return np.asarray(audio * gain[:, None], dtype=np.float32)


def master(audio: Audio) -> Audio:
    """``audio`` at ``TARGET_LUFS`` integrated with true peak at or under the ceiling."""
    out = audio
    for _ in range(4):
        out = limit(to_loudness(out, TARGET_LUFS))
        if abs(integrated_lufs(out) - TARGET_LUFS) <= 0.3 and true_peak_dbtp(out) <= PEAK_CEILING_DBTP:
            break
    while true_peak_dbtp(out) > PEAK_CEILING_DBTP:
        out = (out * db_to_gain(PEAK_CEILING_DBTP - true_peak_dbtp(out) - 0.05)).astype(np.float32)
    return out


def mix(duration: float, voices: Sequence[PlacedVoice], music: Audio | None) -> Audio:
    """The finished soundtrack of a ``duration``-second video (silence when there is nothing)."""
    length = max(0, round(duration * RATE))
    voice_bus = _place(voices, length)
    total = voice_bus.copy()
    if music is not None:
        total += _bed(music, length) * ducking_gain(voice_bus)[:, None]
    if not np.any(total):
        return total
    return master(total)
