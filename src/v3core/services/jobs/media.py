"""One scene's generated media: its storyboard frame and its clip, made once per set of inputs.

``SceneMedia`` builds the scene's prompt (``v3core.media.prompts``), looks among the job's
stored generated assets for one with the same prompt hash (reused: never paid twice), and
otherwise calls the generator, stores the output as an asset of the job and charges the call
to ``cost.breakdown`` (``image_generation``, ``video_generation``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import attrs

from v3core.errors import RateLimited, StaleVersion
from v3core.media.prompts import ScenePrompt, SceneVisual, build_scene_prompt, prompt_hash
from v3core.model import Asset, AssetType, BrandGuidelines, Generation, Job, MediaKind, Scene
from v3core.ports.media import GeneratedMedia, ImageGenerator, ImageRequest, VideoGenerator, VideoRequest
from v3core.ports.storage import UnitOfWorkFactory
from v3core.ports.system import Clock
from v3core.services.jobs.common import reference_asset_ids
from v3core.services.jobs.ports import GeneratedMediaStore
from v3core.storyboard import SceneDraft

IMAGE_STEP = "image_generation"
VIDEO_STEP = "video_generation"
_UPDATE_ATTEMPTS = 20
RATE_LIMIT_RETRIES = 3
MAX_RATE_LIMIT_WAIT = 60.0


@attrs.frozen
class MediaGenerators:
    """The generation ports the composition root wired; ``None`` is the provider ``local``."""

    image: ImageGenerator | None = None
    video: VideoGenerator | None = None
    concurrency: int = 8
    """``MEDIA_CONCURRENCY``: generation calls at once per job."""

    @property
    def any(self) -> bool:
        """Whether any generator is set (otherwise the renderer draws procedural visuals)."""
        return self.image is not None or self.video is not None


def scene_visual(scene: Scene | SceneDraft) -> SceneVisual:
    """The fields of a scene its footage depends on."""
    return SceneVisual(scene.number, scene.description, scene.shot_type, scene.duration)


@attrs.frozen
class ScenePlan:
    """One scene's prompt and the hashes its frame and clip are stored under."""

    number: int
    prompt: ScenePrompt
    frame_hash: str | None
    clip_hash: str | None


def find_generated(existing: Sequence[Asset], kind: MediaKind, number: int, digest: str) -> Asset | None:
    """The newest stored output of ``kind`` for scene ``number`` made from inputs ``digest``."""
    for asset in reversed(existing):
        g = asset.generation
        if g is not None and g.kind == kind and g.scene_number == number and g.prompt_hash == digest:
            return asset
    return None


def frame_request(prompt: ScenePrompt, references: Sequence[str] = ()) -> ImageRequest:
    """The image request of a scene's frame; ``references`` are local paths of the brand's
    product and logo images to stay consistent with."""
    return ImageRequest(
        prompt=prompt.prompt,
        negative_prompt=prompt.negative_prompt,
        width=prompt.width,
        height=prompt.height,
        aspect_ratio=prompt.aspect_ratio,
        reference_images=tuple(references),
    )


def clip_request(prompt: ScenePrompt, first_frame: str | None) -> VideoRequest:
    """The video request of a scene's clip, starting on ``first_frame`` (a local path) if given."""
    return VideoRequest(
        prompt=prompt.prompt,
        negative_prompt=prompt.negative_prompt,
        duration=prompt.duration,
        aspect_ratio=prompt.aspect_ratio,
        width=prompt.width,
        height=prompt.height,
        first_frame=first_frame,
    )


