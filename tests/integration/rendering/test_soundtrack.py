"""The rendered MP4 carries the soundtrack (SPEC §8 "Sound"): AAC 48 kHz stereo, -14 LUFS
integrated (±1), true peak at most -1 dBTP, each voice starting where it was placed."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from scipy.io import wavfile

from adapters.rendering import AnimaticRenderer
from tests.integration.audio.measure import lufs, onset, tone, true_peak
from v3core.ports.renderer import RenderAudio, RenderRequest, RenderScene


async def nothing(done: int, total: int, message: str) -> None:
    return None


def scenes(*durations: float) -> tuple[RenderScene, ...]:
    return tuple(
        RenderScene(number, duration, "d", f"Line {number}.", "medium", "cut")
        for number, duration in enumerate(durations, start=1)
    )


def wav(path: Path, audio: npt.NDArray[np.float32], rate: int = 48_000) -> str:
    wavfile.write(path, rate, audio)
    return str(path)


def soundtrack(path: str) -> tuple[av.audio.stream.AudioStream, npt.NDArray[np.float32]] | None:
    """The audio stream's codec facts and its decoded samples (``(samples, 2)`` float32)."""
    with av.open(path) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        facts = (stream.codec_context.name, stream.sample_rate, stream.layout.name)
        planes = [frame.to_ndarray() for frame in container.decode(stream)]
    samples = np.concatenate(planes, axis=1).T.astype(np.float32)
    return facts, samples  # type: ignore[return-value]


async def test_voices_land_at_their_places_in_a_loudness_normalised_aac_track(
    renderer: AnimaticRenderer, tmp_path: Path
) -> None:
    first = wav(tmp_path / "v1.wav", tone(1.2, 220))
    second = wav(tmp_path / "v2.wav", tone(1.0, 330))
    request = RenderRequest(
        "job", scenes(2.0, 2.0), voices=(RenderAudio(0.15, first), RenderAudio(2.15, second))
    )

    video = await renderer.render(request, nothing, lambda: False)

    found = soundtrack(video.path)
    assert found is not None
    facts, samples = found
    assert facts == ("aac", 48_000, "stereo")
    assert abs(lufs(samples) - (-14.0)) <= 1.0
    assert true_peak(samples) <= -1.0 + 0.3  # AAC's own overshoot is allowed a little
    assert abs(onset(samples) - 0.15) <= 0.05
    assert abs(onset(samples, after=1.5) - 2.15) <= 0.05
    assert abs(len(samples) / 48_000 - 4.0) <= 0.1


async def test_a_music_bed_alone_is_normalised_too(renderer: AnimaticRenderer, tmp_path: Path) -> None:
    music = wav(tmp_path / "m.wav", tone(3.0, 440, 0.1), rate=44_100)
    request = RenderRequest("job", scenes(3.0), music=music)

    video = await renderer.render(request, nothing, lambda: False)

    found = soundtrack(video.path)
    assert found is not None
    facts, samples = found
    assert facts == ("aac", 48_000, "stereo")
    assert abs(lufs(samples) - (-14.0)) <= 1.0


async def test_no_voice_and_no_music_means_no_audio_stream(renderer: AnimaticRenderer) -> None:
    video = await renderer.render(RenderRequest("job", scenes(1.0)), nothing, lambda: False)

    assert soundtrack(video.path) is None
