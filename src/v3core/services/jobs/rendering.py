"""Background rendering of an approved storyboard into the job's video."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from v3core.costs import PriceTable, render_cost
from v3core.errors import DomainError, StaleVersion, StorageUnavailable
from v3core.lifecycle import FailedStep, JobAction
from v3core.media.budget import check_budget
from v3core.model import Asset, AssetType, BrandGuidelines, Job, JobStatus, Scene
from v3core.ports.renderer import RenderAsset, RenderCancelled, Renderer, RenderRequest, RenderScene
from v3core.ports.storage import UnitOfWork, UnitOfWorkFactory
from v3core.ports.system import Clock
from v3core.services.jobs.common import fail_job, move, progress
from v3core.services.jobs.media import update_job
from v3core.services.jobs.media_stage import MediaStage, StageCancelled
from v3core.services.jobs.ports import VideoArchive
from v3core.services.jobs.sound_stage import SoundStage, SoundStopped, Soundtrack
from v3core.voiceover import captions, planned_duration

_VISUAL_TYPES = (AssetType.IMAGE, AssetType.VIDEO)


def render_request(
    job: Job, scenes: Sequence[Scene], assets: Sequence[Asset], colors: tuple[str, ...]
) -> RenderRequest:
    """What the renderer needs: scenes in order, each with its first image or video asset.

    Scenes last as planned: a length an earlier render gave a scene for its voice is fitted
    again by the soundtrack (``SoundStage``), so a re-render without a voice restores it."""
    by_id = {a.id: a for a in assets if a.type in _VISUAL_TYPES}

    def visual(scene: Scene) -> RenderAsset | None:
        for asset_id in scene.asset_ids:
            asset = by_id.get(asset_id)
            if asset is not None:
                return render_asset(asset)
        return None

    return RenderRequest(
        job_id=job.id,
        scenes=tuple(
            RenderScene(
                number=s.number,
                duration=planned_duration(s),
                description=s.description,
                script=s.script,
                shot_type=s.shot_type,
                transition=s.transition,
                visual=visual(s),
            )
            for s in sorted(scenes, key=lambda s: s.number)
        ),
        format=job.brief.creative.video_specs.format,
        resolution=job.brief.creative.video_specs.resolution,
        title=job.brief.ad_basics.product,
        brand_colors=colors,
        call_to_action=job.brief.ad_basics.call_to_action,
    )


def render_asset(asset: Asset) -> RenderAsset:
    """An image or video asset as the renderer takes it."""
    return RenderAsset(
        asset_id=asset.id,
        blob_id=asset.blob_id,
        type=asset.type.value,
        content_type=asset.content_type,
        width=asset.width,
        height=asset.height,
        duration=asset.duration,
    )


@attrs.frozen
class RenderVideo:
    """The ``render_video`` task: video_processing → completed (or failed).

    Stages (``progress.stage``): ``generating_media`` (when a generator is wired: the missing
    scene footage, see ``MediaStage``, then the voiceover and music bed, see ``SoundStage``),
    ``composing`` (scenes drawn) and ``encoding``. The soundtrack's costs are charged as
    ``speech`` and ``music``; its staged files are removed once the render is over. The scenes
    are stored as rendered: the duration a voice needed and the ``voiceover`` that timed the
    captions, so the job, its video and its ``captions.vtt`` tell the same story.
    """

    uow: UnitOfWorkFactory
    clock: Clock
    renderer: Renderer
    archive: VideoArchive
    prices: PriceTable
    media: MediaStage | None = None
    sound: SoundStage | None = None

    async def execute(self, job_id: str) -> None:
        """Render ``job_id`` if it is waiting for its video; otherwise do nothing."""
        loaded = await self._load(job_id)
        if loaded is None:
            return
        job, scenes, assets, brand = loaded
        request = render_request(job, scenes, assets, brand.colors)
        try:
            request = await self._generate(job, scenes, brand, request)
            sound = await self._soundtrack(job, request)
        except (StageCancelled, _Stopped, SoundStopped):
            return
        except StorageUnavailable:
            raise  # not the job's fault: the step is retried once the database is back
        except DomainError as error:
            await fail_job(
                self.uow, self.clock, job_id, FailedStep.MEDIA_GENERATION, error.code, error.message
            )
            return
        except Exception as error:  # adapters are third-party code: never leave the job processing
            message = f"media generation failed: {type(error).__name__}: {error}"
            await fail_job(
                self.uow, self.clock, job_id, FailedStep.MEDIA_GENERATION, "media_generation_failed", message
            )
            return
        try:
            if await self._record(job_id, sound):
                await self._render(job_id, with_captions(sound))
        finally:
            if self.sound is not None:
                await self.sound.discard(sound)

    async def _soundtrack(self, job: Job, request: RenderRequest) -> Soundtrack:
        if self.sound is None:
            return Soundtrack(request, (), {})

        async def report(message: str) -> bool:
            return await self._stage(job.id, "generating_media", 74, message)

        return await self.sound.run(job, request, report)

    async def _record(self, job_id: str, sound: Soundtrack) -> bool:
        """Charge the soundtrack and store each scene as it will be rendered, in one transaction;
        False when the job left video_processing meanwhile."""
        for attempt in range(_RECORD_ATTEMPTS):
            try:
                async with self.uow() as uow:
                    job = await uow.jobs.get_any(job_id)
                    if job is None or job.status != JobStatus.VIDEO_PROCESSING:
                        return False
                    for step, amount in sound.costs.items():
                        if amount > 0:
                            job.cost.charge(step, amount)
                    job.updated_at = self.clock.now()
                    await uow.jobs.update(job)
                    await self._fit_scenes(uow, job_id, sound)
                    await uow.commit()
                    return True
            except StaleVersion:
                if attempt == _RECORD_ATTEMPTS - 1:
                    raise
        return False

    async def _fit_scenes(self, uow: UnitOfWork, job_id: str, sound: Soundtrack) -> None:
        durations = {s.number: s.duration for s in sound.request.scenes}
        for scene in await uow.scenes.list_for_job(job_id):
            duration = durations.get(scene.number, scene.duration)
            voice = sound.voiceovers.get(scene.number)
            if scene.duration == duration and scene.voiceover == voice:
                continue
            fitted = attrs.evolve(
                scene,
                duration=duration,
                voiceover=voice,
                version=scene.version + 1,
                updated_at=self.clock.now(),
            )
            await uow.scenes.update(fitted, expected_version=scene.version)

    async def _render(self, job_id: str, request: RenderRequest) -> None:
        state = {"cancelled": False}

        async def report(done: int, total: int, message: str) -> None:
            state["cancelled"] = not await self._composing(job_id, done, total, message)

        try:
            job = await self._budget(job_id, request)
            composing = f"Composing {len(request.scenes)} scenes"
            if job is None or not await self._stage(job_id, "composing", 75, composing):
                return
            video = await self.renderer.render(request, report, lambda: state["cancelled"])
            asset = await self.archive.store(job, video)
        except RenderCancelled:
            return
        except StorageUnavailable:
            raise  # not the job's fault: the step is retried once the database is back
        except DomainError as error:
            await fail_job(
                self.uow, self.clock, job_id, FailedStep.VIDEO_RENDERING, error.code, error.message
            )
            return
        except Exception as error:  # the renderer is third-party code: never leave the job processing
            message = f"rendering failed: {type(error).__name__}: {error}"
            await fail_job(self.uow, self.clock, job_id, FailedStep.VIDEO_RENDERING, "render_failed", message)
            return
        if not await self._complete(job_id, asset, video.duration):
            await self.archive.discard(job.owner_id, asset.id)

    async def _load(self, job_id: str) -> tuple[Job, list[Scene], list[Asset], BrandGuidelines] | None:
        async with self.uow() as uow:
            job = await uow.jobs.get_any(job_id)
            if job is None or job.status != JobStatus.VIDEO_PROCESSING:
                return None
            scenes = list(await uow.scenes.list_for_job(job.id))
            asset_ids = [a for s in scenes for a in s.asset_ids]
            assets = list(await uow.assets.get_many(job.owner_id, asset_ids))
            client = await uow.clients.get(job.owner_id, job.client_id)
            footage = self.media is not None and self.media.media.generators.any
            generating = footage or self.sound is not None
            stage = "generating_media" if generating else "composing"
            job.progress = progress(stage, 60, f"Preparing {len(scenes)} scenes", 4)
            job.updated_at = self.clock.now()
            await uow.jobs.update(job)
            await uow.commit()
        return job, scenes, assets, client.brand_guidelines if client else BrandGuidelines()

    async def _generate(
        self, job: Job, scenes: Sequence[Scene], brand: BrandGuidelines, request: RenderRequest
    ) -> RenderRequest:
        """``request`` with generated footage for every scene that has no assigned visual."""
        if self.media is None or not self.media.media.generators.any:
            return request
        bare = {s.number for s in request.scenes if s.visual is None}
        async with self.uow() as uow:
            existing = list(await uow.assets.list_for_job(job.owner_id, job.id))

        async def report(done: int, total: int, message: str) -> bool:
            return await self._stage(job.id, "generating_media", 60 + int(15 * done / max(total, 1)), message)

        if not await report(0, len(bare), f"Generating the footage of {len(bare)} scenes"):
            raise _Stopped
        made = await self.media.run(job, [s for s in scenes if s.number in bare], brand, existing, report)
        return attrs.evolve(
            request,
            scenes=tuple(
                attrs.evolve(s, visual=render_asset(made[s.number])) if s.number in made else s
                for s in request.scenes
            ),
        )

    async def _budget(self, job_id: str, request: RenderRequest) -> Job | None:
        """The job, once rendering is known to fit its ``maxCost`` (``BudgetExceeded`` otherwise)."""
        async with self.uow() as uow:
            job = await uow.jobs.get_any(job_id)
        if job is None or job.status != JobStatus.VIDEO_PROCESSING:
            return None
        seconds = sum(s.duration for s in request.scenes)
        check_budget(job, "video rendering", render_cost(seconds, self.prices))
        return job

    async def _composing(self, job_id: str, done: int, total: int, message: str) -> bool:
        """Record the renderer's progress; False when the job is no longer rendering (cancelled)."""
        stage = "encoding" if done >= total else "composing"
        percent = 75 + int(20 * done / max(total, 1))
        return await self._stage(job_id, stage, percent, message or f"Composed scene {done} of {total}")

    async def _stage(self, job_id: str, stage: str, percent: int, message: str) -> bool:
        """Record progress; False when the job is no longer rendering (cancelled)."""

        def change(job: Job) -> bool:
            if job.status != JobStatus.VIDEO_PROCESSING:
                return False
            job.progress = progress(stage, percent, message, 4)
            return True

        return await update_job(self.uow, self.clock, job_id, change)

    async def _complete(self, job_id: str, asset: Asset, duration: float) -> bool:
        def change(job: Job) -> bool:
            if job.status != JobStatus.VIDEO_PROCESSING:
                return False
            job.video_asset_id = asset.id
            job.video_duration = round(duration, 3)
            job.cost.charge("video_rendering", render_cost(duration, self.prices))
            move(job, JobAction.RENDER_FINISHED, self.clock)
            return True

        return await update_job(self.uow, self.clock, job_id, change)


_RECORD_ATTEMPTS = 20


def with_captions(sound: Soundtrack) -> RenderRequest:
    """The request with its captions: each script timed to its voice, else to its scene."""
    scenes = sound.request.scenes
    cues = captions(
        [s.duration for s in scenes],
        [s.script for s in scenes],
        [v.seconds if (v := sound.voiceovers.get(s.number)) else None for s in scenes],
    )
    return attrs.evolve(sound.request, captions=tuple(cues))


class _Stopped(Exception):
    """The job left video_processing before its media stage began."""
