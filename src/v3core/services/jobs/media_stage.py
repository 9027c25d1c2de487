"""The media stage of a render: generate the footage of every scene that has none assigned.

With a video generator each such scene gets a clip (first frame = its storyboard frame when an
image generator is set); with only an image generator an image the renderer animates; with
neither nothing (the renderer draws procedural visuals). Scenes run concurrently, at most
``MediaGenerators.concurrency`` at once; outputs already stored with the same prompt hash are
reused, so a retry after one failed scene makes exactly one new call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import attrs

from v3core.errors import DomainError, StorageUnavailable
from v3core.media.budget import check_budget
from v3core.model import Asset, BrandGuidelines, Job, Scene
from v3core.services.jobs.media import SceneMedia, ScenePlan, scene_visual

StageReport = Callable[[int, int, str], Awaitable[bool]]
"""``(scenes_done, scenes_total, message)``; answers False once the job stopped (cancelled)."""


class SceneMediaFailed(DomainError):
    """A generation call failed; the message names the scene(s) and the reason."""

    code = "media_generation_failed"

    def __init__(self, failures: Sequence[tuple[int, BaseException]]) -> None:
        ordered = sorted(failures, key=lambda f: f[0])
        parts = [f"scene {number}: {media_failure_reason(error)}" for number, error in ordered]
        super().__init__("media generation failed for " + "; ".join(parts))
        self.scene_numbers = tuple(sorted(number for number, _ in failures))


def media_failure_reason(error: BaseException) -> str:
    """Why a generation call failed, in words (a domain error keeps its code)."""
    if isinstance(error, DomainError):
        return f"{error.message} ({error.code})"
    return f"{type(error).__name__}: {error}"


class StageCancelled(Exception):
    """The job stopped while its media were being generated; in-flight calls were cancelled."""


@attrs.frozen
class MediaStage:
    """Generates the missing scene media of a job about to be rendered."""

    media: SceneMedia

    async def run(
        self,
        job: Job,
        scenes: Sequence[Scene],
        brand: BrandGuidelines,
        existing: Sequence[Asset],
        report: StageReport,
    ) -> dict[int, Asset]:
        """The visual of each scene in ``scenes`` by number (scenes with an assigned visual are
        left out by the caller).

        Raises ``BudgetExceeded`` before any call when the missing media would take the job past
        its ``maxCost``; ``SceneMediaFailed`` once every scene settled when any call failed
        (what succeeded is stored and kept); ``StageCancelled`` when ``report`` says the job
        stopped (the other calls are cancelled).
        """
        plans = [self.media.plan(job, brand, scene_visual(s)) for s in scenes]
        price = sum(self._price(p, existing) for p in plans)
        check_budget(job, "media generation", price)
        if not plans:
            return {}
        limit = asyncio.Semaphore(max(1, self.media.generators.concurrency))
        done = 0
        stopped = False
        tasks: list[asyncio.Task[Asset | None]] = []

        async def one(plan: ScenePlan) -> Asset | None:
            nonlocal done, stopped
            async with limit:
                frame = await self.media.frame(job, plan, existing)
                clip = await self.media.clip(job, plan, existing, frame)
            done += 1
            if not await report(done, len(plans), f"Generated the footage of scene {plan.number}"):
                stopped = True
                for task in tasks:
                    if task is not asyncio.current_task():
                        task.cancel()
            return clip or frame

        tasks.extend(asyncio.create_task(one(p), name=f"media:{job.id}:{p.number}") for p in plans)
        results = await asyncio.gather(*tasks, return_exceptions=True)
        if stopped:
            raise StageCancelled(job.id)
        failures = [
            (plan.number, result)
            for plan, result in zip(plans, results, strict=True)
            if isinstance(result, BaseException)
        ]
        outage = next((e for _, e in failures if isinstance(e, StorageUnavailable)), None)
        if outage is not None:
            raise outage  # the step is retried; media already stored are reused then
        if failures:
            raise SceneMediaFailed(failures)
        return {p.number: r for p, r in zip(plans, results, strict=True) if isinstance(r, Asset)}

    def _price(self, plan: ScenePlan, existing: Sequence[Asset]) -> float:
        return self.media.frame_price(plan, existing) + self.media.clip_price(plan, existing)
