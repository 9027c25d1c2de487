"""Independent measurements for the audio tests: pyloudnorm's own meter, a full 4x resample for
true peak and plain RMS, never the pipeline's helpers."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyloudnorm
from scipy.signal import resample_poly

RATE = 48_000


def lufs(audio: npt.NDArray[np.float32]) -> float:
    return float(pyloudnorm.Meter(RATE).integrated_loudness(audio.astype(np.float64)))


def true_peak(audio: npt.NDArray[np.float32]) -> float:
    return float(20 * np.log10(np.abs(resample_poly(audio.astype(np.float64), 4, 1, axis=0)).max()))


def rms_db(audio: npt.NDArray[np.float32]) -> float:
    return float(10 * np.log10(np.mean(audio.astype(np.float64) ** 2) + 1e-20))


def onset(audio: npt.NDArray[np.float32], after: float = 0.0, gate_db: float = -40.0) -> float:
    """Seconds from the start to the first 5 ms window above ``gate_db`` (at or after ``after``)."""
    window = RATE // 200
    mono = np.abs(audio).max(axis=1)
    first = int(after * RATE)
    for start in range(first, len(mono) - window, window):
        if 20 * np.log10(mono[start : start + window].max() + 1e-12) > gate_db:
            return start / RATE
    return float("inf")


def tone(seconds: float, hz: float, level: float = 0.3) -> npt.NDArray[np.float32]:
    """A stereo test voice: a tone with a syllable-like 4 Hz amplitude wobble."""
    t = np.arange(int(seconds * RATE)) / RATE
    wave = level * np.sin(2 * np.pi * hz * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t) ** 2)
    return np.stack([wave, wave], axis=1).astype(np.float32)
