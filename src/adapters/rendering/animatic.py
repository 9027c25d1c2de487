"""``AnimaticRenderer``: the local PyAV + Pillow renderer behind the ``Renderer`` port."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from v3core.errors import ErrorDetail, ValidationFailed
from v3core.ports.blobs import BlobStore
from v3core.ports.renderer import (
    CancelCheck,
    ProgressCallback,
    RenderCancelled,
    RenderedVideo,
    Renderer,
    RenderRequest,
)
from v3core.voiceover import captions

from . import files, pipeline
from .bridge import run_in_worker
from .encoder import available_codec
from .timeline import output_size, scene_ranges


class AnimaticRenderer(Renderer):
    """Renders the video MP4 on this machine (the offline default ``Renderer``).

    Each scene shows its assigned footage (looped or cut, cropped to cover the frame),
    its assigned image moved by the shot type, or a procedural background in the brand
    colours; its script is the caption, the call to action sits over the last scene.
    Scene descriptions are never handed to the compositor.

    Scene visuals are copied from the blob store to a private temporary folder under
    ``work_dir``; frames are composed and encoded in a worker thread (PyAV and Pillow
    release the GIL in their heavy calls), at most ``max_workers`` renders at a time.
    Progress and ``cancelled()`` are handled on the event loop only. The finished
    video is left in ``work_dir`` for the caller; nothing else survives a render.
    """

    def __init__(
        self,
        blobs: BlobStore,
        work_dir: str | os.PathLike[str],
        *,
        fps: int = 24,
        max_workers: int = 1,
        codec: str | None = None,
    ) -> None:
        if not 1 <= fps <= 120:
            raise ValueError("fps must be between 1 and 120")
        self._blobs = blobs
        self._work_dir = Path(work_dir)
        self._fps = fps
        self._codec = codec or available_codec()
        self._executor = ThreadPoolExecutor(max_workers=max(1, max_workers), thread_name_prefix="animatic")

    @property
    def codec(self) -> str:
        """The encoder this renderer uses (``libx264`` unless the build lacks it)."""
        return self._codec

    def close(self) -> None:
        """Stop accepting renders; running ones finish in the background."""
        self._executor.shutdown(wait=False)

    async def render(
        self, request: RenderRequest, progress: ProgressCallback, cancelled: CancelCheck
    ) -> RenderedVideo:
        size = output_size(request.format, request.resolution)
        _check_timing(request, self._fps)
        scratch = await asyncio.to_thread(files.make_scratch, self._work_dir)
        try:
            scenes = await self._materialise(request, scratch, cancelled)
            output = scratch / "animatic.mp4"
            job = pipeline.RenderJob(
                scenes,
                size,
                self._fps,
                self._codec,
                str(output),
                request.brand_colors,
                request.call_to_action,
                tuple((voice.start, voice.path) for voice in request.voices),
                request.music,
                _cues(request),
            )
            frames = await run_in_worker(self._executor, job, progress, cancelled)
            final, length = await asyncio.to_thread(files.publish, output, self._work_dir, request.job_id)
        finally:
            await asyncio.to_thread(files.remove, scratch)
        return RenderedVideo(str(final), frames / self._fps, size[0], size[1], length)

    async def _materialise(
        self, request: RenderRequest, scratch: Path, cancelled: CancelCheck
    ) -> tuple[pipeline.SceneJob, ...]:
        paths: dict[str, str] = {}
        scenes: list[pipeline.SceneJob] = []
        for scene in request.scenes:
            if cancelled():
                raise RenderCancelled("cancelled while fetching scene visuals")
            visual = scene.visual
            kind, path = "procedural", None
            if visual is not None and visual.type in ("image", "video"):
                if visual.blob_id not in paths:
                    target = scratch / f"visual-{len(paths)}"
                    await self._copy_blob(visual.blob_id, target, cancelled)
                    paths[visual.blob_id] = str(target)
                kind, path = visual.type, paths[visual.blob_id]
            scenes.append(
                pipeline.SceneJob(
                    scene.number, scene.duration, scene.script, scene.shot_type, scene.transition, kind, path
                )
            )
        return tuple(scenes)

    async def _copy_blob(self, blob_id: str, target: Path, cancelled: CancelCheck) -> None:
        sink = await asyncio.to_thread(files.open_for_writing, target)
        try:
            async for chunk in self._blobs.read(blob_id):
                if cancelled():
                    raise RenderCancelled("cancelled while fetching scene visuals")
                await asyncio.to_thread(sink.write, chunk)
        finally:
            await asyncio.to_thread(sink.close)


def _cues(request: RenderRequest) -> tuple[tuple[float, float, str], ...]:
    """The captions to burn in: the request's, else each script over its whole scene."""
    cues = request.captions
    if cues is None:
        scenes = request.scenes
        cues = tuple(captions([s.duration for s in scenes], [s.script for s in scenes], [None] * len(scenes)))
    return tuple((cue.start, cue.end, cue.text) for cue in cues)


def _check_timing(request: RenderRequest, fps: int) -> None:
    ranges = scene_ranges([scene.duration for scene in request.scenes], fps)
    if not ranges or ranges[-1][1] == 0:
        raise ValidationFailed(
            "nothing to render", [ErrorDetail(("scenes",), "need at least one scene lasting a frame")]
        )
