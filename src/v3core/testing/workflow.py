"""A stateful hypothesis model of the job workflow, runnable against any storage adapters.

``workflow_machine(make_kit)`` returns a ``RuleBasedStateMachine`` class: it creates jobs
from random briefs, runs background work, applies random actions (legal or not), edits,
deletes and regenerates scenes, and after every step checks the invariants of SPEC §5
and §6 against what the storage holds. ``make_kit`` is an async factory of the adapters
under test (a unit-of-work factory and a planner), so the same model runs over the
in-memory fakes, SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from v3core.costs import PriceTable
from v3core.errors import DomainError, IllegalTransition
from v3core.lifecycle import USER_ACTIONS, allowed_actions
from v3core.model import Client, Job, JobStatus, User
from v3core.planning import MIN_SCENE_SECONDS
from v3core.ports.planner import ScenePlanner
from v3core.ports.storage import PageRequest, UnitOfWorkFactory
from v3core.ports.tasks import TaskKind
from v3core.services.jobs import (
    ApplyJobAction,
    CreateJob,
    CreateJobCommand,
    DeleteScene,
    EditScene,
    EditSceneCommand,
    JobActionCommand,
    PlanStoryboard,
    RegenerateScene,
    RenderVideo,
    RunJobTask,
)
from v3core.services.jobs.ports import UrlAssetImporter
from v3core.storyboard import PlanningRules
from v3core.testing.fakes import (
    FakeRenderer,
    FakeVideoArchive,
    RecordingTaskRunner,
    RefusingUrlImporter,
    SequentialIds,
    SteppingClock,
)
from v3core.testing.strategies import raw_briefs


@attrs.frozen
class WorkflowKit:
    """The adapters under test."""

    uow: UnitOfWorkFactory
    planner: ScenePlanner
    rules: PlanningRules = PlanningRules()
    prices: PriceTable = PriceTable()
    importer: UrlAssetImporter = RefusingUrlImporter()
    """URL imports of briefs; by default every import fails (no network in the harness)."""


class WorkflowServices:
    """The job use cases wired with ``kit`` and fakes for time, ids, tasks and rendering."""

    def __init__(self, kit: WorkflowKit) -> None:
        self.kit = kit
        self.clock = SteppingClock()
        self.ids = SequentialIds()
        self.tasks = RecordingTaskRunner()
        self.renderer = FakeRenderer()
        self.archive = FakeVideoArchive(self.ids, self.clock)
        self.create = CreateJob(kit.uow, self.clock, self.ids, self.tasks, kit.rules, kit.prices)
        self.regenerate = RegenerateScene(kit.uow, self.clock, kit.planner, kit.rules, kit.prices)
        self.act = ApplyJobAction(kit.uow, self.clock, self.tasks, self.regenerate)
        self.edit = EditScene(kit.uow, self.clock)
        self.delete = DeleteScene(kit.uow, self.clock)
        importer = kit.importer
        plan = PlanStoryboard(kit.uow, self.clock, self.ids, kit.planner, importer, kit.rules, kit.prices)
        render = RenderVideo(kit.uow, self.clock, self.renderer, self.archive, kit.prices)
        self.tasks.handler = RunJobTask(kit.uow, self.clock, plan, render).execute

    async def seed_owner(self) -> tuple[str, str]:
        """A user and one of its clients; returns (owner_id, client_id)."""
        now = self.clock.now()
        owner = User(id=self.ids.new_id(), email=f"{self.ids.new_id()}@example.test", created_at=now)
        client = Client(id=self.ids.new_id(), owner_id=owner.id, name="Acme", created_at=now, updated_at=now)
        async with self.kit.uow() as uow:
            await uow.users.add(owner)
            await uow.clients.add(client)
            await uow.commit()
        return owner.id, client.id

    async def job(self, owner_id: str, job_id: str) -> Job:
        """The stored job."""
        async with self.kit.uow() as uow:
            job = await uow.jobs.get(owner_id, job_id)
        assert job is not None
        return job


def _with_client(raw: dict[str, Any], client_id: str) -> dict[str, Any]:
    body = dict(raw)
    body["context"] = {**dict(body.get("context") or {}), "clientId": client_id}
    body["context"].pop("campaignId", None)
    creative = dict(body["creative"])
    creative["assets"] = [a for a in creative.get("assets") or [] if isinstance(a, dict) and a.get("url")]
    body["creative"] = creative
    return body


def workflow_machine(make_kit: Callable[[], Awaitable[WorkflowKit]]) -> type[RuleBasedStateMachine]:
    """A state machine class driving the job use cases over the adapters ``make_kit`` builds."""

    class JobWorkflow(RuleBasedStateMachine):
        jobs = Bundle("jobs")

        def __init__(self) -> None:
            super().__init__()
            self.loop = asyncio.new_event_loop()
            self.svc = WorkflowServices(self.run(make_kit()))
            self.owner_id, self.client_id = self.run(self.svc.seed_owner())
            self.touched: set[str] = set()
            self.spent: dict[str, float] = {}

        def run(self, coro: Awaitable[Any]) -> Any:
            return self.loop.run_until_complete(coro)

        def teardown(self) -> None:
            self.loop.close()

        @initialize(target=jobs, raw=raw_briefs())
        def first_job(self, raw: dict[str, Any]) -> str:
            return self._create(raw)

        @rule(target=jobs, raw=raw_briefs())
        def create_job(self, raw: dict[str, Any]) -> str:
            return self._create(raw)

        def _create(self, raw: dict[str, Any]) -> str:
            view = self.run(
                self.svc.create.execute(CreateJobCommand(self.owner_id, _with_client(raw, self.client_id)))
            )
            assert view.job.status == JobStatus.PENDING
            assert (TaskKind.PLAN_STORYBOARD, view.job.id) in self.svc.tasks.queue
            return str(view.job.id)

        @rule()
        def run_background_work(self) -> None:
            self.run(self.svc.tasks.run_all())

        @rule(
            job_id=jobs,
            action=st.sampled_from(sorted(USER_ACTIONS)),
            feedback=st.sampled_from([None, "", "warmer, 4 scenes"]),
        )
        def act(self, job_id: str, action: str, feedback: str | None) -> None:
            before = self.run(self.svc.job(self.owner_id, job_id))
            fields: dict[str, Any] = {"feedback": feedback, "sceneNumber": 1}
            try:
                self.run(self.svc.act.execute(JobActionCommand(self.owner_id, job_id, action, fields)))
            except IllegalTransition as refused:
                assert action not in allowed_actions(before.status), f"{action} refused in {before.status}"
                assert refused.allowed == tuple(allowed_actions(before.status))
                after = self.run(self.svc.job(self.owner_id, job_id))
                assert (after.status, after.version) == (before.status, before.version)
                return
            except DomainError:
                return  # e.g. reject without feedback, scene 1 deleted: refused with a clear error
            assert action in allowed_actions(before.status), f"{action} accepted in {before.status}"
            if action == "regenerate_scene":
                self.touched.add(job_id)
            elif action in ("reject_storyboard", "regenerate_all_scenes"):
                self.touched.discard(job_id)

        @rule(job_id=jobs, duration=st.floats(min_value=-5, max_value=130), stale=st.booleans())
        def edit_first_scene(self, job_id: str, duration: float, stale: bool) -> None:
            job = self.run(self.svc.job(self.owner_id, job_id))
            command = EditSceneCommand(
                self.owner_id,
                job_id,
                "1",
                {"duration": duration, "script": "edited"},
                expected_version=0 if stale else None,
            )
            try:
                scene = self.run(self.svc.edit.execute(command))
            except DomainError:
                return
            assert (
                job.status == JobStatus.STORYBOARD_READY
                and not stale
                and MIN_SCENE_SECONDS <= duration <= 120
            )
            assert scene.duration == round(duration, 2)
            self.touched.add(job_id)

        @rule(job_id=jobs)
        def delete_last_scene(self, job_id: str) -> None:
            job = self.run(self.svc.job(self.owner_id, job_id))
            try:
                self.run(self.svc.delete.execute(self.owner_id, job_id, str(self.svc.kit.rules.max_scenes)))
            except DomainError:
                return
            assert job.status == JobStatus.STORYBOARD_READY
            self.touched.add(job_id)

        @invariant()
        def every_job_obeys_the_rules(self) -> None:
            self.run(self._check_all())

        async def _check_all(self) -> None:
            async with self.svc.kit.uow() as uow:
                page = await uow.jobs.list(self.owner_id, _ALL)
                for job in page.items:
                    scenes = await uow.scenes.list_for_job(job.id)
                    self._check(job, scenes)

        def _check(self, job: Job, scenes: Any) -> None:
            assert job.status in JobStatus
            assert job.cost.actual >= self.spent.get(job.id, 0.0) - 1e-9, "actual cost went down"
            self.spent[job.id] = job.cost.actual
            if job.status == JobStatus.FAILED:
                assert job.error is not None and job.error.step and job.error.message
            if job.status == JobStatus.COMPLETED:
                assert job.video_asset_id is not None
            numbers = [s.number for s in scenes]
            assert numbers == sorted(set(numbers)), "scene numbers unique and ordered"
            assert all(s.duration > 0 and s.description for s in scenes)
            if job.status == JobStatus.STORYBOARD_READY and job.id not in self.touched:
                rules = self.svc.kit.rules
                assert rules.min_scenes <= len(scenes) <= rules.max_scenes
                assert numbers == list(range(1, len(scenes) + 1))
                total = job.brief.creative.video_specs.duration
                assert math.isclose(sum(s.duration for s in scenes), total, abs_tol=0.011)
                cta = job.brief.ad_basics.call_to_action.lower()
                assert cta in scenes[-1].script.lower()

    return JobWorkflow


_ALL = PageRequest(limit=1000)
