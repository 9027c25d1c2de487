"""Fakes of the non-storage ports, for unit tests and the workflow harness.

They are test doubles, never wired in production: ``RecordingTaskRunner`` queues work
for the test to run, ``FakeRenderer`` reports a video without encoding one, and
``FakeImageGenerator``/``FakeVideoGenerator`` make real small media files (see
``v3core.testing.media_fakes``).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import attrs

from v3core.errors import UpstreamError
from v3core.model import Asset, AssetType, Job
from v3core.ports.planner import PlanMode, PlannerReply, PlanRequest, ScenePlanner
from v3core.ports.renderer import (
    CancelCheck,
    ProgressCallback,
    RenderCancelled,
    RenderedVideo,
    Renderer,
    RenderRequest,
)
from v3core.ports.storage import UnitOfWorkFactory
from v3core.ports.system import Clock, IdGenerator
from v3core.ports.tasks import TaskKind, TaskRunner
from v3core.services.jobs.ports import UrlAssetImporter, UrlImport, VideoArchive


class SteppingClock(Clock):
    """A clock that moves one second forward on every reading."""

    def __init__(self, start: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> None:
        self._now = start

    def now(self) -> datetime:
        self._now += timedelta(seconds=1)
        return self._now


class SequentialIds(IdGenerator):
    """Ids ``id-1``, ``id-2``... (unique within one instance)."""

    def __init__(self, prefix: str = "id") -> None:
        self._counter = itertools.count(1)
        self._prefix = prefix

    def new_id(self) -> str:
        return f"{self._prefix}-{next(self._counter)}"


class RecordingTaskRunner(TaskRunner):
    """Queues submitted tasks; ``run_all`` runs them (and whatever they submit) in order."""

    def __init__(self) -> None:
        self.queue: deque[tuple[TaskKind, str]] = deque()
        self.cancelled: list[str] = []
        self.delays: dict[tuple[TaskKind, str], float] = {}
        self.handler: Callable[[TaskKind, str], Awaitable[None]] | None = None

    async def submit(self, kind: TaskKind, job_id: str, *, delay: float = 0.0) -> None:
        self.queue.append((kind, job_id))
        if delay:
            self.delays[(kind, job_id)] = delay

    async def cancel(self, job_id: str) -> None:
        self.cancelled.append(job_id)
        self.queue = deque(item for item in self.queue if item[1] != job_id)

    async def run_all(self) -> int:
        """Run queued tasks until none is left; returns how many ran."""
        assert self.handler is not None, "set RecordingTaskRunner.handler first"
        ran = 0
        while self.queue:
            kind, job_id = self.queue.popleft()
            await self.handler(kind, job_id)
            ran += 1
        return ran


class ScriptedPlanner(ScenePlanner):
    """Answers with scripted raw outputs first, then delegates to ``fallback``."""

    name = "scripted"

    def __init__(self, fallback: ScenePlanner, script: list[object] | None = None) -> None:
        self.fallback = fallback
        self.script: deque[object] = deque(script or [])
        self.requests: list[PlanRequest] = []

    async def plan(self, request: PlanRequest) -> PlannerReply:
        self.requests.append(request)
        if self.script:
            item = self.script.popleft()
            if isinstance(item, Exception):
                raise item
            return PlannerReply(raw=item, model="scripted")
        return await self.fallback.plan(request)


class FakeRenderer(Renderer):
    """Reports progress per scene and returns a video description without a file."""

    def __init__(self, fail_with: Exception | None = None) -> None:
        self.fail_with = fail_with
        self.requests: list[RenderRequest] = []

    async def render(
        self, request: RenderRequest, progress: ProgressCallback, cancelled: CancelCheck
    ) -> RenderedVideo:
        self.requests.append(request)
        if self.fail_with is not None:
            raise self.fail_with
        total = len(request.scenes)
        for done in range(1, total + 1):
            if cancelled():
                raise RenderCancelled(request.job_id)
            await progress(done, total, f"scene {done}")
        duration = round(sum(s.duration for s in request.scenes), 3)
        return RenderedVideo(
            path=f"/nonexistent/{request.job_id}.mp4", duration=duration, width=1280, height=720, size=1
        )


@attrs.define
class FakeVideoArchive(VideoArchive):
    """Keeps rendered videos as in-memory asset records (no blob store involved)."""

    ids: IdGenerator
    clock: Clock
    stored: dict[str, Asset] = attrs.field(factory=dict)

    async def store(self, job: Job, video: RenderedVideo) -> Asset:
        now = self.clock.now()
        asset = Asset(
            id=self.ids.new_id(),
            owner_id=job.owner_id,
            name=f"{job.id}.mp4",
            type=AssetType.VIDEO,
            format="mp4",
            content_type=video.content_type,
            size=video.size,
            checksum="0" * 64,
            blob_id="0" * 64,
            created_at=now,
            updated_at=now,
            client_id=job.client_id,
            campaign_id=job.campaign_id,
            width=video.width,
            height=video.height,
            duration=video.duration,
            job_id=job.id,
        )
        self.stored[asset.id] = asset
        return asset

    async def discard(self, owner_id: str, asset_id: str) -> None:
        self.stored.pop(asset_id, None)


class StoringUrlImporter(UrlAssetImporter):
    """An importer without network: each URL becomes an asset record of the job (no bytes).

    The type is the declared one, else guessed from the URL's extension (image by default).
    ``fail_next`` makes the next import fail as unreachable, like a host that is down.
    """

    _TYPES = {
        "mp4": AssetType.VIDEO,
        "mov": AssetType.VIDEO,
        "mp3": AssetType.AUDIO,
        "pdf": AssetType.DOCUMENT,
    }
    _FORMATS = {AssetType.IMAGE: ("png", "image/png"), AssetType.VIDEO: ("mp4", "video/mp4")}

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator) -> None:
        self.uow = uow
        self.clock = clock
        self.ids = ids
        self.fail_next = False
        self.imported: list[str] = []

    async def import_url(self, request: UrlImport) -> Asset:
        if self.fail_next:
            self.fail_next = False
            raise UpstreamError(f"cannot import {request.url}: the host did not answer")
        extension = request.url.rsplit(".", 1)[-1].lower()
        try:
            kind = AssetType(request.declared_type or self._TYPES.get(extension, AssetType.IMAGE))
        except ValueError:
            kind = AssetType.IMAGE
        fmt, content_type = self._FORMATS.get(kind, (extension[:8] or "bin", "application/octet-stream"))
        now = self.clock.now()
        asset = Asset(
            id=self.ids.new_id(),
            owner_id=request.owner_id,
            name=request.name or request.url.rsplit("/", 1)[-1],
            type=kind,
            format=fmt,
            content_type=content_type,
            size=1,
            checksum="0" * 64,
            blob_id="0" * 64,
            created_at=now,
            updated_at=now,
            client_id=request.client_id,
            campaign_id=request.campaign_id,
            source_url=request.url,
            job_id=request.job_id,
        )
        async with self.uow() as uow:
            await uow.assets.add(asset)
            await uow.commit()
        self.imported.append(asset.id)
        return asset


class FlakyPlanner(ScenePlanner):
    """Delegates to ``inner``; ``fail_next`` makes the next whole-storyboard plan fail upstream."""

    def __init__(self, inner: ScenePlanner) -> None:
        self.inner = inner
        self.name = inner.name
        self.fail_next = False

    async def plan(self, request: PlanRequest) -> PlannerReply:
        if self.fail_next and request.mode == PlanMode.STORYBOARD:
            self.fail_next = False
            raise UpstreamError(f"{self.name} planner is down")
        return await self.inner.plan(request)


class RefusingUrlImporter(UrlAssetImporter):
    """An importer for tests without network: every URL import fails as unreachable."""

    async def import_url(self, request: UrlImport) -> Asset:
        raise UpstreamError(f"cannot import {request.url}: no network in this test")


from v3core.testing.media_fakes import FakeImageGenerator, FakeVideoGenerator  # noqa: E402

__all__ = [
    "FakeImageGenerator",
    "FakeRenderer",
    "FakeVideoArchive",
    "FakeVideoGenerator",
    "RecordingTaskRunner",
    "RefusingUrlImporter",
    "ScriptedPlanner",
    "SequentialIds",
    "SteppingClock",
]