@attrs.frozen
class SceneMedia:
    """Makes or reuses a scene's frame and clip and charges every call to its job."""

    uow: UnitOfWorkFactory
    clock: Clock
    store: GeneratedMediaStore
    generators: MediaGenerators

    def plan(self, job: Job, brand: BrandGuidelines, visual: SceneVisual) -> ScenePlan:
        """The scene's prompt at the job's aspect ratio and the hashes of its frame and clip."""
        prompt = build_scene_prompt(visual, job.brief, brand)
        image, video = self.generators.image, self.generators.video
        return ScenePlan(
            number=visual.number,
            prompt=prompt,
            frame_hash=None if image is None else prompt_hash(prompt, MediaKind.FRAME, image.model),
            clip_hash=None if video is None else prompt_hash(prompt, MediaKind.CLIP, video.model),
        )

    def frame_price(self, plan: ScenePlan, existing: Sequence[Asset]) -> float:
        """What making the scene's frame costs now (0 when it is stored already or not made)."""
        image = self.generators.image
        if image is None or plan.frame_hash is None:
            return 0.0
        if find_generated(existing, MediaKind.FRAME, plan.number, plan.frame_hash) is not None:
            return 0.0
        return image.price(frame_request(plan.prompt))

    def clip_price(self, plan: ScenePlan, existing: Sequence[Asset]) -> float:
        """What making the scene's clip costs now (0 when it is stored already or not made)."""
        video = self.generators.video
        if video is None or plan.clip_hash is None:
            return 0.0
        if find_generated(existing, MediaKind.CLIP, plan.number, plan.clip_hash) is not None:
            return 0.0
        return video.price(clip_request(plan.prompt, None))

    async def frame(self, job: Job, plan: ScenePlan, existing: Sequence[Asset]) -> Asset | None:
        """The scene's frame: the stored one with the same inputs, else a new one (one image call)."""
        image = self.generators.image
        if image is None or plan.frame_hash is None:
            return None
        found = find_generated(existing, MediaKind.FRAME, plan.number, plan.frame_hash)
        if found is not None:
            return found
        copies = [await self.store.local_copy(a) for a in await self._references(job)]
        try:
            request = frame_request(plan.prompt, [c.path for c in copies])
            media = await _patiently(lambda: image.generate(request))
        finally:
            for copy in copies:
                await self.store.release(copy)
        generation = Generation(
            MediaKind.FRAME, plan.number, media.provider, media.model, plan.frame_hash, media.cost
        )
        asset = await self.store.store(job, media, generation)
        await self.charge(job.id, IMAGE_STEP, media.cost)
        return asset

    async def clip(
        self, job: Job, plan: ScenePlan, existing: Sequence[Asset], first_frame: Asset | None
    ) -> Asset | None:
        """The scene's clip: the stored one with the same inputs, else a new one (one video call)
        starting on ``first_frame``."""
        video = self.generators.video
        if video is None or plan.clip_hash is None:
            return None
        found = find_generated(existing, MediaKind.CLIP, plan.number, plan.clip_hash)
        if found is not None:
            return found
        local = None if first_frame is None else await self.store.local_copy(first_frame)
        try:
            request = clip_request(plan.prompt, None if local is None else local.path)
            media = await _patiently(lambda: video.generate(request))
        finally:
            if local is not None:
                await self.store.release(local)
        generation = Generation(
            MediaKind.CLIP, plan.number, media.provider, media.model, plan.clip_hash, media.cost
        )
        asset = await self.store.store(job, media, generation)
        await self.charge(job.id, VIDEO_STEP, media.cost)
        return asset

    async def _references(self, job: Job) -> list[Asset]:
        """The brief's product-shot and logo images (``reference_asset_ids``), still stored.
        The brief never changes, so the frame's prompt hash need not include them."""
        ids = reference_asset_ids(job)
        if not ids:
            return []
        async with self.uow() as uow:
            found = await uow.assets.get_many(job.owner_id, ids)
        return [a for a in found if a.type == AssetType.IMAGE]

    async def charge(self, job_id: str, step: str, amount: float) -> None:
        """Add ``amount`` under ``step`` to the job's actual cost, whatever its status (the money
        was spent); concurrent charges of one job never lose each other."""

        def add(job: Job) -> bool:
            job.cost.charge(step, amount)
            return True

        await update_job(self.uow, self.clock, job_id, add)


async def _patiently(call: Callable[[], Awaitable[GeneratedMedia]]) -> GeneratedMedia:
    """``call()``, again after the wait a provider asked for when it answered "rate limited"
    (``RATE_LIMIT_RETRIES`` times at most, each wait capped at ``MAX_RATE_LIMIT_WAIT`` seconds)."""
    for attempt in range(RATE_LIMIT_RETRIES):
        try:
            return await call()
        except RateLimited as limited:
            wait = limited.retry_after if limited.retry_after is not None else 2.0**attempt
            await asyncio.sleep(min(max(wait, 0.0), MAX_RATE_LIMIT_WAIT))
    return await call()


async def update_job(
    uow_factory: UnitOfWorkFactory, clock: Clock, job_id: str, change: Callable[[Job], bool]
) -> bool:
    """Apply ``change`` to the stored job and save it, again on a fresh copy when a concurrent
    writer got there first (``StaleVersion``). ``change`` returns False to leave the job as it is;
    the result is what it returned (False too when the job is gone)."""
    for attempt in range(_UPDATE_ATTEMPTS):
        try:
            async with uow_factory() as uow:
                job = await uow.jobs.get_any(job_id)
                if job is None or not change(job):
                    return False
                job.updated_at = clock.now()
                await uow.jobs.update(job)
                await uow.commit()
                return True
        except StaleVersion:
            if attempt == _UPDATE_ATTEMPTS - 1:
                raise
    return False
