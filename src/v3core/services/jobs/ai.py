"""Calling the planner: one repair retry with the validation error, cost charged per call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from v3core.costs import PriceTable, planning_cost
from v3core.errors import UpstreamError, ValidationFailed
from v3core.model import JobCost
from v3core.planning import planned_scene_count
from v3core.ports.planner import PlanRequest, ScenePlanner

T = TypeVar("T")

REPAIR_ATTEMPTS = 1


class InvalidPlannerOutput(UpstreamError):
    """The planner's output broke the storyboard rules even after a repair attempt."""

    code = "invalid_ai_output"


async def plan_with_repair(
    planner: ScenePlanner,
    request: PlanRequest,
    normalise: Callable[[Any], T],
    cost: JobCost,
    prices: PriceTable,
) -> T:
    """Ask ``planner``, normalise its reply; on invalid output ask once more with the error.

    Each call's token cost is charged to ``cost`` under ``storyboard_generation``.
    Provider failures propagate as the planner raised them.
    """
    attempt_request = request
    for attempt in range(REPAIR_ATTEMPTS + 1):
        reply = await planner.plan(attempt_request)
        # the scenes priced are the ones the estimate assumed (a fresh plan) or the ones replanned
        scenes_hint = len(request.current_scenes) or planned_scene_count(request.brief, request.rules)
        cost.charge("storyboard_generation", planning_cost(reply.usage, reply.model, scenes_hint, prices))
        try:
            return normalise(reply.raw)
        except ValidationFailed as invalid:
            if attempt == REPAIR_ATTEMPTS:
                raise InvalidPlannerOutput(
                    f"the {planner.name} planner returned an invalid storyboard twice: {invalid.message}"
                ) from invalid
            attempt_request = attrs.evolve(request, repair_hint=invalid.message)
    raise AssertionError("unreachable")
