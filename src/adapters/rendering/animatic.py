"""``AnimaticRenderer``: the local PyAV + Pillow renderer behind the ``Renderer`` port."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
import threading
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

from . import pipeline
from .encoder import available_codec
from .timeline import output_size, scene_ranges

POLL_SECONDS = 0.05
"""How often the event loop asks ``cancelled()`` while the worker encodes."""

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class AnimaticRenderer(Renderer):
    """Renders an animatic MP4 on this machine.

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
        self._work_dir.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".render-", dir=self._work_dir))
        try:
            scenes = await self._materialise(request, scratch, cancelled)
            output = scratch / "animatic.mp4"
            job = pipeline.RenderJob(scenes, size, self._fps, self._codec, str(output), request.brand_colors)
            frames = await self._run(job, len(scenes), progress, cancelled)
            final = self._publish(output, request.job_id)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return RenderedVideo(
            path=str(final),
            duration=frames / self._fps,
            width=size[0],
            height=size[1],
            size=final.stat().st_size,
        )

    async def _materialise(
        self, request: RenderRequest, scratch: Path, cancelled: CancelCheck
    ) -> tuple[pipeline.SceneJob, ...]:
        paths: dict[str, str] = {}
        scenes: list[pipeline.SceneJob] = []
        for scene in request.scenes:
            if cancelled():
                raise RenderCancelled("cancelled while fetching scene visuals")
            visual = scene.visual
            kind, path = "title", None
            if visual is not None and visual.type in ("image", "video"):
                if visual.blob_id not in paths:
                    target = scratch / f"visual-{len(paths)}"
                    await self._copy_blob(visual.blob_id, target, cancelled)
                    paths[visual.blob_id] = str(target)
                kind, path = visual.type, paths[visual.blob_id]
            scenes.append(
                pipeline.SceneJob(
                    scene.number,
                    scene.duration,
                    scene.description,
                    scene.script,
                    scene.shot_type,
                    scene.transition,
                    kind,
                    path,
                )
            )
        return tuple(scenes)

    async def _copy_blob(self, blob_id: str, target: Path, cancelled: CancelCheck) -> None:
        with target.open("wb") as sink:
            async for chunk in self._blobs.read(blob_id):
                if cancelled():
                    raise RenderCancelled("cancelled while fetching scene visuals")
                await asyncio.to_thread(sink.write, chunk)

    async def _run(
        self, job: pipeline.RenderJob, total: int, progress: ProgressCallback, cancelled: CancelCheck
    ) -> int:
        loop = asyncio.get_running_loop()
        reports: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
        stop = threading.Event()

        def emit(done: int, message: str) -> None:
            loop.call_soon_threadsafe(reports.put_nowait, (done, message))

        worker = loop.run_in_executor(self._executor, pipeline.run, job, emit, stop)
        try:
            while not (worker.done() and reports.empty()):
                if cancelled():
                    stop.set()
                try:
                    done, message = await asyncio.wait_for(reports.get(), POLL_SECONDS)
                except TimeoutError:
                    continue
                await progress(done, total, message)
            return worker.result()
        except BaseException:
            stop.set()
            await _settle(worker)
            raise

    def _publish(self, output: Path, job_id: str) -> Path:
        """Move the finished video to a fresh name in ``work_dir`` (never over another render)."""
        prefix = f"{_UNSAFE.sub('-', job_id)[:64] or 'render'}-"
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=".mp4", dir=self._work_dir)
        os.close(handle)
        try:
            os.replace(output, name)
        except OSError:
            Path(name).unlink(missing_ok=True)
            raise
        return Path(name)


async def _settle(worker: asyncio.Future[int]) -> None:
    """Wait for the worker to stop (it owns files being deleted), whatever it raised."""
    while not worker.done():
        try:
            await asyncio.wait({worker})
        except asyncio.CancelledError:
            continue
    if not worker.cancelled():
        worker.exception()


def _check_timing(request: RenderRequest, fps: int) -> None:
    ranges = scene_ranges([scene.duration for scene in request.scenes], fps)
    if not ranges or ranges[-1][1] == 0:
        raise ValidationFailed(
            "nothing to render", [ErrorDetail(("scenes",), "need at least one scene lasting a frame")]
        )
