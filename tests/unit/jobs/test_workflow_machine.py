"""The stateful workflow harness over the in-memory fakes."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.planners.template import TemplateScenePlanner
from v3core.testing.workflow import WorkflowKit, workflow_machine


async def _kit() -> WorkflowKit:
    return WorkflowKit(uow=InMemoryUnitOfWork.factory(InMemoryStore()), planner=TemplateScenePlanner())


JobWorkflowInMemory = workflow_machine(_kit)
JobWorkflowInMemory.TestCase.settings = settings(
    max_examples=40, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestJobWorkflowInMemory = JobWorkflowInMemory.TestCase
