"""What the soundtrack adds to a render (issue 12): the mix alone, and a render with and
without sound through the real ``AnimaticRenderer``.

A 30 s mix of 10 two-second voices over a bed, then a 10 s 640x360 render of 5 scenes bare and
with 5 voices and a music bed (48 kHz WAV files). Reports medians of ``--runs`` runs.

    uv run python benchmarks/bench_soundtrack.py [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.io import wavfile

from adapters.audio import mixing
from adapters.audio.signal import RATE
from adapters.blobs.memory import InMemoryBlobStore
from adapters.rendering import AnimaticRenderer
from v3core.ports.renderer import RenderAudio, RenderRequest, RenderScene


def tone(seconds: float, hz: float, level: float) -> np.ndarray:
    wave = level * np.sin(2 * np.pi * hz * np.arange(int(seconds * RATE)) / RATE)
    return np.stack([wave, wave], axis=1).astype(np.float32)


async def nothing(done: int, total: int, message: str) -> None:
    return None


def mix_seconds() -> float:
    voices = [mixing.PlacedVoice(i * 3 + 0.15, tone(2.0, 220, 0.3)) for i in range(10)]
    started = time.perf_counter()
    mixing.mix(30.0, voices, tone(30.0, 110, 0.1))
    return time.perf_counter() - started


async def render_seconds(folder: Path, sound: bool) -> float:
    scenes = tuple(RenderScene(n, 2.0, "d", f"Line {n}.", "medium", "cut") for n in range(1, 6))
    voices: tuple[RenderAudio, ...] = ()
    music = None
    if sound:
        for n in range(5):
            wavfile.write(folder / f"v{n}.wav", RATE, tone(1.5, 220, 0.3))
        wavfile.write(folder / "bed.wav", RATE, tone(10.0, 110, 0.1))
        voices = tuple(RenderAudio(n * 2.0 + 0.15, str(folder / f"v{n}.wav")) for n in range(5))
        music = str(folder / "bed.wav")
    request = RenderRequest("bench", scenes, resolution="640x360", voices=voices, music=music)
    renderer = AnimaticRenderer(InMemoryBlobStore(), folder / "work")
    try:
        started = time.perf_counter()
        video = await renderer.render(request, nothing, lambda: False)
        elapsed = time.perf_counter() - started
        await asyncio.to_thread(Path(video.path).unlink)
    finally:
        renderer.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    mixes = [mix_seconds() for _ in range(args.runs)]
    print(f"mix 30 s (10 voices + bed): median {statistics.median(mixes):.3f} s")
    with tempfile.TemporaryDirectory(prefix="v3-soundtrack-") as tmp:
        for sound in (False, True):
            runs = [asyncio.run(render_seconds(Path(tmp), sound)) for _ in range(args.runs)]
            label = "with sound" if sound else "silent   "
            print(f"render 10 s 640x360 {label}: median {statistics.median(runs):.3f} s")


if __name__ == "__main__":
    main()
