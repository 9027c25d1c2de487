"""Reading and changing scenes while the storyboard is in review."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from v3core.costs import PriceTable
from v3core.errors import StaleVersion, ValidationFailed
from v3core.lifecycle import JobAction, next_status
from v3core.model import BrandGuidelines, Job, JobCost, Scene
from v3core.patching import merge_patch
from v3core.planning import (
    MIN_SCENE_SECONDS,
    normalise_scene,
    normalise_shot_type,
    normalise_transition,
    validate_constraints,
)
from v3core.ports.planner import PlanMode, PlanRequest, ScenePlanner
from v3core.ports.storage import UnitOfWork, UnitOfWorkFactory
from v3core.ports.system import Clock
from v3core.services.clients import load_client
from v3core.services.jobs.ai import plan_with_repair
from v3core.services.jobs.common import add_costs, load_job, load_scene, plan_assets, to_draft
from v3core.services.jobs.frames import StoryboardFrames
from v3core.services.jobs.media import SceneMedia
from v3core.storyboard import PlanningRules, SceneDraft


def _ensure_reviewable(job: Job, action: JobAction) -> None:
    next_status(job.status, action)


@attrs.frozen
class ListScenes:
    """The scenes of one of the owner's jobs, ordered by number."""

    uow: UnitOfWorkFactory

    async def execute(self, owner_id: str, job_id: str) -> tuple[Scene, ...]:
        """Scenes in order (empty before planning finished)."""
        async with self.uow() as uow:
            job = await load_job(uow, owner_id, job_id)
            return tuple(await uow.scenes.list_for_job(job.id))

    async def one(self, owner_id: str, job_id: str, scene_ref: str) -> Scene:
        """One scene by id or number."""
        async with self.uow() as uow:
            job = await load_job(uow, owner_id, job_id)
            return await load_scene(uow, job, scene_ref)


@attrs.frozen
class EditSceneCommand:
    """A partial update of a scene, guarded by ``expected_version`` when the caller sent one."""

    owner_id: str
    job_id: str
    scene_ref: str
    changes: Mapping[str, Any]
    expected_version: int | None = None


def _text(changes: Mapping[str, Any], key: str) -> str:
    """The string sent for ``key``, stripped (may be empty)."""
    value = changes[key]
    if not isinstance(value, str):
        raise ValidationFailed.at((key,), "Input should be a string", "string_type")
    return value.strip()


def _filled(changes: Mapping[str, Any], key: str) -> str:
    """The string sent for ``key``, stripped; refused when blank."""
    value = _text(changes, key)
    if not value:
        raise ValidationFailed.at((key,), "String should not be empty", "string_too_short")
    return value


def _edited(scene: Scene, changes: Mapping[str, Any], job: Job) -> dict[str, Any]:
    updates: dict[str, Any] = {}
    if "duration" in changes:
        value = changes["duration"]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not MIN_SCENE_SECONDS <= value <= 120
        ):
            message = f"Duration must be a number of seconds from {MIN_SCENE_SECONDS:g} to 120"
            raise ValidationFailed.at(("duration",), message, "range")
        updates["duration"] = round(float(value), 2)
    if "description" in changes:
        updates["description"] = _filled(changes, "description")
    if "script" in changes:
        updates["script"] = _text(changes, "script")
    if "shotType" in changes:
        updates["shot_type"] = normalise_shot_type(_filled(changes, "shotType"))
    if "transition" in changes:
        updates["transition"] = normalise_transition(_filled(changes, "transition"))
    if "assets" in changes:
        updates["asset_ids"] = _asset_ids(changes["assets"], job)
    if "metadata" in changes:
        if not isinstance(changes["metadata"], Mapping):
            raise ValidationFailed.at(("metadata",), "Input should be an object", "object_type")
        updates["metadata"] = merge_patch(scene.metadata, changes["metadata"])
    return updates


def _asset_ids(value: Any, job: Job) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed.at(("assets",), "Input should be a list of asset ids", "list_type")
    for index, asset_id in enumerate(value):
        if asset_id not in job.asset_ids:
            raise ValidationFailed.at(
                ("assets", index), f"asset {asset_id!r} is not one of this job's assets"
            )
    return tuple(dict.fromkeys(value))


async def _save(uow: UnitOfWork, scene: Scene, updates: Mapping[str, Any], clock: Clock) -> Scene:
    changed = attrs.evolve(scene, **updates, version=scene.version + 1, updated_at=clock.now())
    await uow.scenes.update(changed, expected_version=scene.version)
    return changed


_VISUAL_FIELDS = ("description", "shot_type")
"""The fields a storyboard frame depends on."""


def _visual_change(scene: Scene, updates: Mapping[str, Any]) -> bool:
    return any(key in updates and updates[key] != getattr(scene, key) for key in _VISUAL_FIELDS)


async def _brand(uow: UnitOfWork, job: Job) -> BrandGuidelines:
    """The guidelines of the job's client (which exists while the job does: deleting a client
    with jobs is refused or cascades to them)."""
    return (await load_client(uow, job.owner_id, job.client_id)).brand_guidelines


