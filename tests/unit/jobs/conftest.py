"""Job use cases over the in-memory storage fakes and the template planner."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.planners.template import TemplateScenePlanner
from v3core.testing.fakes import ScriptedPlanner
from v3core.testing.workflow import WorkflowKit, WorkflowServices

SEED_BODY: dict[str, Any] = {
    "context": {"clientId": "set-by-test"},
    "adBasics": {
        "product": "Smart Watch",
        "targetAudience": "Tech enthusiasts",
        "keyMessage": "Stay connected",
        "callToAction": "Buy Now",
    },
    "creative": {"direction": {"style": "Modern and sleek"}},
}


class World:
    """Services, one owner with one client, and helpers to drive a job."""

    def __init__(self) -> None:
        self.planner = ScriptedPlanner(TemplateScenePlanner())
        self.svc = WorkflowServices(
            WorkflowKit(uow=InMemoryUnitOfWork.factory(InMemoryStore()), planner=self.planner)
        )
        self.owner_id = ""
        self.client_id = ""

    def body(self, **creative: Any) -> dict[str, Any]:
        body = {**SEED_BODY, "context": {"clientId": self.client_id}}
        body["creative"] = {**SEED_BODY["creative"], **creative}
        return body


@pytest.fixture
async def world() -> World:
    w = World()
    w.owner_id, w.client_id = await w.svc.seed_owner()
    return w
