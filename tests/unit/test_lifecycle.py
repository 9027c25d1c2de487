"""The job state machine: examples that read as the spec."""

import pytest

from v3core.errors import IllegalTransition
from v3core.lifecycle import JobAction, allowed_actions, next_status, parse_action
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
    from v3core.lifecycle import parse_status

    assert parse_status("storyboard_review") is JobStatus.STORYBOARD_READY
    assert parse_status("RENDERING") is JobStatus.VIDEO_PROCESSING
    assert parse_status("in_progress") is JobStatus.VIDEO_PROCESSING
    assert parse_status("completed") is JobStatus.COMPLETED
