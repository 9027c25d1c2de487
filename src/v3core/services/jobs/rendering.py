"""Background rendering of an approved storyboard into the job's video."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from v3core.costs import PriceTable, render_cost
from v3core.errors import DomainError, StorageUnavailable
from v3core.lifecycle import FailedStep, JobAction
from v3core.model import Asset, AssetType, Job, JobStatus, Scene
from v3core.ports.renderer import RenderAsset, RenderCancelled, Renderer, RenderRequest, RenderScene
from v3core.ports.storage import UnitOfWorkFactory
from v3core.ports.system import Clock
from v3core.services.jobs.common import fail_job, move, progress
from v3core.services.jobs.ports import VideoArchive

_VISUAL_TYPES = (AssetType.IMAGE, AssetType.VIDEO)


def render_request(
    job: Job, scenes: Sequence[Scene], assets: Sequence[Asset], colors: tuple[str, ...]
) -> RenderRequest:
    """What the renderer needs: scenes in order, each with its first image or video asset."""
    by_id = {a.id: a for a in assets if a.type in _VISUAL_TYPES}

    def visual(scene: Scene) -> RenderAsset | None:
        for asset_id in scene.asset_ids:
            asset = by_id.get(asset_id)
            if asset is not None:
                return RenderAsset(
                    asset_id=asset.id,
                    blob_id=asset.blob_id,
                    type=asset.type.value,
                    content_type=asset.content_type,
                    width=asset.width,
                    height=asset.height,
                    duration=asset.duration,
                )
        return None

    return RenderRequest(
        job_id=job.id,
        scenes=tuple(
            RenderScene(
                number=s.number,
                duration=s.duration,
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


@attrs.frozen
class RenderVideo:
    """The ``render_video`` task: video_processing → completed (or failed)."""

    uow: UnitOfWorkFactory
    clock: Clock
    renderer: Renderer
    archive: VideoArchive
    prices: PriceTable

    async def execute(self, job_id: str) -> None:
        """Render ``job_id`` if it is waiting for its video; otherwise do nothing."""
        loaded = await self._load(job_id)
        if loaded is None:
            return
        job, request = loaded
        state = {"cancelled": False}

        async def report(done: int, total: int, message: str) -> None:
            state["cancelled"] = not await self._progress(job_id, done, total, message)

        try:
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

    async def _load(self, job_id: str) -> tuple[Job, RenderRequest] | None:
        async with self.uow() as uow:
            job = await uow.jobs.get_any(job_id)
            if job is None or job.status != JobStatus.VIDEO_PROCESSING:
                return None
            scenes = await uow.scenes.list_for_job(job.id)
            asset_ids = [a for s in scenes for a in s.asset_ids]
            assets = await uow.assets.get_many(job.owner_id, asset_ids)
            client = await uow.clients.get(job.owner_id, job.client_id)
            job.progress = progress("rendering", 60, f"Rendering {len(scenes)} scenes", 4)
            job.updated_at = self.clock.now()
            await uow.jobs.update(job)
            await uow.commit()
        colors = client.brand_guidelines.colors if client else ()
        return job, render_request(job, scenes, assets, colors)

    async def _progress(self, job_id: str, done: int, total: int, message: str) -> bool:
        """Record progress; False when the job is no longer rendering (cancelled)."""
        async with self.uow() as uow:
            job = await uow.jobs.get_any(job_id)
            if job is None or job.status != JobStatus.VIDEO_PROCESSING:
                return False
            percent = 60 + int(35 * done / max(total, 1))
            job.progress = progress("rendering", percent, message or f"Rendered scene {done} of {total}", 4)
            job.updated_at = self.clock.now()
            await uow.jobs.update(job)
            await uow.commit()
            return True

    async def _complete(self, job_id: str, asset: Asset, duration: float) -> bool:
        async with self.uow() as uow:
            job = await uow.jobs.get_any(job_id)
            if job is None or job.status != JobStatus.VIDEO_PROCESSING:
                return False
            job.video_asset_id = asset.id
            job.video_duration = round(duration, 3)
            job.cost.charge("video_rendering", render_cost(duration, self.prices))
            move(job, JobAction.RENDER_FINISHED, self.clock)
            await uow.jobs.update(job)
            await uow.commit()
            return True