@attrs.frozen
class EditScene:
    """A person's partial edit of a scene (no lost update: stale versions get 409).

    Changing a visual field (description, shot type) redraws that scene's storyboard frame
    only, before the edit is saved, so the scene's version moves once.
    """

    uow: UnitOfWorkFactory
    clock: Clock
    media: SceneMedia | None = None

    async def execute(self, command: EditSceneCommand) -> Scene:
        """The scene with its new version."""
        frames = StoryboardFrames(self.media)
        async with self.uow() as uow:
            job = await load_job(uow, command.owner_id, command.job_id)
            _ensure_reviewable(job, JobAction.EDIT_SCENE)
            scene = await load_scene(uow, job, command.scene_ref)
            if command.expected_version is not None and command.expected_version != scene.version:
                raise StaleVersion("scene", scene.id, command.expected_version, scene.version)
            updates = _edited(scene, command.changes, job)
            if all(getattr(scene, name) == value for name, value in updates.items()):
                return scene  # nothing changed: the version stays
            if not (frames.enabled and _visual_change(scene, updates)):
                changed = await _save(uow, scene, updates, self.clock)
                await uow.commit()
                return changed
            brand = await _brand(uow, job)
        draft = to_draft(attrs.evolve(scene, **updates))
        updates["preview_asset_id"] = await frames.for_scene(job, brand, draft)
        async with self.uow() as uow:
            job = await load_job(uow, command.owner_id, command.job_id)
            _ensure_reviewable(job, JobAction.EDIT_SCENE)
            current = await load_scene(uow, job, scene.id)
            if current.version != scene.version:
                raise StaleVersion("scene", scene.id, scene.version, current.version)
            changed = await _save(uow, current, updates, self.clock)
            await uow.commit()
            return changed


@attrs.frozen
class DeleteScene:
    """Removes a scene; the other scenes keep their numbers."""

    uow: UnitOfWorkFactory
    clock: Clock

    async def execute(self, owner_id: str, job_id: str, scene_ref: str) -> Scene:
        """The deleted scene; deleting is allowed while in review (409 otherwise)."""
        async with self.uow() as uow:
            job = await load_job(uow, owner_id, job_id)
            _ensure_reviewable(job, JobAction.DELETE_SCENE)
            scene = await load_scene(uow, job, scene_ref)
            await uow.scenes.delete(job.id, scene.id)
            job.updated_at = self.clock.now()
            await uow.jobs.update(job)
            await uow.commit()
            return scene


@attrs.frozen
class RegenerateSceneCommand:
    """Replan one scene with optional feedback and constraints (raw camelCase mapping)."""

    owner_id: str
    job_id: str
    scene_ref: str
    feedback: str | None = None
    constraints: Mapping[str, Any] | None = None


@attrs.frozen
class RegenerateScene:
    """Replans one scene with the planner; the other scenes stay untouched."""

    uow: UnitOfWorkFactory
    clock: Clock
    planner: ScenePlanner
    rules: PlanningRules
    prices: PriceTable
    media: SceneMedia | None = None
    """Redraws the scene's storyboard frame when an image generator is wired."""

    async def execute(self, command: RegenerateSceneCommand) -> Scene:
        """The regenerated scene with its new version."""
        async with self.uow() as uow:
            job = await load_job(uow, command.owner_id, command.job_id)
            _ensure_reviewable(job, JobAction.REGENERATE_SCENE)
            scene = await load_scene(uow, job, command.scene_ref)
            scenes = await uow.scenes.list_for_job(job.id)
            assets = plan_assets(job, await uow.assets.get_many(job.owner_id, job.asset_ids))
            client = await load_client(uow, job.owner_id, job.client_id)
        brand = client.brand_guidelines
        constraints = validate_constraints(command.constraints, assets)
        current = tuple(to_draft(s) for s in scenes)
        request = PlanRequest(
            brief=job.brief,
            rules=self.rules,
            mode=PlanMode.SCENE,
            client_name=client.name,
            brand=brand,
            assets=assets,
            feedback=command.feedback,
            current_scenes=current,
            scene_number=scene.number,
            constraints=constraints,
        )

        def normalise(raw: object) -> SceneDraft:
            return normalise_scene(
                raw,
                brief=job.brief,
                rules=self.rules,
                assets=assets,
                current=current,
                number=scene.number,
                constraints=constraints,
            )

        spent = JobCost()
        draft = await plan_with_repair(self.planner, request, normalise, spent, self.prices)
        frames = StoryboardFrames(self.media)
        preview = await frames.for_scene(job, brand, draft) if frames.enabled else scene.preview_asset_id
        return await self._store(job, scene, draft, spent, preview)

    async def _store(
        self, planned: Job, scene: Scene, draft: SceneDraft, spent: JobCost, preview: str | None
    ) -> Scene:
        async with self.uow() as uow:
            job = await load_job(uow, planned.owner_id, planned.id)
            _ensure_reviewable(job, JobAction.REGENERATE_SCENE)
            updates = {
                "duration": draft.duration,
                "description": draft.description,
                "script": draft.script,
                "shot_type": draft.shot_type,
                "transition": draft.transition,
                "asset_ids": draft.asset_ids,
                "metadata": dict(draft.metadata),
                "preview_asset_id": preview,
            }
            changed = await _save(uow, scene, updates, self.clock)
            add_costs(job, spent)
            job.updated_at = self.clock.now()
            await uow.jobs.update(job)
            await uow.commit()
            return changed
