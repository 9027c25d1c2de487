"""SPEC §5's table of user actions, written out cell by cell: the oracle of the state tests.

This module is deliberately *not* derived from ``v3core.lifecycle``: it is the contract
copied by hand from SPEC §5, so a wrong transition in the code disagrees with it instead of
being mirrored by it. Tests (the project's and an adapter author's, through the workflow
machine) compare what the code does with ``expected(status, action)``.

Cells: ``Accepted(moves_to)`` (``✓ → X``; ``STAYS`` for ``✓ stays``; ``RETRY_TARGET`` for
``✓ → the step that failed``), or ``REFUSED`` (``409`` naming the state and the allowed
actions). ``Accepted.precondition`` names the documented reasons an allowed action may still
be refused (SPEC §4): no scenes, no feedback, a stale version, a missing scene, bad input.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

STATUSES: tuple[str, ...] = (
    "pending",
    "storyboard_processing",
    "storyboard_ready",
    "video_processing",
    "completed",
    "failed",
    "cancelled",
)
"""The statuses, exactly (SPEC §5: the frontend's enum)."""

ACTIONS: tuple[str, ...] = (
    "approve",
    "reject_storyboard",
    "regenerate_all_scenes",
    "regenerate_scene",
    "edit_scene",
    "delete_scene",
    "cancel",
    "retry",
)
"""The user actions of the table (the column "edit / delete scene" is split in two)."""

ACTION_ENDPOINT_ACTIONS: tuple[str, ...] = (
    "approve",
    "reject_storyboard",
    "regenerate_all_scenes",
    "regenerate_scene",
    "cancel",
    "retry",
)
"""The actions sent to ``POST /jobs/{id}/actions`` (edit and delete are the scene endpoints)."""

STAYS = "stays"
RETRY_TARGET = "the step that failed"


@attrs.frozen
class Accepted:
    """``✓``: the action is carried out and the job moves to ``moves_to``."""

    moves_to: str
    precondition: str | None = None
    """Why this allowed action may still be refused, as SPEC §4 documents it."""


@attrs.frozen
class Refused:
    """``409``: refused, naming the state and the allowed actions; nothing changes."""


REFUSED = Refused()
Outcome = Accepted | Refused

_ALL_409 = dict.fromkeys(ACTIONS, REFUSED)

TABLE: Mapping[str, Mapping[str, Outcome]] = {
    "pending": {**_ALL_409, "cancel": Accepted("cancelled")},
    "storyboard_processing": {**_ALL_409, "cancel": Accepted("cancelled")},
    "storyboard_ready": {
        "approve": Accepted("video_processing", precondition="409 with no scenes"),
        "reject_storyboard": Accepted("storyboard_processing", precondition="needs feedback"),
        "regenerate_all_scenes": Accepted("storyboard_processing"),
        "regenerate_scene": Accepted(STAYS, precondition="the scene exists; constraints are valid"),
        "edit_scene": Accepted(
            STAYS, precondition="the scene exists; valid fields; If-Match is the current version"
        ),
        "delete_scene": Accepted(STAYS, precondition="the scene exists"),
        "cancel": Accepted("cancelled"),
        "retry": REFUSED,
    },
    "video_processing": {**_ALL_409, "cancel": Accepted("cancelled")},
    "completed": dict(_ALL_409),
    "failed": {**_ALL_409, "retry": Accepted(RETRY_TARGET)},
    "cancelled": dict(_ALL_409),
}
"""SPEC §5, status by action → outcome."""

STEP_STATUSES: Mapping[str, frozenset[str]] = {
    "asset_import": frozenset({"pending", "storyboard_processing"}),
    "storyboard_generation": frozenset({"pending", "storyboard_processing"}),
    "media_generation": frozenset({"video_processing"}),
    "video_rendering": frozenset({"video_processing"}),
}
"""Where ``retry`` resumes (SPEC §1 steps 1-4): the statuses in which each step runs."""

TERMINAL: frozenset[str] = frozenset({"completed", "failed", "cancelled"})
"""No work happens on its own from these (SPEC §5: cancel is refused there)."""

PROCESSING: frozenset[str] = frozenset({"pending", "storyboard_processing", "video_processing"})
"""Statuses a job leaves by itself while its adapters work (SPEC §5, liveness)."""


def expected(status: str, action: str) -> Outcome:
    """The table's cell for ``status`` and ``action``."""
    return TABLE[status][action]


def allowed(status: str) -> frozenset[str]:
    """The actions SPEC §5 accepts in ``status``."""
    return frozenset(a for a, outcome in TABLE[status].items() if isinstance(outcome, Accepted))


def allowed_on_the_actions_endpoint(status: str) -> frozenset[str]:
    """The ``POST /jobs/{id}/actions`` names accepted in ``status`` (what a 409 lists)."""
    return allowed(status) & frozenset(ACTION_ENDPOINT_ACTIONS)


def target(status: str, action: str, failed_step: str | None = None) -> frozenset[str]:
    """The statuses the job may be in right after ``action`` was accepted in ``status``."""
    outcome = expected(status, action)
    if not isinstance(outcome, Accepted):
        raise ValueError(f"{action} is refused in {status}")
    if outcome.moves_to == STAYS:
        return frozenset({status})
    if outcome.moves_to == RETRY_TARGET:
        if failed_step is None or failed_step not in STEP_STATUSES:
            raise ValueError(f"retry needs the failed step, got {failed_step!r}")
        return STEP_STATUSES[failed_step]
    return frozenset({outcome.moves_to})
