"""Media fan-out benchmark (issue 11): a 5-scene job whose video provider answers each clip after 5 s.

Builds the real composition root on a fresh migrated SQLite file (real ingestion, real
renderer) with the fake generation providers of ``v3core.testing`` swapped in through the
container (``FakeVideoGenerator`` answering every clip after ``--delay`` seconds with a real
1 s MP4, ``FakeImageGenerator`` drawing the storyboard frames). It plans a job of ``--scenes``
scenes, approves it and records, by polling the job every 10 ms, when the media stage ended
(``progress.stage`` left ``generating_media``) and when the job completed.

Reported (median of ``--runs``): approval → completed, the media stage, composition (media
stage end → completed) and the media stage's overhead over one provider latency. Bar: approval
→ completed < delay + composition time, i.e. the clips are made concurrently (one provider
latency, not one per scene); the overhead is what the stage adds to that latency.

With ``--retry`` (QUALITY.md "paying once"): the first clip call fails, so the job fails
with ``media_generation_failed`` after the other scenes' clips were made and stored; the job is
then retried. Reported: provider calls the retry made (clips and frames; bar: exactly one clip
call, no frame call) and retry → completed.

    uv run python benchmarks/bench_media_fanout.py [--scenes 5] [--delay 5] [--runs 3] [--concurrency 8]
    uv run python benchmarks/bench_media_fanout.py --retry [--scenes 5] [--delay 5] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import attrs
from dependency_injector import providers

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.media_samples import sample_clip  # noqa: E402

from adapters.sqlalchemy.migrate import upgrade_database  # noqa: E402
from entrypoints.container import Container, build_container, close_container  # noqa: E402
from entrypoints.settings import Settings  # noqa: E402
from v3core.model import Job, JobStatus, User  # noqa: E402
from v3core.services.clients import CreateClientCommand  # noqa: E402
from v3core.services.jobs import CreateJobCommand, JobActionCommand  # noqa: E402
from v3core.testing.fakes import FakeImageGenerator, FakeVideoGenerator  # noqa: E402
from v3core.testing.media_fakes import failing  # noqa: E402


@attrs.frozen
class Run:
    """One job: seconds from approval to the end of the media stage and to completion."""

    media_s: float
    completed_s: float
    video_calls: int


@attrs.frozen
class RetryRun:
    """One failed-then-retried job: what the retry called and how long it took."""

    failed_calls: int
    """Clip calls started before the job failed (the failing one included)."""
    retry_clip_calls: int
    retry_frame_calls: int
    retry_s: float


@asynccontextmanager
async def _faked_container(
    delay: float, clip: bytes, concurrency: int
) -> AsyncIterator[tuple[Container, FakeVideoGenerator, FakeImageGenerator]]:
    """A container on a fresh SQLite database whose image and video providers are fakes
    (each clip answered after ``delay`` seconds); joined and closed at the end."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/v3.db"
        upgrade_database(url)
        container = build_container(
            Settings(database_url=url, data_dir=Path(tmp) / "data", media_concurrency=concurrency)
        )
        stager = container.output_stager()
        video = FakeVideoGenerator(stager, clip)
        video.behaviour.delay = delay
        image = FakeImageGenerator(stager)
        container.image_generator.override(providers.Object(image))
        container.video_generator.override(providers.Object(video))
        try:
            yield container, video, image
        finally:
            await container.task_runner().join()
            await close_container(container)


async def one_run(scenes: int, delay: float, clip: bytes, concurrency: int) -> Run:
    async with _faked_container(delay, clip, concurrency) as (container, video, _):
        return await _measure(container, scenes, video)


async def one_retry_run(scenes: int, delay: float, clip: bytes, concurrency: int) -> RetryRun:
    async with _faked_container(delay, clip, concurrency) as (container, video, image):
        video.behaviour.fail_first.append(failing("the prediction failed"))
        return await _measure_retry(container, scenes, video, image)


async def _ready_job(c: Container, scenes: int) -> tuple[str, str]:
    """(owner id, job id) of a planned job of ``scenes`` scenes, storyboard ready."""
    clock = c.clock()
    async with c.uow_factory()() as uow:
        owner = User(id="bench-owner", email="bench@example.test", created_at=clock.now())
        await uow.users.add(owner)
        await uow.commit()
    client = await c.create_client().execute(CreateClientCommand(owner.id, "Bench"))
    body = {
        "context": {"clientId": client.id},
        "adBasics": {
            "product": "Trail Shoe",
            "targetAudience": "Runners",
            "keyMessage": "Grip",
            "callToAction": "Run",
        },
        "creative": {"direction": {"style": "Sunlit"}, "videoSpecs": {"duration": 2.0 * scenes}},
        "advanced": {"sceneCount": scenes},
    }
    view = await c.create_job().execute(CreateJobCommand(owner.id, body))
    await _wait(c, owner.id, view.job.id, lambda j: j.status == JobStatus.STORYBOARD_READY)
    return owner.id, view.job.id


