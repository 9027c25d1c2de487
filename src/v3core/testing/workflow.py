"""A stateful hypothesis model of the job workflow, runnable against any storage adapters.

``workflow_machine(make_kit)`` returns a ``RuleBasedStateMachine`` class. It creates jobs
from random briefs (with library assets and URL imports), runs background work, makes
planning, imports or renders fail now and then, and applies every user action of SPEC §5
in whatever status a job is in. Its oracle is SPEC §5's table (``v3core.testing.oracle``):
an action the table refuses must be refused with a 409 naming the state and the allowed
actions and change nothing; an action the table allows must be carried out and move the
job where the table says, unless a documented precondition explains the refusal (no
scenes, no feedback, a stale version, a missing scene, bad input). After every step the
invariants of SPEC §5 and §6 are checked against what the storage holds
(``v3core.testing.checks``); after background work no job is left processing. ``make_kit``
is an async factory of the adapters under test, so the same model runs over the in-memory
fakes, SQLite and PostgreSQL. ``reached`` (class attribute) collects every status seen, so a
test can assert that runs reach completed, failed and cancelled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from v3core.errors import Conflict, DomainError, IllegalTransition, NotFound, StaleVersion, ValidationFailed
from v3core.model import AssetType, Scene
from v3core.planning import MIN_SCENE_SECONDS
from v3core.ports.storage import PageRequest
from v3core.ports.tasks import TaskKind
from v3core.services.jobs import CreateJobCommand, EditSceneCommand, JobActionCommand
from v3core.testing import oracle
from v3core.testing.checks import History, check_job, expected_count, scene_content
from v3core.testing.fakes import StoringUrlImporter
from v3core.testing.services import WorkflowKit, WorkflowServices
from v3core.testing.strategies import raw_briefs

__all__ = ["WorkflowKit", "WorkflowServices", "workflow_machine"]

FEEDBACK = st.sampled_from([None, "", "warmer", "warmer, 4 scenes"])
URLS = st.sampled_from(["https://cdn.example.org/shoe.png", "https://cdn.example.org/clip.mp4"])


def _brief(raw: dict[str, Any], client_id: str, library: list[str], urls: list[str]) -> dict[str, Any]:
    """``raw`` for the machine's client, its asset ids mapped onto the owner's library."""
    body = dict(raw)
    body["context"] = {**dict(body.get("context") or {}), "clientId": client_id}
    body["context"].pop("campaignId", None)
    creative = dict(body["creative"])
    assets = []
    for index, item in enumerate(a for a in creative.get("assets") or [] if isinstance(a, dict)):
        item = {k: v for k, v in item.items() if k not in ("assetId", "url", "type")}
        if index % 2:
            item["assetId"] = library[index % len(library)]
        else:
            item["url"] = urls[index % len(urls)]
        assets.append(item)
    creative["assets"] = assets
    body["creative"] = creative
    return body


def workflow_machine(make_kit: Callable[[], Awaitable[WorkflowKit]]) -> type[RuleBasedStateMachine]:
    """A state machine class driving the job use cases over the adapters ``make_kit`` builds."""

    class JobWorkflow(RuleBasedStateMachine):
        jobs = Bundle("jobs")
        reached: ClassVar[set[str]] = set()

        def __init__(self) -> None:
            super().__init__()
            self.loop = asyncio.new_event_loop()
            self.svc = WorkflowServices(self.run(make_kit()))
            self.owner_id, self.client_id = self.run(self.svc.seed_owner())
            self.library = [
                self.run(self.svc.seed_asset(self.owner_id, self.client_id, AssetType.IMAGE, "logo.png")).id,
                self.run(
                    self.svc.seed_asset(self.owner_id, self.client_id, AssetType.VIDEO, "b-roll.mp4")
                ).id,
            ]
            self.history = History()

        def run(self, coro: Awaitable[Any]) -> Any:
            return self.loop.run_until_complete(coro)

        def teardown(self) -> None:
            try:
                if self.svc.kit.close is not None:
                    self.run(self.svc.kit.close())
            finally:
                self.loop.close()

        # -- making jobs and letting them run ------------------------------------------------

        @initialize(target=jobs, raw=raw_briefs(), urls=st.lists(URLS, min_size=1, max_size=2))
        def first_job(self, raw: dict[str, Any], urls: list[str]) -> str:
            return self._create(raw, urls)

        @rule(target=jobs, raw=raw_briefs(), urls=st.lists(URLS, min_size=1, max_size=2))
        def create_job(self, raw: dict[str, Any], urls: list[str]) -> str:
            return self._create(raw, urls)

        def _create(self, raw: dict[str, Any], urls: list[str]) -> str:
            body = _brief(raw, self.client_id, self.library, urls)
            view = self.run(self.svc.create.execute(CreateJobCommand(self.owner_id, body)))
            assert view.job.status.value == "pending"
            assert (TaskKind.PLAN_STORYBOARD, view.job.id) in self.svc.tasks.queue
            return str(view.job.id)

        @rule(failing=st.sampled_from([None, None, "planning", "import", "render"]))
        def run_background_work(self, failing: str | None) -> None:
            """Run every queued task, the first plan, import or render failing when ``failing`` says."""
            self.svc.planner.fail_next = failing == "planning"
            if isinstance(self.svc.importer, StoringUrlImporter):
                self.svc.importer.fail_next = failing == "import"
            self.svc.renderer.fail_with = DomainError("the renderer gave up") if failing == "render" else None
            self.run(self.svc.tasks.run_all())
            self.svc.renderer.fail_with = None
            for job, _ in self.run(self._all()):
                assert job.status.value not in oracle.PROCESSING, f"job {job.id} stayed {job.status}"

        @rule(job_id=jobs)
        def see_a_job_through(self, job_id: str) -> None:
            """Liveness (SPEC §5): with working adapters a job gets from wherever it is to the end."""
            self._disarm()
            for _ in range(4):
                self.run(self.svc.tasks.run_all())
                job, scenes = self.run(self._one(job_id))
                status = job.status.value
                if status in ("completed", "cancelled"):
                    return
                if status == "failed":
                    self._act(job_id, "retry", {})
                elif status == "storyboard_ready" and not scenes:
                    self._act(job_id, "regenerate_all_scenes", {})
                else:
                    assert status == "storyboard_ready", f"job {job_id} stayed {status}"
                    self._act(job_id, "approve", {})
            raise AssertionError(f"job {job_id} never completed")

        def _disarm(self) -> None:
            self.svc.planner.fail_next = False
            self.svc.renderer.fail_with = None
            if isinstance(self.svc.importer, StoringUrlImporter):
                self.svc.importer.fail_next = False

        def _act(self, job_id: str, action: str, fields: dict[str, Any]) -> None:
            self.run(self.svc.act.execute(JobActionCommand(self.owner_id, job_id, action, fields)))

        # -- the user actions, judged by SPEC §5's table -------------------------------------

        @rule(
            job_id=jobs,
            action=st.sampled_from(oracle.ACTIONS),
            feedback=FEEDBACK,
            number=st.integers(1, 8),
            by_id=st.booleans(),
            duration=st.one_of(st.none(), st.floats(min_value=-5, max_value=130)),
            stale=st.booleans(),
        )
        def user_action(
            self,
            job_id: str,
            action: str,
            feedback: str | None,
            number: int,
            by_id: bool,
            duration: float | None,
            stale: bool,
        ) -> None:
            self._judge(job_id, action, feedback, number, by_id, duration, stale)

        @rule(
            data=st.data(),
            action=st.sampled_from(oracle.ACTIONS),
            feedback=FEEDBACK,
            number=st.integers(1, 8),
            by_id=st.booleans(),
            duration=st.one_of(st.none(), st.floats(min_value=-5, max_value=130)),
            stale=st.booleans(),
        )
        def review_a_storyboard(
            self,
            data: st.DataObject,
            action: str,
            feedback: str | None,
            number: int,
            by_id: bool,
            duration: float | None,
            stale: bool,
        ) -> None:
            """An action on a storyboard in review (planned now if none is): where most rules apply."""
            job_id = self._a_storyboard_in_review(data)
            self._judge(job_id, action, feedback, number, by_id, duration, stale)

        @rule(
            data=st.data(),
            first=st.sampled_from(["regenerate_all_scenes", "reject_storyboard", "approve"]),
            then=st.sampled_from(oracle.ACTIONS),
            number=st.integers(1, 4),
        )
        def act_before_the_work_is_done(
            self, data: st.DataObject, first: str, then: str, number: int
        ) -> None:
            """Two actions in a row on a storyboard in review, so the second one meets
            storyboard_processing or video_processing."""
            job_id = self._a_storyboard_in_review(data)
            self._judge(job_id, first, "warmer", number, False, None, False)
            self._judge(job_id, then, "warmer", number, False, None, False)

        def _a_storyboard_in_review(self, data: st.DataObject) -> str:
            ready = [job.id for job, _ in self.run(self._all()) if job.status.value == "storyboard_ready"]
            if not ready:
                urls = data.draw(st.lists(URLS, min_size=1, max_size=2))
                job_id = self._create(data.draw(raw_briefs()), urls)
                self._disarm()
                self.run(self.svc.tasks.run_all())
                self.every_job_obeys_the_rules()  # the fresh plan, before anyone touches it
                ready = [job_id]
            return str(data.draw(st.sampled_from(ready)))

        def _judge(
            self,
            job_id: str,
            action: str,
            feedback: str | None,
            number: int,
            by_id: bool,
            duration: float | None,
            stale: bool,
        ) -> None:
            before, scenes = self.run(self._one(job_id))
            status = before.status.value
            by_number = {s.number: s for s in scenes}
            scene = by_number.get(number)
            ref = scene.id if (by_id and scene is not None) else str(number)
            changes: dict[str, Any] = {"script": f"edited {number}"}
            if duration is not None:
                changes["duration"] = duration
            justified = self._justified(action, feedback, scene, scenes, duration, stale)
            try:
                result = self.run(self._perform(job_id, action, feedback, ref, changes, stale))
            except IllegalTransition as refused:
                assert isinstance(oracle.expected(status, action), oracle.Refused), (
                    f"{action} refused in {status}, which SPEC §5 allows: {refused}"
                )
                assert set(refused.allowed) == oracle.allowed_on_the_actions_endpoint(status)
                assert status in str(refused)
                self._unchanged(job_id, before, scenes)
                return
            except DomainError as refused:
                assert isinstance(oracle.expected(status, action), oracle.Accepted), (
                    f"{action} in {status} must be a 409 naming the state, not {refused!r}"
                )
                assert type(refused) in justified or any(isinstance(refused, t) for t in justified), (
                    f"{action} refused in {status} without a documented reason: {refused!r}"
                )
                self._unchanged(job_id, before, scenes)
                return
            assert isinstance(oracle.expected(status, action), oracle.Accepted), (
                f"{action} accepted in {status}, which SPEC §5 refuses"
            )
            assert not justified, f"{action} accepted although {justified} should have refused it"
            after, now = self.run(self._one(job_id))
            failed_step = before.error.step if before.error else None
            assert after.status.value in oracle.target(status, action, failed_step), (
                f"{action} moved {status} to {after.status}"
            )
            self._check_effect(job_id, action, feedback, scene, scenes, now, changes, result)

        def _justified(
            self,
            action: str,
            feedback: str | None,
            scene: Scene | None,
            scenes: list[Scene],
            duration: float | None,
            stale: bool,
        ) -> tuple[type[DomainError], ...]:
            """The errors SPEC documents for this allowed action with these inputs (empty: none)."""
            reasons: list[type[DomainError]] = []
            if action == "approve" and not scenes:
                reasons.append(Conflict)
            if action == "reject_storyboard" and not (feedback or "").strip():
                reasons.append(ValidationFailed)
            if action in ("regenerate_scene", "edit_scene", "delete_scene") and scene is None:
                reasons.append(NotFound)
            if action == "edit_scene" and stale:
                reasons.append(StaleVersion)
            if action == "edit_scene" and duration is not None and not MIN_SCENE_SECONDS <= duration <= 120:
                reasons.append(ValidationFailed)
            return tuple(reasons)

        async def _perform(
            self,
            job_id: str,
            action: str,
            feedback: str | None,
            ref: str,
            changes: dict[str, Any],
            stale: bool,
        ) -> Any:
            if action == "edit_scene":
                command = EditSceneCommand(
                    self.owner_id, job_id, ref, changes, expected_version=0 if stale else None
                )
                return await self.svc.edit.execute(command)
            if action == "delete_scene":
                return await self.svc.delete.execute(self.owner_id, job_id, ref)
            fields: dict[str, Any] = {"feedback": feedback}
            if action == "regenerate_scene":
                fields["sceneId" if not ref.isdigit() else "sceneNumber"] = ref
            return await self.svc.act.execute(JobActionCommand(self.owner_id, job_id, action, fields))

        def _unchanged(self, job_id: str, before: Any, scenes: list[Scene]) -> None:
            after, now = self.run(self._one(job_id))
            assert (after.status, after.version) == (before.status, before.version), (
                "a refusal changed the job"
            )
            assert [scene_content(s) for s in now] == [scene_content(s) for s in scenes], (
                "a refusal changed scenes"
            )

        def _check_effect(
            self,
            job_id: str,
            action: str,
            feedback: str | None,
            scene: Scene | None,
            scenes: list[Scene],
            now: list[Scene],
            changes: dict[str, Any],
            result: Any,
        ) -> None:
            others_before = [scene_content(s) for s in scenes if scene is None or s.id != scene.id]
            others_now = [scene_content(s) for s in now if scene is None or s.id != scene.id]
            if action == "delete_scene":
                assert scene is not None and scene.id not in {s.id for s in now}, "the scene is still there"
                assert others_now == others_before, "deleting a scene changed the others"
                self.history.touched.add(job_id)
            elif action in ("edit_scene", "regenerate_scene"):
                assert scene is not None
                assert others_now == others_before, f"{action} changed other scenes"
                changed = {s.id: s for s in now}[scene.id]
                assert (changed.number, changed.version) == (scene.number, scene.version + 1)
                if action == "edit_scene":
                    assert changed.script == changes["script"]
                    if "duration" in changes:
                        assert changed.duration == round(changes["duration"], 2)
                else:
                    assert result.scene is not None and result.scene.id == scene.id
                self.history.touched.add(job_id)
            elif action in ("reject_storyboard", "regenerate_all_scenes"):
                self.history.touched.discard(job_id)
                self.history.counts[job_id] = expected_count(feedback, len(scenes), self.svc.kit.rules)
            elif action == "retry":
                self.history.touched.discard(job_id)
                self.history.counts.pop(job_id, None)
            elif action == "cancel":
                assert job_id in self.svc.tasks.cancelled

        # -- invariants ----------------------------------------------------------------------

        @invariant()
        def every_job_obeys_the_rules(self) -> None:
            for job, scenes in self.run(self._all()):
                type(self).reached.add(job.status.value)
                check_job(job, scenes, self.svc.kit.rules, self.history)

        async def _all(self) -> list[tuple[Any, list[Scene]]]:
            async with self.svc.kit.uow() as uow:
                page = await uow.jobs.list(self.owner_id, _ALL)
                return [(job, list(await uow.scenes.list_for_job(job.id))) for job in page.items]

        async def _one(self, job_id: str) -> tuple[Any, list[Scene]]:
            async with self.svc.kit.uow() as uow:
                job = await uow.jobs.get(self.owner_id, job_id)
                assert job is not None
                return job, list(await uow.scenes.list_for_job(job_id))

    return JobWorkflow


_ALL = PageRequest(limit=1000)
