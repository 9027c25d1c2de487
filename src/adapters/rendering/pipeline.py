"""The blocking part of a render: compose every frame and encode it (runs in a worker thread).

On screen: each scene's visual (footage, a moving image or a procedural background),
the caption cue of the moment (the cues ``captions.vtt`` serves: a script timed to its
voice), and the call to action over the last scene. A scene's description is not part of
the job at all, so it cannot reach a frame.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from fractions import Fraction

import attrs

from v3core.ports.renderer import RenderCancelled

from . import motion
from .clips import ClipSource
from .encoder import AudioFormat, Mp4Writer
from .frames import BLACK_YUV, Overlay, Planes, blend, solid, to_frame
from .procedural import Palette, ProceduralBackground
from .soundtrack import Soundtrack
from .sources import MovingImage, Procedural, SceneSource, TimedOverlay
from .timeline import Boundary, boundaries, scene_ranges
from .visuals import caption_band, cta_card, fitted_image, parse_colour

Emit = Callable[[int, str], None]
"""``(scenes_done, message)`` sent back to the event loop."""


@attrs.frozen
class SceneJob:
    """One scene with its visual already on local disk (``path`` None = procedural background)."""

    number: int
    duration: float
    script: str
    shot_type: str
    transition: str
    kind: str = "procedural"  # "image" | "video" | "procedural"
    path: str | None = None


@attrs.frozen
class RenderJob:
    """Everything the worker needs; plain data, safe to hand to another thread or process."""

    scenes: tuple[SceneJob, ...]
    size: tuple[int, int]
    fps: int
    codec: str
    output: str
    brand_colors: tuple[str, ...] = ()
    call_to_action: str = ""
    voices: tuple[tuple[float, str], ...] = ()
    """``(start second, local audio file)`` of each voiceover."""
    music: str | None = None
    """A local audio file under the whole video, or ``None``."""
    cues: tuple[tuple[float, float, str], ...] = ()
    """``(start second, end second, text)`` of each caption burned in."""


def run(job: RenderJob, emit: Emit, stop: threading.Event) -> int:
    """Render ``job`` to ``job.output``; returns the frame count. Raises RenderCancelled on ``stop``."""
    if stop.is_set():
        raise RenderCancelled("render cancelled before it started")
    ranges = scene_ranges([scene.duration for scene in job.scenes], job.fps)
    drawn = boundaries(ranges, [scene.transition for scene in job.scenes], job.fps)
    spans = _spans(ranges, drawn)
    cues = _scene_cues(job.cues, ranges, job.fps)
    sources: dict[int, SceneSource] = {}
    sound = None
    if job.voices or job.music is not None:
        sound = Soundtrack(job.voices, job.music, ranges[-1][1] / job.fps)
    writer = Mp4Writer(job.output, job.size, job.fps, job.codec, AudioFormat() if sound else None)
    black = solid(job.size, BLACK_YUV)

    def source(index: int) -> SceneSource:
        if index not in sources:
            sources[index] = _source(job, index, ranges[index][1] - ranges[index][0], cues[index])
        return sources[index]

    try:
        for index, (start, end) in enumerate(ranges):
            for frame_index in range(start, end):
                if stop.is_set():
                    raise RenderCancelled(f"render stopped at frame {frame_index}")
                window = _window(drawn, frame_index)
                if window is not None and window.first == frame_index and window.after is not None:
                    source(window.before).hold()
                if window is None:
                    writer.write(source(index).frame(frame_index - start))
                else:
                    writer.write(to_frame(_blend(window, frame_index, ranges, source, black)))
                if sound is not None:
                    sound.feed(writer, Fraction(writer.frames, job.fps))
                for finished in [i for i in sources if spans[i][1] <= frame_index + 1]:
                    sources.pop(finished).close()
            if index + 1 < len(ranges):
                emit(index + 1, f"scene {job.scenes[index].number} rendered")
        if sound is not None:
            sound.finish(writer)
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    finally:
        for opened in sources.values():
            opened.close()
    emit(len(ranges), f"scene {job.scenes[-1].number} rendered; video complete")
    return writer.frames


def _source(job: RenderJob, index: int, frames: int, cues: Sequence[tuple[int, int, str]]) -> SceneSource:
    scene = job.scenes[index]
    last = index == len(job.scenes) - 1
    card = cta_card(job.call_to_action, job.size, job.brand_colors) if last else None
    overlays = [Overlay(*card)] if card is not None else []
    captions = [
        TimedOverlay(first, end, Overlay(*band))
        for first, end, text in cues
        if (band := caption_band(text, job.size, job.brand_colors)) is not None
    ]
    if scene.kind == "video" and scene.path is not None:
        return ClipSource(scene.path, job.size, job.fps, overlays, captions)
    if scene.kind == "image" and scene.path is not None:
        background = parse_colour(job.brand_colors[0] if job.brand_colors else None)
        picture = fitted_image(scene.path, motion.canvas_size(job.size), background)
        return MovingImage(picture, job.size, frames, motion.move_for(scene.shot_type), overlays, captions)
    palette = Palette.from_brand(job.brand_colors)
    return Procedural(ProceduralBackground(palette, job.size, job.fps, index + 1), overlays, captions)


def _scene_cues(
    cues: Sequence[tuple[float, float, str]], ranges: Sequence[tuple[int, int]], fps: int
) -> list[list[tuple[int, int, str]]]:
    """Each scene's cues as frame ranges relative to the scene's first frame.

    A cue belongs to the scene its first frame falls in and never outlasts that scene.
    """
    placed: list[list[tuple[int, int, str]]] = [[] for _ in ranges]
    for start, end, text in cues:
        first, last = round(start * fps), round(end * fps)
        for index, (begin, finish) in enumerate(ranges):
            if begin <= first < finish:
                if min(last, finish) > first:
                    placed[index].append((first - begin, min(last, finish) - begin, text))
                break
    return placed


def _spans(ranges: Sequence[tuple[int, int]], drawn: Sequence[Boundary]) -> list[tuple[int, int]]:
    """The frames each scene's source is needed for: its own plus transitions into and out of it."""
    spans = [list(span) for span in ranges]
    for boundary in drawn:
        spans[boundary.before][1] = max(spans[boundary.before][1], boundary.last)
        if boundary.after is not None:
            spans[boundary.after][0] = min(spans[boundary.after][0], boundary.first)
    return [(first, last) for first, last in spans]


def _window(drawn: Sequence[Boundary], frame_index: int) -> Boundary | None:
    for boundary in drawn:
        if boundary.first <= frame_index < boundary.last:
            return boundary
    return None


def _blend(
    boundary: Boundary,
    frame_index: int,
    ranges: Sequence[tuple[int, int]],
    source: Callable[[int], SceneSource],
    black: Planes,
) -> Planes:
    step = frame_index - boundary.first
    half = boundary.half
    outgoing = source(boundary.before).planes(frame_index - ranges[boundary.before][0])
    if boundary.after is None:
        return blend(outgoing, black, (step + 1) / (half + 1))
    if boundary.kind == "dissolve":
        incoming = source(boundary.after).planes(frame_index - ranges[boundary.after][0])
        return blend(outgoing, incoming, (step + 1) / (2 * half + 1))
    if step < half:
        return blend(outgoing, black, (step + 1) / (half + 1))
    incoming = source(boundary.after).planes(frame_index - ranges[boundary.after][0])
    return blend(black, incoming, (step - half + 1) / (half + 1))