async def _measure(c: Container, scenes: int, video: FakeVideoGenerator) -> Run:
    owner_id, job_id = await _ready_job(c, scenes)
    start = time.perf_counter()
    await c.apply_job_action().execute(JobActionCommand(owner_id, job_id, "approve"))
    media_end = await _wait(
        c, owner_id, job_id, lambda j: j.progress.stage in ("composing", "encoding", "completed")
    )
    done = await _wait(c, owner_id, job_id, lambda j: j.status.is_terminal)
    job = (await c.get_job().execute(owner_id, job_id)).job
    assert job.status == JobStatus.COMPLETED, job.error
    return Run(media_end - start, done - start, video.calls)


async def _measure_retry(
    c: Container, scenes: int, video: FakeVideoGenerator, image: FakeImageGenerator
) -> RetryRun:
    owner_id, job_id = await _ready_job(c, scenes)
    await c.apply_job_action().execute(JobActionCommand(owner_id, job_id, "approve"))
    await _wait(c, owner_id, job_id, lambda j: j.status.is_terminal)
    job = (await c.get_job().execute(owner_id, job_id)).job
    assert job.status == JobStatus.FAILED, job.status
    assert job.error is not None
    assert job.error.code == "media_generation_failed", job.error
    clips, frames = video.behaviour.started, image.behaviour.started
    start = time.perf_counter()
    await c.apply_job_action().execute(JobActionCommand(owner_id, job_id, "retry"))
    done = await _wait(c, owner_id, job_id, lambda j: j.status.is_terminal)
    job = (await c.get_job().execute(owner_id, job_id)).job
    assert job.status == JobStatus.COMPLETED, job.error
    return RetryRun(clips, video.behaviour.started - clips, image.behaviour.started - frames, done - start)


async def _wait(c: Container, owner_id: str, job_id: str, done: Callable[[Job], bool]) -> float:
    while True:
        job = (await c.get_job().execute(owner_id, job_id)).job
        if done(job) or job.status in (JobStatus.FAILED, JobStatus.CANCELLED):
            return time.perf_counter()
        await asyncio.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=5)
    parser.add_argument("--delay", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--concurrency", type=int, default=Settings().media_concurrency, help="MEDIA_CONCURRENCY"
    )
    parser.add_argument("--retry", action="store_true", help="one clip fails; count the retry's calls")
    args = parser.parse_args()
    clip = sample_clip(seconds=1.0, size=(320, 180))
    if args.retry:
        return report_retries(args, clip)
    runs = [asyncio.run(one_run(args.scenes, args.delay, clip, args.concurrency)) for _ in range(args.runs)]
    total = statistics.median(r.completed_s for r in runs)
    media = statistics.median(r.media_s for r in runs)
    composition = statistics.median(r.completed_s - r.media_s for r in runs)
    calls = {r.video_calls for r in runs}
    ok = all(r.completed_s < args.delay + (r.completed_s - r.media_s) + 0.5 for r in runs)
    latency = f"video provider answering each clip after {args.delay:g} s"
    print(f"{args.scenes} scenes, {latency}, MEDIA_CONCURRENCY={args.concurrency}, median of {args.runs}:\n")
    columns = "approval → completed | media stage | composition | stage overhead over one latency"
    print(f"| {columns} | clip calls | bar |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {total:.2f} s | {media:.2f} s | {composition:.2f} s | {media - args.delay:.2f} s "
        f"| {sorted(calls)} | {'met' if ok else 'MISSED'} (< {args.delay:g} s + composition) |"
    )
    return 0 if ok else 1


def report_retries(args: argparse.Namespace, clip: bytes) -> int:
    runs = [
        asyncio.run(one_retry_run(args.scenes, args.delay, clip, args.concurrency)) for _ in range(args.runs)
    ]
    ok = all(r.retry_clip_calls == 1 and r.retry_frame_calls == 0 for r in runs)
    retry = statistics.median(r.retry_s for r in runs)
    print(
        f"{args.scenes} scenes, the first clip call failing, video provider answering after "
        f"{args.delay:g} s, {args.runs} runs:\n"
    )
    print(
        "| clip calls before the failure | retry: clip calls | retry: frame calls | retry → completed | bar |"
    )
    print("|---|---|---|---|---|")
    print(
        f"| {sorted({r.failed_calls for r in runs})} | {sorted({r.retry_clip_calls for r in runs})} "
        f"| {sorted({r.retry_frame_calls for r in runs})} | {retry:.2f} s (median) "
        f"| {'met' if ok else 'MISSED'} (one new clip call, no frame call) |"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
