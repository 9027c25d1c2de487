"""User actions on a job: approve, reject, regenerate all or one, cancel, retry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from v3core.errors import Conflict, StaleVersion, ValidationFailed
from v3core.lifecycle import JobAction, next_status, parse_action
from v3core.model import Job, JobStatus, Scene
from v3core.ports.storage import UnitOfWorkFactory
from v3core.ports.system import Clock
from v3core.ports.tasks import TaskKind, TaskRunner
from v3core.services.jobs.common import load_job, move, progress
from v3core.services.jobs.create import JobView
from v3core.services.jobs.scenes import RegenerateScene, RegenerateSceneCommand


@attrs.frozen
class JobActionCommand:
    """``POST /jobs/{id}/actions``: an action name and its fields (flat or under ``payload``)."""

    owner_id: str
    job_id: str
    action: str
    fields: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class ActionResult:
    """The job after the action, and the regenerated scene for ``regenerate_scene``."""

    view: JobView
    scene: Scene | None = None


def _feedback(fields: Mapping[str, Any], required: bool) -> str | None:
    value = fields.get("feedback")
    if value is not None and not isinstance(value, str):
        raise ValidationFailed.at(("feedback",), "Input should be a string", "string_type")
    text = value.strip() if value else None
    if required and not text:
        raise ValidationFailed.at(("feedback",), "say what to change when rejecting a storyboard", "missing")
    return text


_NEXT_TASK = {JobStatus.VIDEO_PROCESSING: TaskKind.RENDER_VIDEO}
_ATTEMPTS = 10


@attrs.frozen
class ApplyJobAction:
    """Moves a job through the state machine on a person's request."""

    uow: UnitOfWorkFactory
    clock: Clock
    tasks: TaskRunner
    regenerate_scene: RegenerateScene

    async def execute(self, command: JobActionCommand) -> ActionResult:
        """Apply the action; ``IllegalTransition`` (409) names the state and the allowed actions."""
        action = parse_action(command.action)
        fields = _merge_payload(command.fields)
        if action == JobAction.REGENERATE_SCENE:
            return await self._regenerate_one(command, fields)
        for attempt in range(_ATTEMPTS):
            try:
                async with self.uow() as uow:
                    job = await load_job(uow, command.owner_id, command.job_id)
                    scenes = tuple(await uow.scenes.list_for_job(job.id))
                    self._apply(job, action, fields, scenes)
                    await uow.jobs.update(job)
                    await uow.commit()
                break
            except StaleVersion:
                # Background work (progress, a charge) wrote the job meanwhile: the action is
                # checked again against the fresh state, never refused for that write.
                if attempt == _ATTEMPTS - 1:
                    raise
        await self._follow_up(job, action)
        return ActionResult(JobView(job=job, scenes=scenes, created=False))

    def _apply(
        self, job: Job, action: JobAction, fields: Mapping[str, Any], scenes: tuple[Scene, ...]
    ) -> None:
        if action == JobAction.APPROVE:
            if job.status == JobStatus.STORYBOARD_READY and not scenes:
                raise Conflict("a storyboard without scenes cannot be approved; regenerate it first")
            move(job, action, self.clock, progress("queued_for_render", 55, "Approved; waiting to render", 4))
        elif action in (JobAction.REJECT_STORYBOARD, JobAction.REGENERATE_ALL_SCENES):
            next_status(job.status, action)  # a 409 for the state comes before a 422 for the input
            feedback = _feedback(fields, required=action == JobAction.REJECT_STORYBOARD)
            move(job, action, self.clock, progress("planning", 20, "Replanning the storyboard", 2))
            job.feedback = feedback
        elif action == JobAction.CANCEL:
            move(
                job,
                action,
                self.clock,
                progress("cancelled", job.progress.percent, "Cancelled", job.progress.current_step),
            )
        elif action == JobAction.RETRY:
            move(
                job,
                action,
                self.clock,
                progress(
                    "retrying", job.progress.percent, "Retrying the failed step", job.progress.current_step
                ),
            )
            job.error = None

    async def _follow_up(self, job: Job, action: JobAction) -> None:
        if action == JobAction.CANCEL:
            await self.tasks.cancel(job.id)
            return
        await self.tasks.submit(_NEXT_TASK.get(job.status, TaskKind.PLAN_STORYBOARD), job.id)

    async def _regenerate_one(self, command: JobActionCommand, fields: Mapping[str, Any]) -> ActionResult:
        ref = (
            fields.get("sceneId")
            or fields.get("scene_id")
            or fields.get("sceneNumber")
            or fields.get("scene_number")
        )
        if ref is None or isinstance(ref, bool) or not isinstance(ref, str | int):
            async with self.uow() as uow:
                job = await load_job(uow, command.owner_id, command.job_id)
            next_status(job.status, JobAction.REGENERATE_SCENE)  # the state's 409 first
            raise ValidationFailed.at(
                ("sceneId",), "give sceneId or sceneNumber of the scene to regenerate", "missing"
            )
        scene = await self.regenerate_scene.execute(
            RegenerateSceneCommand(
                owner_id=command.owner_id,
                job_id=command.job_id,
                scene_ref=str(ref),
                feedback=_feedback(fields, required=False),
                constraints=fields.get("constraints"),
            )
        )
        async with self.uow() as uow:
            job = await load_job(uow, command.owner_id, command.job_id)
            scenes = tuple(await uow.scenes.list_for_job(job.id))
        return ActionResult(JobView(job=job, scenes=scenes, created=False), scene=scene)


def _merge_payload(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Fields may come flat or inside ``payload`` (the older docs' form); flat ones win."""
    payload = fields.get("payload")
    merged: dict[str, Any] = dict(payload) if isinstance(payload, Mapping) else {}
    merged.update({k: v for k, v in fields.items() if k not in ("payload", "action")})
    return merged
