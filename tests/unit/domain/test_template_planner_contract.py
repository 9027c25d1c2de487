"""The built-in template planner through the contract adapter authors use (``PlannerContract``)."""

from __future__ import annotations

import pytest

from adapters.planners.template import TemplateScenePlanner
from v3core.ports.planner import ScenePlanner
from v3core.testing.contracts import PlannerContract


class TestTemplatePlanner(PlannerContract):
    plans_are_valid = True
    planner_examples = 60

    @pytest.fixture
    def planner(self) -> ScenePlanner:
        return TemplateScenePlanner()
