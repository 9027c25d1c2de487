"""The job state machine: examples that read as the spec."""

import pytest

from v3core.errors import IllegalTransition, ValidationFailed
from v3core.lifecycle import JobAction, allowed_actions, next_status, parse_action, parse_status
from v3core.model import JobStatus


def test_approving_a_ready_storyboard_starts_rendering() -> None:
    assert next_status(JobStatus.STORYBOARD_READY, JobAction.APPROVE) is JobStatus.VIDEO_PROCESSING


def test_an_illegal_action_names_the_state_and_the_allowed_actions() -> None:
    with pytest.raises(IllegalTransition) as caught:
        next_status(JobStatus.COMPLETED, JobAction.APPROVE)
    assert "completed" in str(caught.value)
    assert caught.value.allowed == ()


def test_retry_resumes_from_the_step_that_failed() -> None:
    assert next_status(JobStatus.FAILED, JobAction.RETRY, "video_rendering") is JobStatus.VIDEO_PROCESSING
    assert next_status(JobStatus.FAILED, JobAction.RETRY, "asset_import") is JobStatus.PENDING


def test_action_names_are_case_insensitive_and_accept_the_old_aliases() -> None:
    assert parse_action("APPROVE_STORYBOARD") is JobAction.APPROVE
    assert parse_action("Reject") is JobAction.REJECT_STORYBOARD


def test_cancel_is_allowed_in_every_non_terminal_state() -> None:
    for status in JobStatus:
        assert ("cancel" in allowed_actions(status)) is (not status.is_terminal)


def test_the_older_status_names_map_to_the_current_ones() -> None:
    assert parse_status("storyboard_review") is JobStatus.STORYBOARD_READY
    assert parse_status("RENDERING") is JobStatus.VIDEO_PROCESSING
    assert parse_status("in_progress") is JobStatus.VIDEO_PROCESSING
    assert parse_status("completed") is JobStatus.COMPLETED


# SPEC §4 and §5 written out: the actions a user may ask for and the seven statuses, in order.
USER_ACTION_NAMES = "approve, cancel, regenerate_all_scenes, regenerate_scene, reject_storyboard, retry"
STATUS_NAMES = (
    "pending, storyboard_processing, storyboard_ready, video_processing, completed, failed, cancelled"
)


@pytest.mark.parametrize("name", ["publish", "render_finished", "planning_started", "fail", "edit_scene", ""])
def test_an_unknown_or_internal_action_is_refused_at_the_action_field_naming_the_known_ones(
    name: str,
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_action(name)
    (detail,) = caught.value.details
    assert detail.loc == ("action",)
    assert detail.msg == f"unknown action {name!r}; known actions: {USER_ACTION_NAMES}"


@pytest.mark.parametrize(
    ("name", "action"),
    [
        (" Approve ", JobAction.APPROVE),
        ("regenerate-all-scenes", JobAction.REGENERATE_ALL_SCENES),
        ("Regenerate Scene", JobAction.REGENERATE_SCENE),
        ("CANCEL", JobAction.CANCEL),
        ("retry", JobAction.RETRY),
        ("regenerate", JobAction.REGENERATE_SCENE),
    ],
)
def test_action_names_ignore_case_and_accept_dashes_or_spaces_for_underscores(
    name: str, action: JobAction
) -> None:
    assert parse_action(name) is action


def test_an_unknown_status_filter_is_refused_at_the_query_naming_the_seven_statuses() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_status("done")
    (detail,) = caught.value.details
    assert detail.loc == ("query", "status")
    assert detail.msg == f"unknown status 'done'; known: {STATUS_NAMES}"


def test_a_refused_action_names_the_action_the_state_and_what_is_allowed() -> None:
    with pytest.raises(IllegalTransition) as caught:
        next_status(JobStatus.STORYBOARD_READY, JobAction.RETRY)
    refused = caught.value
    assert (refused.status, refused.action) == ("storyboard_ready", "retry")
    assert refused.allowed == (
        "approve",
        "cancel",
        "regenerate_all_scenes",
        "regenerate_scene",
        "reject_storyboard",
    )
    assert "'retry'" in str(refused)
    assert "'storyboard_ready'" in str(refused)
