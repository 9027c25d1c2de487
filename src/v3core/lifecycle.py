"""The job state machine of SPEC §5 as an explicit transition table.

User actions (``approve``, ``cancel``...) and system events (``planning_started``,
``render_finished``...) are both ``JobAction`` members; ``USER_ACTIONS`` lists the
ones a person may ask for through the API.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping

from v3core.errors import IllegalTransition, ValidationFailed
from v3core.model import JobStatus


class JobAction(enum.StrEnum):
    """Everything that can move a job (or act on it without moving it)."""

    # user actions
    APPROVE = "approve"
    REJECT_STORYBOARD = "reject_storyboard"
    REGENERATE_ALL_SCENES = "regenerate_all_scenes"
    REGENERATE_SCENE = "regenerate_scene"
    EDIT_SCENE = "edit_scene"
    DELETE_SCENE = "delete_scene"
    CANCEL = "cancel"
    RETRY = "retry"
    # system events
    PLANNING_STARTED = "planning_started"
    PLANNING_FINISHED = "planning_finished"
    RENDER_FINISHED = "render_finished"
    FAIL = "fail"


class FailedStep(enum.StrEnum):
    """The steps a job can fail in; ``retry`` resumes from the one that failed."""

    ASSET_IMPORT = "asset_import"
    STORYBOARD_GENERATION = "storyboard_generation"
    MEDIA_GENERATION = "media_generation"
    VIDEO_RENDERING = "video_rendering"


USER_ACTIONS: frozenset[JobAction] = frozenset(
    {
        JobAction.APPROVE,
        JobAction.REJECT_STORYBOARD,
        JobAction.REGENERATE_ALL_SCENES,
        JobAction.REGENERATE_SCENE,
        JobAction.CANCEL,
        JobAction.RETRY,
    }
)

ACTION_ALIASES: Mapping[str, JobAction] = {
    "approve_storyboard": JobAction.APPROVE,
    "reject": JobAction.REJECT_STORYBOARD,
    "regenerate": JobAction.REGENERATE_SCENE,
    "regenerate_all": JobAction.REGENERATE_ALL_SCENES,
}


def _any_case(name: str) -> str:
    """``name`` as a regular expression matching it in any case, ``_`` also as ``-`` or space."""
    return "".join(
        "[-_ ]" if c == "_" else f"[{c}{c.upper()}]" if c.isalpha() else re.escape(c) for c in name
    )


ACTION_NAMES: tuple[str, ...] = tuple(sorted({a.value for a in USER_ACTIONS} | set(ACTION_ALIASES)))
"""The action names ``POST /jobs/{id}/actions`` accepts (aliases included), in lower case."""
ACTION_NAME_PATTERN = "^[ \\t\\r\\n]*(?:" + "|".join(_any_case(n) for n in ACTION_NAMES) + ")[ \\t\\r\\n]*$"
"""Exactly the spellings ``parse_action`` accepts: a name of ``ACTION_NAMES`` in any case,
``-`` or a space for ``_``, surrounding blanks ignored. A regular expression both Python and
JSON Schema (ECMA 262) read alike: the OpenAPI document declares it."""

S = JobStatus
A = JobAction
_NON_TERMINAL = (S.PENDING, S.STORYBOARD_PROCESSING, S.STORYBOARD_READY, S.VIDEO_PROCESSING)

TRANSITIONS: Mapping[tuple[JobStatus, JobAction], JobStatus] = {
    (S.PENDING, A.PLANNING_STARTED): S.STORYBOARD_PROCESSING,
    (S.STORYBOARD_PROCESSING, A.PLANNING_STARTED): S.STORYBOARD_PROCESSING,
    (S.STORYBOARD_PROCESSING, A.PLANNING_FINISHED): S.STORYBOARD_READY,
    (S.STORYBOARD_READY, A.APPROVE): S.VIDEO_PROCESSING,
    (S.STORYBOARD_READY, A.REJECT_STORYBOARD): S.STORYBOARD_PROCESSING,
    (S.STORYBOARD_READY, A.REGENERATE_ALL_SCENES): S.STORYBOARD_PROCESSING,
    (S.STORYBOARD_READY, A.REGENERATE_SCENE): S.STORYBOARD_READY,
    (S.STORYBOARD_READY, A.EDIT_SCENE): S.STORYBOARD_READY,
    (S.STORYBOARD_READY, A.DELETE_SCENE): S.STORYBOARD_READY,
    (S.VIDEO_PROCESSING, A.RENDER_FINISHED): S.COMPLETED,
    (S.PENDING, A.FAIL): S.FAILED,
    (S.STORYBOARD_PROCESSING, A.FAIL): S.FAILED,
    (S.VIDEO_PROCESSING, A.FAIL): S.FAILED,
    **{(status, A.CANCEL): S.CANCELLED for status in _NON_TERMINAL},
}

_RETRY_TARGET: Mapping[FailedStep, JobStatus] = {
    FailedStep.ASSET_IMPORT: S.PENDING,
    FailedStep.STORYBOARD_GENERATION: S.STORYBOARD_PROCESSING,
    FailedStep.MEDIA_GENERATION: S.VIDEO_PROCESSING,
    FailedStep.VIDEO_RENDERING: S.VIDEO_PROCESSING,
}


STATUS_ALIASES: Mapping[str, JobStatus] = {
    "storyboard_review": JobStatus.STORYBOARD_READY,
    "in_progress": JobStatus.VIDEO_PROCESSING,
    "rendering": JobStatus.VIDEO_PROCESSING,
}
"""The older docs' status names (``progress.stage`` tells rendering apart)."""


