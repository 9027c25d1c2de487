"""Recognising generated clips in a rendered MP4: each fake provider's clip is one colour
derived from its prompt; the MP4 is decoded and each scene's colour located in time."""

from __future__ import annotations

import io
import itertools
import threading
from typing import Any

import av
import numpy as np

SIZES = {"16:9": (1280, 720), "9:16": (720, 1280)}


PALETTE: tuple[tuple[int, int, int], ...] = (
    (220, 40, 40),
    (40, 200, 40),
    (40, 60, 220),
    (220, 200, 40),
    (200, 40, 200),
    (40, 200, 200),
    (240, 140, 40),
    (140, 40, 240),
    (120, 220, 120),
    (250, 250, 250),
)
"""Colours at least 60 apart in some channel, one per prompt in the order the fakes see them."""


class Palette:
    """Gives each prompt a colour of its own (the next of ``PALETTE`` the first time it is seen),
    so each scene's clip is recognisable in a rendered video. Thread-safe: the fake servers
    answer on their own threads."""

    def __init__(self) -> None:
        self._colours: dict[str, tuple[int, int, int]] = {}
        self._lock = threading.Lock()

    def colour(self, prompt: str) -> tuple[int, int, int]:
        with self._lock:
            if prompt not in self._colours:
                self._colours[prompt] = PALETTE[len(self._colours) % len(PALETTE)]
            return self._colours[prompt]

    def replicate_output(self, inputs: dict[str, Any]) -> str:
        """The fake Replicate's output for a prediction: a frame for text-to-image, else a clip
        of the prompt's colour."""
        if "image" not in inputs and "duration" not in inputs:
            return "/media/frame.png"  # a storyboard frame (text-to-image)
        return "/media/solid-{:02x}{:02x}{:02x}.mp4".format(*self.colour(str(inputs["prompt"])))

    def veo_file(self, instance: dict[str, Any]) -> str:
        """The fake Gemini's file for a Veo operation: a clip of the prompt's colour."""
        return "solid{:02x}{:02x}{:02x}".format(*self.colour(str(instance["prompt"])))


def decoded(content: bytes, aspect: str) -> tuple[float, list[np.ndarray]]:
    with av.open(io.BytesIO(content)) as container_file:
        stream = container_file.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == SIZES[aspect]
        fps = float(stream.average_rate)
        return fps, [f.to_ndarray(format="rgb24") for f in container_file.decode(video=0)]


def top_band(frame: np.ndarray) -> np.ndarray:
    """Mean colour of a band above the caption and the call to action."""
    height, width, _ = frame.shape
    return frame[height // 10 : height // 5, width // 4 : 3 * width // 4].reshape(-1, 3).mean(axis=0)


TRANSITION = 0.3
"""Seconds either side of a scene boundary where a transition may blend two scenes (the
compositor draws ±0.25 s)."""


Colour = tuple[int, int, int]


def shown(frame: np.ndarray, colours: list[Colour | None]) -> int | None:
    """Which scene's colour ``frame`` shows (index into ``colours``), or None (a blend, or a
    scene whose visual is not a generated clip)."""
    centre = top_band(frame)
    distances = [float(np.abs(centre - np.array(c)).max()) if c else 999.0 for c in colours]
    best = int(np.argmin(distances))
    return best if distances[best] < 30 else None


def assert_scenes_play_in_order_for_their_durations(
    content: bytes, aspect: str, scenes: list[dict[str, Any]], colours: list[Colour | None]
) -> None:
    """Decoding the MP4: scene k's colour fills [start_k, end_k) (± a transition at each
    boundary) and nothing else's does, in scene order, and the video is as long as the scenes.
    A scene whose colour is None (not a generated clip) shows no generated clip's colour."""
    known = [c for c in colours if c]
    for a, b in itertools.combinations(known, 2):
        assert np.abs(np.array(a) - np.array(b)).max() > 60, "two scenes' clips look alike"
    fps, frames = decoded(content, aspect)
    assert abs(len(frames) / fps - sum(s["duration"] for s in scenes)) <= 1 / fps + 1e-6
    seen = [shown(f, colours) for f in frames]
    start = 0.0
    for index, scene in enumerate(scenes):
        end = start + scene["duration"]
        inside = {seen[i] for i in range(len(frames)) if start + TRANSITION <= i / fps < end - TRANSITION}
        if colours[index] is None:
            assert inside == {None}, (scene["sceneNumber"], inside)
            start = end
            continue
        times = [i / fps for i, s in enumerate(seen) if s == index]
        assert times, f"scene {scene['sceneNumber']}'s clip never shows"
        first, last = times[0], times[-1] + 1 / fps
        assert abs(first - start) <= TRANSITION, (scene["sceneNumber"], "starts", first, start)
        assert abs(last - end) <= TRANSITION, (scene["sceneNumber"], "ends", last, end)
        assert inside == {index}, (scene["sceneNumber"], inside)
        start = end


def scene_prompts(scenes: list[dict[str, Any]], prompts: list[str]) -> list[str]:
    """The clip prompt sent for each scene (it contains the scene's description)."""
    return [next(p for p in prompts if s["description"].rstrip(".") in p) for s in scenes]
