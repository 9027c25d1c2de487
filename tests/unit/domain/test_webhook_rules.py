"""Webhook rules (SPEC §11): what an endpoint may subscribe to, the retry schedule, and how an
attempt's outcome moves a delivery."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest

from v3core.errors import ValidationFailed
from v3core.events import JobEvent
from v3core.webhooks import (
    DEFAULT_RETRY_DELAYS,
    AttemptOutcome,
    DeliveryState,
    RetrySchedule,
    Webhook,
    new_delivery,
    record_attempt,
    restart,
    validate_endpoint,
)

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
SPEC_EVENTS = ["job.storyboard_ready", "job.completed", "job.failed", "job.cancelled", "job.*"]


def endpoint(*events: str) -> Webhook:
    return Webhook("w1", "u1", "https://hooks.example/x", events, None, "whsec_x", NOW, NOW)


def event(type_: str = "job.completed", seq: int = 7) -> JobEvent:
    return JobEvent("job-1", "u1", seq, type_, {"id": "job-1", "status": "completed"}, NOW)


@pytest.mark.parametrize("events", [[e] for e in SPEC_EVENTS] + [SPEC_EVENTS])
def test_every_event_type_of_the_spec_may_be_subscribed(events: list[str]) -> None:
    assert validate_endpoint("https://hooks.example/x", events, None) == tuple(events)


def test_duplicate_events_are_kept_once() -> None:
    assert validate_endpoint("https://h.example", ["job.failed", "job.failed"], None) == ("job.failed",)


@pytest.mark.parametrize(
    ("url", "events", "locs"),
    [
        ("ftp://h.example/x", ["job.completed"], [("url",)]),
        ("https:///nohost", ["job.completed"], [("url",)]),
        ("not a url", ["job.completed"], [("url",)]),
        ("https://user:pw@h.example/x", ["job.completed"], [("url",)]),
        ("https://h.example/x", [], [("events",)]),
        ("https://h.example/x", ["job.created"], [("events", 0)]),
        ("javascript:alert(1)", ["job.completed", "job.progress"], [("url",), ("events", 1)]),
    ],
)
def test_bad_endpoints_are_refused_naming_each_field(
    url: str, events: list[str], locs: list[tuple[object, ...]]
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        validate_endpoint(url, events, None)
    assert [d.loc for d in refused.value.details] == locs


@pytest.mark.parametrize(
    ("subscribed", "wanted", "unwanted"),
    [
        (
            ("job.*",),
            ["job.storyboard_ready", "job.completed", "job.failed", "job.cancelled"],
            ["job.progress"],
        ),
        (("job.completed",), ["job.completed"], ["job.failed", "job.storyboard_ready"]),
    ],
)
def test_an_endpoint_wants_what_it_subscribed_to(
    subscribed: tuple[str, ...], wanted: list[str], unwanted: list[str]
) -> None:
    hook = endpoint(*subscribed)
    assert all(hook.wants(t) for t in wanted)
    assert not any(hook.wants(t) for t in unwanted)


def test_the_default_schedule_makes_at_least_five_attempts_over_about_an_hour() -> None:
    schedule = RetrySchedule(DEFAULT_RETRY_DELAYS, jitter=0)
    assert schedule.max_attempts >= 5
    total = sum(d for n in range(1, schedule.max_attempts) if (d := schedule.delay_after(n, "d")) is not None)
    assert timedelta(minutes=45) <= timedelta(seconds=total) <= timedelta(minutes=90)
    waits = [schedule.delay_after(n, "d") for n in range(1, schedule.max_attempts)]
    assert all(b is not None and a is not None and b > a for a, b in itertools.pairwise(waits))


def test_jitter_spreads_waits_within_its_fraction_and_is_stable_per_delivery() -> None:
    schedule = RetrySchedule((100.0,), jitter=0.1)
    waits = {schedule.delay_after(1, f"delivery-{n}") for n in range(50)}
    assert all(w is not None and 90 <= w <= 110 for w in waits)
    assert len(waits) > 10
    assert schedule.delay_after(1, "same") == schedule.delay_after(1, "same")


def test_the_body_is_a_standard_webhooks_payload_with_the_job() -> None:
    delivery = new_delivery("d1", endpoint("job.*"), event(), NOW)
    body = json.loads(delivery.body)
    assert body == {
        "type": "job.completed",
        "timestamp": "2026-12-02T06:00:00.000Z",
        "data": {"id": "job-1", "status": "completed", "jobId": "job-1", "seq": 7},
    }
    assert delivery.message_id == "msg_d1"
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (DeliveryState.PENDING, 0, NOW)


def test_a_2xx_settles_the_delivery() -> None:
    delivery = new_delivery("d1", endpoint("job.*"), event(), NOW)
    assert record_attempt(delivery, AttemptOutcome(204), RetrySchedule((5.0,)), NOW) is None
    assert (delivery.state, delivery.attempts, delivery.delivered_at) == (DeliveryState.SUCCEEDED, 1, NOW)
    assert delivery.last_error is None


@pytest.mark.parametrize(
    "outcome",
    [AttemptOutcome(500, "HTTP 500"), AttemptOutcome(302, "redirect"), AttemptOutcome(None, "timeout")],
)
def test_failures_are_retried_until_the_schedule_runs_out(outcome: AttemptOutcome) -> None:
    schedule = RetrySchedule((1.0, 2.0, 4.0, 8.0), jitter=0)
    delivery = new_delivery("d1", endpoint("job.*"), event(), NOW)
    waits = [record_attempt(delivery, outcome, schedule, NOW) for _ in range(5)]
    assert waits == [1.0, 2.0, 4.0, 8.0, None]
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (
        DeliveryState.FAILED,
        5,
        outcome.status_code,
    )
    assert delivery.last_error


def test_a_refused_target_fails_at_once() -> None:
    delivery = new_delivery("d1", endpoint("job.*"), event(), NOW)
    outcome = AttemptOutcome(None, "refused: loopback", permanent=True)
    assert record_attempt(delivery, outcome, RetrySchedule((1.0,)), NOW) is None
    assert delivery.state is DeliveryState.FAILED


def test_a_redelivery_starts_a_new_round_and_keeps_the_count_and_message_id() -> None:
    schedule = RetrySchedule((1.0,), jitter=0)
    delivery = new_delivery("d1", endpoint("job.*"), event(), NOW)
    for _ in range(2):
        record_attempt(delivery, AttemptOutcome(500, "HTTP 500"), schedule, NOW)
    assert delivery.state is DeliveryState.FAILED
    restart(delivery, NOW)
    assert (delivery.state, delivery.attempts, delivery.message_id) == (DeliveryState.PENDING, 2, "msg_d1")
    assert record_attempt(delivery, AttemptOutcome(500, "HTTP 500"), schedule, NOW) == 1.0