def parse_status(name: str) -> JobStatus:
    """The status named by ``name`` (case-insensitive; the older names accepted)."""
    key = name.strip().lower()
    if key in STATUS_ALIASES:
        return STATUS_ALIASES[key]
    try:
        return JobStatus(key)
    except ValueError:
        known = ", ".join(s.value for s in JobStatus)
        raise ValidationFailed.at(("query", "status"), f"unknown status {name!r}; known: {known}") from None


_USER_ACTIONS_BY_NAME: Mapping[str, JobAction] = {a.value: a for a in USER_ACTIONS}


def parse_action(name: str) -> JobAction:
    """The user action named by ``name`` (case-insensitive, aliases accepted)."""
    if re.fullmatch(ACTION_NAME_PATTERN, name) is None:
        known = ", ".join(sorted(_USER_ACTIONS_BY_NAME))
        raise ValidationFailed.at(("action",), f"unknown action {name!r}; known actions: {known}")
    key = name.strip(" \t\r\n").lower().replace("-", "_").replace(" ", "_")
    if key in ACTION_ALIASES:
        return ACTION_ALIASES[key]
    action = _USER_ACTIONS_BY_NAME.get(key)
    if action is None:  # pragma: no cover - the pattern admits only known names
        known = ", ".join(sorted(_USER_ACTIONS_BY_NAME))
        raise ValidationFailed.at(("action",), f"unknown action {name!r}; known actions: {known}")
    return action


def allowed_actions(status: JobStatus) -> list[str]:
    """The user actions allowed in ``status``, sorted by name."""
    allowed = {a for (s, a) in TRANSITIONS if s == status and a in USER_ACTIONS}
    if status == S.FAILED:
        allowed.add(A.RETRY)
    return sorted(a.value for a in allowed)


def next_status(status: JobStatus, action: JobAction, failed_step: str | None = None) -> JobStatus:
    """The status after ``action``; raises ``IllegalTransition`` when it is not allowed.

    ``retry`` is only allowed from ``failed`` and resumes from ``failed_step``.
    """
    if action == A.RETRY and status == S.FAILED:
        try:
            return _RETRY_TARGET[FailedStep(failed_step or FailedStep.STORYBOARD_GENERATION)]
        except ValueError:
            return S.STORYBOARD_PROCESSING
    target = TRANSITIONS.get((status, action))
    if target is None:
        raise IllegalTransition(status.value, action.value, allowed_actions(status))
    return target
