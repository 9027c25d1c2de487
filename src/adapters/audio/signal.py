"""Audio as numpy arrays: decoding any file to 48 kHz stereo, levels in dB, loudness (BS.1770).

Every array here is float32 shaped ``(samples, 2)`` at ``RATE``. Loudness is measured with
pyloudnorm (ITU-R BS.1770-4 integrated loudness); true peak with 4x oversampling, as
BS.1770-4 Annex 2 describes.
"""

from __future__ import annotations

import math

import av
import numpy as np
import numpy.typing as npt
import pyloudnorm
from scipy.signal import firwin

RATE = 48_000
"""Sample rate of every mix and of the AAC track in the MP4."""

Audio = npt.NDArray[np.float32]
"""``(samples, 2)`` float32 at ``RATE``."""

_OVERSAMPLE = 4
_INTERPOLATOR = firwin(48, 1 / _OVERSAMPLE) * _OVERSAMPLE

SILENCE_LUFS = -70.0
"""What ``integrated_lufs`` answers for silence (BS.1770's absolute gate)."""


def silence(seconds: float) -> Audio:
    """``seconds`` of stereo silence."""
    return np.zeros((max(0, round(seconds * RATE)), 2), dtype=np.float32)


def decode(path: str) -> Audio:
    """The first audio stream of ``path`` resampled to 48 kHz stereo float (decoded frame by frame)."""
    resampler = av.AudioResampler(format="fltp", layout="stereo", rate=RATE)
    parts: list[npt.NDArray[np.float32]] = []

    def planar(frames: list[av.AudioFrame]) -> list[npt.NDArray[np.float32]]:
        return [np.asarray(out.to_ndarray(), dtype=np.float32) for out in frames]

    with av.open(path) as container:
        if not container.streams.audio:
            raise ValueError(f"{path} has no audio stream")
        for frame in container.decode(audio=0):
            parts.extend(planar(resampler.resample(frame)))
        parts.extend(planar(resampler.resample(None)))
    if not parts:
        return silence(0)
    return np.ascontiguousarray(np.concatenate(parts, axis=1).T, dtype=np.float32)


def db_to_gain(db: float) -> float:
    """A level change in dB as a linear factor."""
    return float(10 ** (db / 20))


def integrated_lufs(audio: Audio) -> float:
    """Integrated loudness (LUFS, BS.1770-4); ``SILENCE_LUFS`` for silence or under 0.4 s.

    pyloudnorm's K-weighting filters, with the 400 ms gating blocks (75 % overlap) summed by
    cumulative sums instead of pyloudnorm's per-block Python loop (30x faster on a 30 s mix;
    ``tests`` check it agrees with ``pyloudnorm.Meter.integrated_loudness``).
    """
    if len(audio) < int(0.4 * RATE) or not np.any(audio):
        return SILENCE_LUFS
    meter = pyloudnorm.Meter(RATE)
    weighted = audio.astype(np.float64).T.copy()
    for stage in meter._filters.values():
        weighted = np.stack([stage.apply_filter(channel) for channel in weighted])
    block, step = int(0.4 * RATE), int(0.1 * RATE)
    count = (weighted.shape[1] - block) // step + 1
    energy = np.concatenate([np.zeros((2, 1)), np.cumsum(weighted**2, axis=1)], axis=1)
    starts = np.arange(count) * step
    z = (energy[:, starts + block] - energy[:, starts]) / block  # (channels, blocks)
    power = z.sum(axis=0)
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(power)
    gated = loudness >= SILENCE_LUFS
    if not np.any(gated):
        return SILENCE_LUFS
    relative = -0.691 + 10 * np.log10(power[gated].mean()) - 10
    kept = gated & (loudness > relative)
    value = -0.691 + 10 * np.log10(power[kept].mean())
    return float(value) if math.isfinite(value) else SILENCE_LUFS


def true_peak_dbtp(audio: Audio) -> float:
    """The true peak (dBTP): the peak of the signal oversampled 4x (BS.1770-4 Annex 2).

    The 48-tap interpolation filter runs as four 12-tap polyphase convolutions per channel.
    """
    if not len(audio) or not np.any(audio):
        return -math.inf
    best = 0.0
    for channel in audio.T.astype(np.float64):
        for phase in range(_OVERSAMPLE):
            best = max(best, float(np.max(np.abs(np.convolve(channel, _INTERPOLATOR[phase::_OVERSAMPLE])))))
    return float(20 * np.log10(best))


def to_loudness(audio: Audio, lufs: float) -> Audio:
    """``audio`` scaled so its integrated loudness is ``lufs`` (silence stays silence)."""
    current = integrated_lufs(audio)
    if current <= SILENCE_LUFS:
        return audio
    return (audio * db_to_gain(lufs - current)).astype(np.float32)
