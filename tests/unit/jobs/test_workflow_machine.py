"""The workflow machine over the in-memory storage, through ``WorkflowContract``."""

from __future__ import annotations

import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.planners.template import TemplateScenePlanner
from v3core.testing.contracts import WorkflowContract
from v3core.testing.contracts.workflow import MakeWorkflowKit
from v3core.testing.services import WorkflowKit


class TestWorkflowInMemory(WorkflowContract):
    @pytest.fixture
    def make_workflow_kit(self) -> MakeWorkflowKit:
        async def kit() -> WorkflowKit:
            return WorkflowKit(
                uow=InMemoryUnitOfWork.factory(InMemoryStore()), planner=TemplateScenePlanner()
            )

        return kit
