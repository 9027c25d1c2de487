"""The blocking part of a render: compose every frame and encode it (runs in a worker thread)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import attrs
from PIL import Image

from v3core.ports.renderer import RenderCancelled

from .encoder import Mp4Writer
from .sources import ClipSource, SceneSource, StillSource, to_video_frame
from .timeline import Boundary, boundaries, scene_ranges
from .visuals import caption_band, fitted_image, parse_colour, title_card, with_caption

Emit = Callable[[int, str], None]
"""``(scenes_done, message)`` sent back to the event loop."""


@attrs.frozen
class SceneJob:
    """One scene with its visual already on local disk (``path`` None = title card)."""

    number: int
    duration: float
    description: str
    script: str
    shot_type: str
    transition: str
    kind: str = "title"  # "image" | "video" | "title"
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
    title: str = ""


def run(job: RenderJob, emit: Emit, stop: threading.Event) -> int:
    """Render ``job`` to ``job.output``; returns the frame count. Raises RenderCancelled on ``stop``."""
    if stop.is_set():
        raise RenderCancelled("render cancelled before it started")
    ranges = scene_ranges([scene.duration for scene in job.scenes], job.fps)
    drawn = boundaries(ranges, [scene.transition for scene in job.scenes], job.fps)
    sources: list[SceneSource] = []
    writer = Mp4Writer(job.output, job.size, job.fps, job.codec)
    try:
        sources.extend(_source(job, scene) for scene in job.scenes)
        black = Image.new("RGB", job.size, (0, 0, 0))
        for index, (start, end) in enumerate(ranges):
            for frame_index in range(start, end):
                if stop.is_set():
                    raise RenderCancelled(f"render stopped at frame {frame_index}")
                window = _window(drawn, frame_index)
                if window is None:
                    writer.write(sources[index].frame(frame_index - start))
                else:
                    picture = _blend(window, frame_index, ranges, sources, black)
                    writer.write(to_video_frame(picture))
            if index + 1 < len(ranges):
                emit(index + 1, f"scene {job.scenes[index].number} rendered")
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    finally:
        for source in sources:
            source.close()
    emit(len(ranges), f"scene {job.scenes[-1].number} rendered; video complete")
    return writer.frames


def _source(job: RenderJob, scene: SceneJob) -> SceneSource:
    width, height = job.size
    caption = caption_band(scene.script, width, height)
    if scene.kind == "video" and scene.path is not None:
        return ClipSource(scene.path, job.size, job.fps, caption)
    if scene.kind == "image" and scene.path is not None:
        background = parse_colour(job.brand_colors[0] if job.brand_colors else None)
        return StillSource(with_caption(fitted_image(scene.path, job.size, background), caption))
    label = " · ".join(part for part in (job.title.strip(), f"Scene {scene.number}", scene.shot_type) if part)
    return StillSource(
        with_caption(title_card(job.size, scene.description, label, job.brand_colors), caption)
    )


def _window(drawn: Sequence[Boundary], frame_index: int) -> Boundary | None:
    for boundary in drawn:
        if boundary.first <= frame_index < boundary.last:
            return boundary
    return None


def _blend(
    boundary: Boundary,
    frame_index: int,
    ranges: Sequence[tuple[int, int]],
    sources: Sequence[SceneSource],
    black: Image.Image,
) -> Image.Image:
    step = frame_index - boundary.first
    half = boundary.half
    outgoing = sources[boundary.before].picture(frame_index - ranges[boundary.before][0])
    if boundary.after is None:
        return Image.blend(outgoing, black, (step + 1) / (half + 1))
    incoming = sources[boundary.after].picture(frame_index - ranges[boundary.after][0])
    if boundary.kind == "dissolve":
        return Image.blend(outgoing, incoming, (step + 1) / (2 * half + 1))
    if step < half:
        return Image.blend(outgoing, black, (step + 1) / (half + 1))
    return Image.blend(black, incoming, (step - half + 1) / (half + 1))
