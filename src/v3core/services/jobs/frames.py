"""Storyboard frames: one generated still per scene when an image provider is set (SPEC §8).

Reviewers see the look before approving (``scene.previewUrl``); the frame is also the first
frame of the scene's clip. Frames are reused by prompt hash, so replanning or editing one scene
makes one image call for that scene only. A frame that cannot be made leaves the scene without
a preview (the render makes it, and fails loudly if the provider still fails); a storyboard
whose frames would exceed ``advanced.maxCost`` fails before any call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import attrs

from v3core.media.budget import check_budget
from v3core.model import Asset, BrandGuidelines, Job
from v3core.services.jobs.media import SceneMedia, scene_visual
from v3core.storyboard import SceneDraft


@attrs.frozen
class StoryboardFrames:
    """Makes (or reuses) the storyboard frames of a job's scenes."""

    media: SceneMedia | None

    @property
    def enabled(self) -> bool:
        """Whether an image generator is wired (``IMAGE_PROVIDER`` other than ``local``)."""
        return self.media is not None and self.media.generators.image is not None

    async def for_drafts(
        self, job: Job, brand: BrandGuidelines, drafts: Sequence[SceneDraft]
    ) -> dict[int, str]:
        """The frame asset id of each draft by scene number (drafts whose frame failed are left out).

        Raises ``BudgetExceeded`` before any call when the new frames would pass ``maxCost``.
        """
        media = self.media
        if media is None or not self.enabled or not drafts:
            return {}
        existing = await self._existing(job)
        plans = [media.plan(job, brand, scene_visual(d)) for d in drafts]
        check_budget(job, "storyboard frames", sum(media.frame_price(p, existing) for p in plans))
        limit = asyncio.Semaphore(max(1, media.generators.concurrency))

        async def one(index: int) -> Asset | None:
            async with limit:
                return await media.frame(job, plans[index], existing)

        results = await asyncio.gather(*(one(i) for i in range(len(plans))), return_exceptions=True)
        return {p.number: r.id for p, r in zip(plans, results, strict=True) if isinstance(r, Asset)}

    async def for_scene(self, job: Job, brand: BrandGuidelines, draft: SceneDraft) -> str | None:
        """The frame asset id for one scene's current visual fields; ``None`` when it cannot be
        made (provider failure, or the call would pass ``maxCost``)."""
        media = self.media
        if media is None or not self.enabled:
            return None
        try:
            existing = await self._existing(job)
            plan = media.plan(job, brand, scene_visual(draft))
            check_budget(job, "a storyboard frame", media.frame_price(plan, existing))
            frame = await media.frame(job, plan, existing)
        except Exception:  # a preview is a review aid: its failure never blocks the edit
            return None
        return None if frame is None else frame.id

    async def _existing(self, job: Job) -> list[Asset]:
        assert self.media is not None
        async with self.media.uow() as uow:
            return list(await uow.assets.list_for_job(job.owner_id, job.id))
