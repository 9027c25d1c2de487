"""The soundtrack mix against SPEC §8 "Sound": voices at their scene starts, music ducked by at
least 10 dB under them, -14 LUFS integrated (±1) and true peak at or under -1 dBTP. Measured
with pyloudnorm's meter and a full 4x resample, not with the pipeline's own helpers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from adapters.audio.mixing import PlacedVoice, mix
from adapters.audio.procedural import compose
from adapters.audio.signal import integrated_lufs
from tests.integration.audio.measure import RATE, lufs, onset, rms_db, tone, true_peak


@pytest.fixture(scope="module")
def music() -> np.ndarray:
    return compose("upbeat electronic", 20, seed=3)


def test_voice_and_music_mix_to_minus_14_lufs_with_true_peak_under_minus_1(music: np.ndarray) -> None:
    voices = [PlacedVoice(0.15, tone(3, 220)), PlacedVoice(10.15, tone(4, 180, level=0.9))]
    out = mix(20, voices, music)
    assert out.shape == (20 * RATE, 2)
    assert abs(lufs(out) - (-14)) <= 1
    assert true_peak(out) <= -1.0


def test_each_voice_starts_within_50_ms_of_its_placed_second() -> None:
    out = mix(12, [PlacedVoice(0.15, tone(2, 220)), PlacedVoice(6.15, tone(2, 200))], None)
    assert abs(onset(out) - 0.15) <= 0.05
    assert abs(onset(out, after=3.0) - 6.15) <= 0.05


def test_music_is_ducked_by_at_least_10_db_while_a_voice_speaks(music: np.ndarray) -> None:
    # The test voice is a 220 Hz tone: above 1 kHz only music sounds, in both mixes.
    alone = _above_1khz(mix(20, [], music))
    ducked = _above_1khz(mix(20, [PlacedVoice(7.0, tone(6, 220))], music))
    before = slice(2 * RATE, 6 * RATE)  # no voice in either mix: aligns their master gains
    ducked = ducked * np.sqrt(np.mean(alone[before] ** 2) / np.mean(ducked[before] ** 2))
    during = slice(int(7.5 * RATE), int(12.5 * RATE))  # after the attack, before the release
    assert rms_db(alone[during]) - rms_db(ducked[during]) >= 10
    after = slice(int(15 * RATE), int(17 * RATE))  # released again after the voice
    assert abs(rms_db(alone[after]) - rms_db(ducked[after])) < 1.5


def _above_1khz(audio: np.ndarray) -> np.ndarray:
    sos = butter(8, 1000, btype="highpass", fs=RATE, output="sos")
    return np.asarray(sosfiltfilt(sos, audio.astype(np.float64), axis=0))


def test_music_fades_in_and_out(music: np.ndarray) -> None:
    out = mix(20, [], music)
    assert rms_db(out[: RATE // 10]) < rms_db(out[5 * RATE : 6 * RATE]) - 12
    assert rms_db(out[-RATE // 10 :]) < rms_db(out[15 * RATE : 16 * RATE]) - 12


def test_no_voice_and_no_music_is_silence() -> None:
    assert not np.any(mix(5, [], None))


def test_the_fast_loudness_meter_agrees_with_pyloudnorm(music: np.ndarray) -> None:
    for audio in (music, music[: 3 * RATE] * 0.1, mix(20, [PlacedVoice(1, tone(5, 300))], music)):
        assert abs(integrated_lufs(audio) - lufs(audio)) < 0.01
