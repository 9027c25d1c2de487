"""Runs the blocking render in a worker thread and relays its reports to the event loop.

The user's ``progress`` and ``cancelled`` callbacks are only ever called on the loop;
the worker sees a ``threading.Event`` the loop sets when the job is cancelled.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Executor

from v3core.ports.renderer import CancelCheck, ProgressCallback

from . import pipeline

POLL_SECONDS = 0.05
"""How often the event loop asks ``cancelled()`` while the worker encodes."""


async def run_in_worker(
    executor: Executor,
    job: pipeline.RenderJob,
    progress: ProgressCallback,
    cancelled: CancelCheck,
) -> int:
    """Render ``job`` on ``executor``; returns the frame count once the file is complete.

    Whatever goes wrong (the worker fails, ``progress`` raises, this task is cancelled),
    the worker is stopped and waited for before the error propagates, so the caller
    can delete the files it was using.
    """
    loop = asyncio.get_running_loop()
    reports: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    stop = threading.Event()

    def emit(done: int, message: str) -> None:
        loop.call_soon_threadsafe(reports.put_nowait, (done, message))

    worker = loop.run_in_executor(executor, pipeline.run, job, emit, stop)
    total = len(job.scenes)
    try:
        # Reports are queued before the worker's own completion, so none is lost.
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


async def _settle(worker: asyncio.Future[int]) -> None:
    """Wait for the worker to stop whatever it raised (a second cancel cannot cut this short)."""
    while not worker.done():
        try:
            await asyncio.wait({worker})
        except asyncio.CancelledError:
            continue
    if not worker.cancelled():
        worker.exception()
