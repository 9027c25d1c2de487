"""The job workflow machine (``v3core.testing.workflow``) as a pytest base class.

Subclass ``WorkflowContract`` and supply a ``make_workflow_kit`` fixture: an async callable
that returns a fresh ``WorkflowKit`` (your storage's unit-of-work factory, a planner, and
optionally ``close`` to release the storage) on *empty* storage each time it is called; the
machine calls it once per run, on an event loop of its own. The runs are judged by SPEC §5's
table (``v3core.testing.oracle``) and must reach every end in ``must_reach``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from v3core.testing.services import WorkflowKit
from v3core.testing.workflow import workflow_machine

MakeWorkflowKit = Callable[[], Awaitable[WorkflowKit]]


class WorkflowContract:
    """The workflow keeps SPEC §5's rules over your adapters; needs ``make_workflow_kit``."""

    workflow_settings = settings(
        max_examples=20,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    """How many runs of how many steps (override for slow storage)."""
    must_reach: frozenset[str] = frozenset({"completed", "failed", "cancelled"})
    """Job statuses the runs must reach between them (fewer runs may reach fewer)."""

    def test_the_workflow_keeps_its_rules_and_reaches_every_end(
        self, make_workflow_kit: MakeWorkflowKit
    ) -> None:
        machine = workflow_machine(make_workflow_kit)
        run_state_machine_as_test(machine, settings=self.workflow_settings)
        reached: set[str] = machine.reached  # type: ignore[attr-defined]
        assert self.must_reach <= reached, f"runs only reached {sorted(reached)}"
