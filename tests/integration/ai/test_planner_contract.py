"""The OpenAI and Anthropic planners, through their real SDKs against the fake provider on
127.0.0.1, held to the contract adapter authors use (``PlannerContract``).

The fake answers every call with the same storyboard (also offered as one ``scene``, for
scene regenerations); the contract checks that whatever comes back becomes a storyboard
meeting SPEC §6 or a clear refusal (the canned 4 scenes are refused when the rules ask
for 5 or more; the scene regeneration runs under SPEC's default 3..5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.ai.conftest import ProviderCase
from tests.integration.ai.fake_provider import FakeProvider
from tests.integration.ai.test_ai_planners import STORYBOARD
from v3core.ports.planner import ScenePlanner
from v3core.testing.contracts import PlannerContract


class TestAiPlanners(PlannerContract):
    planner_examples = 8

    @pytest.fixture
    def planner(
        self, fake: FakeProvider, provider: ProviderCase, make_planner: Callable[..., Any]
    ) -> ScenePlanner:
        scenes = [*STORYBOARD["scenes"], *STORYBOARD["scenes"]]
        fake.script(provider.path, provider.answer({"scenes": scenes, "scene": scenes[0]}))
        planner: ScenePlanner = make_planner(provider, retries=0)
        return planner
