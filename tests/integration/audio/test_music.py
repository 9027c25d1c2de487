"""The offline music bed is real synthesis shaped by the style: not silence, not a test tone, and
"upbeat electronic" is faster and brighter than "calm acoustic" (issue 12)."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from adapters.audio.music import LocalMusicGenerator
from adapters.audio.procedural import compose
from adapters.audio.signal import decode
from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.staging import TempFileStager
from tests.integration.audio.measure import RATE, rms_db
from v3core.ports.media import MusicRequest


def _onsets_per_second(audio: np.ndarray) -> float:
    """Notes and hits per second: peaks of the rise of the 10 ms energy envelope."""
    mono = audio.mean(axis=1).astype(np.float64)
    hop = RATE // 100
    frames = len(mono) // hop
    energy = 20 * np.log10(np.sqrt(np.mean(mono[: frames * hop].reshape(frames, hop) ** 2, axis=1)) + 1e-9)
    rise = np.maximum(0, np.diff(energy))
    peaks = (rise[1:-1] > rise[:-2]) & (rise[1:-1] >= rise[2:]) & (rise[1:-1] > 1.5)
    return float(peaks.sum() / (len(mono) / RATE))


def _brightness_db(audio: np.ndarray) -> float:
    sos = butter(6, 5000, btype="highpass", fs=RATE, output="sos")
    return rms_db(sosfiltfilt(sos, audio.astype(np.float64), axis=0)) - rms_db(audio)


@pytest.fixture(scope="module")
def beds() -> dict[str, np.ndarray]:
    return {style: compose(style, 12, seed=5) for style in ("upbeat electronic", "calm acoustic")}


def test_a_bed_is_music_not_silence_or_a_test_tone(beds: dict[str, np.ndarray]) -> None:
    for audio in beds.values():
        assert rms_db(audio) > -30
        spectrum = np.abs(np.fft.rfft(audio[: 4 * RATE, 0]))
        strong = spectrum > spectrum.max() * 0.1
        assert strong.sum() > 20  # many partials and notes, not one sine


def test_upbeat_electronic_is_faster_and_brighter_than_calm_acoustic(beds: dict[str, np.ndarray]) -> None:
    electronic, acoustic = beds["upbeat electronic"], beds["calm acoustic"]
    assert _onsets_per_second(electronic) > 1.5 * _onsets_per_second(acoustic)
    assert _brightness_db(electronic) > _brightness_db(acoustic) + 6


def test_the_same_seed_gives_the_same_bed_and_another_seed_another_key() -> None:
    first, again, other = (
        compose("corporate", 4, seed=1),
        compose("corporate", 4, seed=1),
        compose("corporate", 4, seed=2),
    )
    assert np.array_equal(first, again)
    assert not np.allclose(first, other)


def test_the_local_generator_stages_a_wav_of_the_requested_length(
    stager: TempFileStager, inspector: MediaContentInspector
) -> None:
    generator = LocalMusicGenerator(stager, inspector)
    media = asyncio.run(generator.compose(MusicRequest("calm acoustic", 6.0, seed=2)))
    assert media.cost == 0.0
    assert media.staged.info is not None
    assert media.staged.info.mime.startswith("audio/")
    audio = decode(media.staged.path)
    assert abs(len(audio) / RATE - 6.0) < 0.05
    assert rms_db(audio) > -30
