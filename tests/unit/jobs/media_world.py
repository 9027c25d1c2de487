"""The job use cases wired with fake generators over in-memory storage and a real ingestion pipeline."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from adapters.blobs.memory import InMemoryBlobStore
from adapters.generated_media import IngestingMediaStore
from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.staging import TempFileStager
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.planners.template import TemplateScenePlanner
from tests.media_samples import sample_clip
from v3core.costs import PriceTable
from v3core.model import Asset, BrandGuidelines, Client, Job, Scene, User
from v3core.services.assets import AssetContext
from v3core.services.assets.common import AssetDraft
from v3core.services.assets.ingest import IngestAsset
from v3core.services.jobs import (
    ApplyJobAction,
    CreateJob,
    CreateJobCommand,
    EditScene,
    EditSceneCommand,
    JobActionCommand,
    MediaGenerators,
    MediaStage,
    PlanStoryboard,
    RegenerateScene,
    RenderVideo,
    RunJobTask,
    SceneMedia,
    SoundStage,
)
from v3core.storyboard import PlanningRules
from v3core.testing.fakes import (
    FakeImageGenerator,
    FakeRenderer,
    FakeVideoArchive,
    FakeVideoGenerator,
    RecordingTaskRunner,
    RefusingUrlImporter,
    SequentialIds,
    SteppingClock,
)
from v3core.testing.sound_fakes import FakeMusicGenerator, FakeSpeechSynthesizer

BODY: dict[str, Any] = {
    "context": {"clientId": "set-by-world"},
    "adBasics": {
        "product": "Trail Shoe",
        "targetAudience": "Runners",
        "keyMessage": "Grip on every ground",
        "callToAction": "Run today",
    },
    "creative": {"direction": {"style": "Sunlit outdoor", "tone": "playful"}},
    "advanced": {"sceneCount": 5},
}


async def until(condition: Callable[[], bool]) -> None:
    """Wait (at most about 10 s) until ``condition()`` holds."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never held")


class MediaWorld:
    """One owner with one client, the use cases, and the fakes to inspect."""

    def __init__(
        self,
        tmp: Path,
        *,
        image: bool = True,
        video: bool = True,
        concurrency: int = 8,
        sound: bool = False,
        video_class: type[FakeVideoGenerator] = FakeVideoGenerator,
        image_class: type[FakeImageGenerator] = FakeImageGenerator,
    ) -> None:
        self.store = InMemoryStore()
        self.uow = InMemoryUnitOfWork.factory(self.store)
        self.clock = SteppingClock()
        self.ids = SequentialIds()
        self.blobs = InMemoryBlobStore()
        self.stager = TempFileStager(1 << 30, str(tmp / "staging"))
        ctx = self.ctx = AssetContext(
            self.uow, self.blobs, self.stager, MediaContentInspector(), self.clock, self.ids
        )
        store = IngestingMediaStore(IngestAsset(ctx), self.blobs, self.stager)
        self.image = image_class(self.stager)
        self.video = video_class(self.stager, sample_clip())
        generators = MediaGenerators(
            self.image if image else None, self.video if video else None, concurrency=concurrency
        )
        self.prices = PriceTable(
            image_per_frame=self.image.cost if image else 0.0,
            video_per_second=self.video.cost_per_second if video else 0.0,
        )
        rules = self.rules = PlanningRules()
        media = SceneMedia(self.uow, self.clock, store, generators)
        self.tasks = RecordingTaskRunner()
        self.renderer = FakeRenderer()
        planner = self.planner = TemplateScenePlanner()
        self.create = CreateJob(self.uow, self.clock, self.ids, self.tasks, rules, self.prices)
        regenerate = RegenerateScene(self.uow, self.clock, planner, rules, self.prices, media)
        self.act = ApplyJobAction(self.uow, self.clock, self.tasks, regenerate)
        self.edit = EditScene(self.uow, self.clock, media)
        plan = PlanStoryboard(
            self.uow, self.clock, self.ids, planner, RefusingUrlImporter(), rules, self.prices, media
        )
        archive = FakeVideoArchive(self.ids, self.clock)
        self.speech = FakeSpeechSynthesizer(self.stager, cost_per_char=0.001)
        self.music = FakeMusicGenerator(self.stager, cost_per_second=0.01)
        stage = SoundStage(self.stager, self.speech, self.music, voice="alloy") if sound else None
        render = RenderVideo(
            self.uow, self.clock, self.renderer, archive, self.prices, MediaStage(media), stage
        )
        self.tasks.handler = RunJobTask(self.uow, self.clock, plan, render).execute
        self.owner_id = ""
        self.client_id = ""

    async def seed(self, brand: BrandGuidelines = BrandGuidelines()) -> None:
        now = self.clock.now()
        self.owner_id, self.client_id = self.ids.new_id(), self.ids.new_id()
        async with self.uow() as uow:
            await uow.users.add(User(id=self.owner_id, email="o@example.test", created_at=now))
            client = Client(self.client_id, self.owner_id, "Acme", now, now, brand_guidelines=brand)
            await uow.clients.add(client)
            await uow.commit()

    async def ready_job(
        self,
        *,
        direction: dict[str, Any] | None = None,
        generate_audio: bool = False,
        assets: list[dict[str, Any]] | None = None,
        **advanced: Any,
    ) -> str:
        creative = {**BODY["creative"], "direction": {**BODY["creative"]["direction"], **(direction or {})}}
        if assets:
            creative["assets"] = assets
        body = {
            **BODY,
            "context": {"clientId": self.client_id},
            "creative": creative,
            "advanced": {**BODY["advanced"], **advanced},
            "generateAudio": generate_audio,
        }
        view = await self.create.execute(CreateJobCommand(self.owner_id, body))
        await self.tasks.run_all()
        return view.job.id

    async def library_asset(self, data: bytes, name: str) -> str:
        """The id of a new asset of the owner's library holding ``data``."""

        async def chunks() -> AsyncIterator[bytes]:
            yield data

        staged = await self.stager.stage(chunks(), filename=name)
        try:
            asset = await IngestAsset(self.ctx).execute(AssetDraft(self.owner_id, name), staged)
        finally:
            await self.stager.discard(staged)
        return asset.id

    async def action(self, job_id: str, action: str, **fields: Any) -> None:
        await self.act.execute(JobActionCommand(self.owner_id, job_id, action, fields))

    async def edit_scene(self, job_id: str, number: int, **changes: Any) -> Scene:
        return await self.edit.execute(EditSceneCommand(self.owner_id, job_id, str(number), changes))

    async def job(self, job_id: str) -> Job:
        async with self.uow() as uow:
            job = await uow.jobs.get(self.owner_id, job_id)
        assert job is not None
        return job

    async def scenes(self, job_id: str) -> list[Scene]:
        async with self.uow() as uow:
            return list(await uow.scenes.list_for_job(job_id))

    async def job_assets(self, job_id: str) -> list[Asset]:
        async with self.uow() as uow:
            return list(await uow.assets.list_for_job(self.owner_id, job_id))

    async def generated(self, job_id: str, kind: str) -> list[Asset]:
        return [
            a for a in await self.job_assets(job_id) if a.generation is not None and a.generation.kind == kind
        ]
