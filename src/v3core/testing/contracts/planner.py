"""The scene planner port's contract (``v3core.ports.planner.ScenePlanner``) as a pytest base class.

Subclass ``PlannerContract`` and supply a ``planner`` fixture. A planner returns *raw*
output; the domain's normalisation (SPEC §6) turns it into a storyboard or refuses it with
``ValidationFailed``. The contract asks, for random briefs, planning rules and library
assets, that every reply carries its model and token usage, and that its output becomes a
storyboard meeting every rule of SPEC §6 (``v3core.testing.checks.storyboard_violations``)
or a clear refusal. Set ``plans_are_valid = True`` when your planner must always produce a
usable storyboard (a refusal then fails the test); ``planner_examples`` sizes the runs.
"""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from v3core.brief import Brief
from v3core.errors import ValidationFailed
from v3core.planning import normalise_scene, normalise_storyboard
from v3core.ports.planner import PlanAsset, PlanMode, PlannerReply, PlanRequest, ScenePlanner
from v3core.storyboard import PlanningRules, SceneDraft
from v3core.testing.checks import storyboard_violations
from v3core.testing.contracts._loop import in_a_thread, on_loop
from v3core.testing.strategies import briefs, plan_assets, planning_rules


def _check_reply(reply: PlannerReply) -> None:
    assert isinstance(reply, PlannerReply), f"plan() returned {type(reply).__name__}, not a PlannerReply"
    assert isinstance(reply.model, str) and reply.model.strip(), "the reply names no model"
    assert reply.usage.input_tokens >= 0 and reply.usage.output_tokens >= 0, "negative token usage"


class PlannerContract:
    """Every scene planner test; needs the fixture ``planner``."""

    plans_are_valid: bool = False
    """True: the planner's output must always normalise (no ``ValidationFailed`` accepted)."""
    planner_examples: int = 15

    def _refused(self, refused: ValidationFailed) -> None:
        assert not self.plans_are_valid, f"the planner's output was refused: {refused}"
        assert str(refused).strip(), "a refusal must say what was wrong"

    def test_the_planner_has_a_name(self, planner: ScenePlanner) -> None:
        assert isinstance(planner.name, str)
        assert planner.name.strip()

    @pytest.mark.asyncio
    async def test_any_brief_gets_a_valid_storyboard_or_a_clear_refusal(self, planner: ScenePlanner) -> None:
        run = on_loop(asyncio.get_running_loop())

        @settings(max_examples=self.planner_examples, deadline=None, suppress_health_check=list(HealthCheck))
        @given(
            brief=briefs(),
            rules=planning_rules(),
            assets=plan_assets(max_size=4),
            feedback=st.none() | st.sampled_from(["warmer", "4 scenes please", "shorter sentences"]),
        )
        def check(
            brief: Brief, rules: PlanningRules, assets: tuple[PlanAsset, ...], feedback: str | None
        ) -> None:
            request = PlanRequest(brief=brief, rules=rules, assets=assets, feedback=feedback)
            reply = run(planner.plan(request))
            _check_reply(reply)
            try:
                scenes = normalise_storyboard(reply.raw, brief=brief, rules=rules, assets=assets)
            except ValidationFailed as refused:
                self._refused(refused)
                return
            assert storyboard_violations(scenes, brief=brief, rules=rules, assets=assets) == []

        await in_a_thread(check)

    @pytest.mark.asyncio
    async def test_a_regenerated_scene_keeps_the_storyboard_valid(self, planner: ScenePlanner) -> None:
        run = on_loop(asyncio.get_running_loop())
        rules = PlanningRules()

        @settings(max_examples=self.planner_examples, deadline=None, suppress_health_check=list(HealthCheck))
        @given(brief=briefs(), assets=plan_assets(max_size=3), data=st.data())
        def check(brief: Brief, assets: tuple[PlanAsset, ...], data: st.DataObject) -> None:
            first = run(planner.plan(PlanRequest(brief=brief, rules=rules, assets=assets)))
            try:
                current = normalise_storyboard(first.raw, brief=brief, rules=rules, assets=assets)
            except ValidationFailed as refused:
                self._refused(refused)
                return
            number = data.draw(st.sampled_from([s.number for s in current]), label="scene")
            request = PlanRequest(
                brief=brief,
                rules=rules,
                mode=PlanMode.SCENE,
                assets=assets,
                current_scenes=current,
                scene_number=number,
                feedback="make it brighter",
            )
            reply = run(planner.plan(request))
            _check_reply(reply)
            try:
                new: SceneDraft = normalise_scene(
                    reply.raw,
                    brief=brief,
                    rules=rules,
                    assets=assets,
                    current=current,
                    number=number,
                    constraints=None,
                )
            except ValidationFailed as refused:
                self._refused(refused)
                return
            after = tuple(new if s.number == number else s for s in current)
            assert storyboard_violations(after, brief=brief, rules=rules, assets=assets) == []

        await in_a_thread(check)
