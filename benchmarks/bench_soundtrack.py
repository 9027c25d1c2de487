"""A 30 s job with voice and music: does it still encode >= 3x real time? (issue 12, QUALITY.md
"composition with real footage": five 1080p H.264 source clips, voice and music mixed.)

Run: ``uv run python benchmarks/bench_soundtrack.py [--runs 3]``. Five 6 s scenes rendered by
``AnimaticRenderer`` at 1280x720, 24 fps, dissolves, the call to action on the last scene:

- ``1080p footage, silent``: the five 1920x1080 clips of ``bench_composition`` (the reference);
- ``1080p footage, voice + music``: the same, plus a voice per scene (a 4.5 s WAV at 24 kHz
  mono, what OpenAI's speech API returns, placed at the scene's start + the lead-in), the local
  procedural music bed (30 s, "upbeat electronic") and the captions timed to the voices burned
  in, exactly what ``RenderVideo`` hands the renderer: decode, mix (ducking, -14 LUFS, -1 dBTP
  true peak), AAC and H.264 in one pass;
- ``offline default, voice + music``: the same soundtrack over procedural backgrounds.

The sources are made first (not timed); composing the bed is timed on its own (it happens
before the render, in the sound stage). Each render runs in a fresh child process, with the
audio modules imported before the clock starts (a worker imports them once), reporting its
wall time, CPU seconds and peak RSS growth. Exits 1 when the 1080p voice + music render is
slower than 3x real time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from importlib import import_module
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from bench_composition import make_clip, timed_render
from scipy.io import wavfile

SCENES = 5
SCENE_SECONDS = 6.0
VOICE_SECONDS = 4.5
SPEED_BAR = 3.0
MUSIC_STYLE = "upbeat electronic"


def voice_wav(path: Path, seed: int) -> None:
    """A speech-like voice: a tone with a syllable-rate (4 Hz) wobble, 24 kHz mono 16-bit."""
    rate = 24_000
    t = np.arange(int(VOICE_SECONDS * rate)) / rate
    wave = 0.3 * np.sin(2 * np.pi * (180 + 20 * seed) * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t) ** 2)
    wavfile.write(path, rate, (wave * 32767).astype(np.int16))


def bed_wav(path: Path) -> float:
    """The local music bed of the whole video as a WAV; returns the seconds composing took."""
    from adapters.audio.procedural import compose
    from adapters.audio.signal import RATE

    started = time.perf_counter()
    audio = compose(MUSIC_STYLE, SCENES * SCENE_SECONDS)
    took = time.perf_counter() - started
    wavfile.write(path, RATE, audio)
    return took


def render_once(folder: str, footage: bool, sound: bool) -> tuple[float, float, float]:
    """Runs in a fresh child: renders the job; returns (wall s, CPU s, peak RSS growth MB)."""
    from adapters.blobs.memory import InMemoryBlobStore
    from v3core.ports.renderer import RenderAsset, RenderAudio, RenderRequest, RenderScene
    from v3core.voiceover import LEAD_IN_SECONDS, captions

    # A worker has the audio stack loaded after its first render with sound: import it before
    # timing, as the one-off import (2.7 CPU s here, where PYTHONDONTWRITEBYTECODE=1 recompiles
    # scipy from source in every process) says nothing about how fast a render encodes.
    import_module("adapters.audio.mixing")
    import_module("adapters.audio.signal")

    blobs = InMemoryBlobStore()
    shots = ["establishing", "close-up", "medium", "product", "wide"]
    scenes = []
    for number in range(1, SCENES + 1):
        visual = None
        if footage:
            name = f"hd-{number - 1}.mp4"
            blobs.blobs[name] = (Path(folder) / name).read_bytes()
            visual = RenderAsset(name, name, "video", "video/mp4")
        script = f"Scene {number}: a line of the voiceover, long enough to fill two caption cues on screen."
        scenes.append(RenderScene(number, SCENE_SECONDS, "", script, shots[number - 1], "dissolve", visual))
    request = RenderRequest(
        "bench", tuple(scenes), "16:9", brand_colors=("#0f766e", "#facc15"), call_to_action="Shop now"
    )
    if sound:
        voices = tuple(
            RenderAudio(i * SCENE_SECONDS + LEAD_IN_SECONDS, str(Path(folder) / f"voice-{i}.wav"))
            for i in range(SCENES)
        )
        cues = captions([s.duration for s in scenes], [s.script for s in scenes], [VOICE_SECONDS] * SCENES)
        request = RenderRequest(
            request.job_id,
            request.scenes,
            request.format,
            brand_colors=request.brand_colors,
            call_to_action=request.call_to_action,
            voices=voices,
            music=str(Path(folder) / "bed.wav"),
            captions=tuple(cues),
        )
    return timed_render(blobs, folder, request)


def measure(folder: str, footage: bool, sound: bool, runs: int) -> list[tuple[float, float, float]]:
    results = []
    for _ in range(runs):
        with ProcessPoolExecutor(1, get_context("spawn")) as pool:
            results.append(pool.submit(render_once, folder, footage, sound).result())
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sources", help="folder to keep the generated clips in (reused when present)")
    options = parser.parse_args()
    total = SCENES * SCENE_SECONDS
    rows: list[str] = []
    passed = True
    with tempfile.TemporaryDirectory(prefix="v3-soundtrack-") as scratch:
        folder = options.sources or scratch
        work = Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        for index in range(SCENES):
            if not (work / f"hd-{index}.mp4").exists():
                make_clip(work / f"hd-{index}.mp4", (1920, 1080), 24, int(24 * SCENE_SECONDS), index)
            voice_wav(work / f"voice-{index}.wav", index)
        composing = bed_wav(work / "bed.wav")
        cases = {
            "1080p footage, silent": (True, False),
            "1080p footage, voice + music": (True, True),
            "offline default, voice + music": (False, True),
        }
        for label, (footage, sound) in cases.items():
            results = measure(folder, footage, sound, options.runs)
            walls = sorted(wall for wall, _, _ in results)
            wall = statistics.median(walls)
            cpu = statistics.median(cpu for _, cpu, _ in results)
            rss = max(growth for _, _, growth in results)
            speed = total / wall
            rows.append(
                f"| {label} | {options.runs} | {wall:.2f} s ({walls[0]:.2f}-{walls[-1]:.2f}) | "
                f"{speed:.1f}x | {cpu:.1f} | {rss:.0f} MB |"
            )
            if label == "1080p footage, voice + music":
                passed &= speed >= SPEED_BAR
    print(
        f"`uv run python benchmarks/bench_soundtrack.py --runs {options.runs}`: {os.cpu_count()} cores, "
        f"{total:.0f} s 16:9 1280x720 24 fps, load {os.getloadavg()[0]:.1f}; composing the "
        f"{total:.0f} s bed (before the render, not in the rows): {composing:.2f} s\n"
    )
    print("| job | runs | median wall (min-max) | speed vs real time | CPU s | peak RSS growth (max) |")
    print("| --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
