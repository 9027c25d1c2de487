"""The task runner port's contract (``v3core.ports.tasks.TaskRunner``) as a pytest base class.

Subclass ``TaskRunnerContract`` and supply a ``task_runner_with`` fixture: a function that
takes a handler ``async (kind, job_id) -> None`` and returns an async context manager
yielding your ``TaskRunner``, wired so that the work it runs for a submitted task is
``handler(kind, job_id)`` (in this process, or in a worker the block starts and stops)::

    @pytest.fixture
    def task_runner_with(self) -> RunTasksWith:
        @asynccontextmanager
        async def running(handler: TaskHandler) -> AsyncIterator[TaskRunner]:
            runner = MyRunner(handler)
            yield runner
            await runner.shutdown()

        return running

What the port promises: ``submit`` returns once the task is queued, without waiting for the
work; the work runs with the kind and job submitted; never two tasks of one job at once;
``cancel`` stops the job's running work (and no other job's), and cancelling a job with no
work is harmless. Nothing sleeps: every wait is for an event, bounded by ``task_timeout``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager

import attrs
import pytest

from v3core.ports.tasks import TaskKind, TaskRunner

TaskHandler = Callable[[TaskKind, str], Awaitable[None]]
RunTasksWith = Callable[[TaskHandler], AbstractAsyncContextManager[TaskRunner]]


def a_job_id() -> str:
    return f"contract-job-{uuid.uuid4().hex[:12]}"


@attrs.define
class Recorder:
    """A handler that records runs; a job in ``held`` waits until released or cancelled."""

    held: set[str] = attrs.field(factory=set)
    runs: list[tuple[TaskKind, str]] = attrs.field(factory=list)
    outcomes: dict[str, list[str]] = attrs.field(factory=dict)
    running: dict[str, int] = attrs.field(factory=dict)
    most_at_once: dict[str, int] = attrs.field(factory=dict)
    started: dict[str, asyncio.Event] = attrs.field(factory=dict)
    ended: dict[str, asyncio.Event] = attrs.field(factory=dict)
    gates: dict[str, asyncio.Event] = attrs.field(factory=dict)

    def _event(self, table: dict[str, asyncio.Event], job_id: str) -> asyncio.Event:
        return table.setdefault(job_id, asyncio.Event())

    def hold(self, job_id: str) -> None:
        self.held.add(job_id)
        self._event(self.gates, job_id)

    def release(self, job_id: str) -> None:
        self._event(self.gates, job_id).set()

    async def started_once(self, job_id: str, within: float) -> None:
        await asyncio.wait_for(self._event(self.started, job_id).wait(), within)

    async def ended_once(self, job_id: str, within: float) -> None:
        await self.ends(job_id, 1, within)

    async def ends(self, job_id: str, count: int, within: float) -> None:
        """Wait until ``count`` runs of ``job_id`` have ended."""

        async def enough() -> None:
            ended = self._event(self.ended, job_id)
            while len(self.outcomes.get(job_id, [])) < count:
                ended.clear()
                if len(self.outcomes.get(job_id, [])) >= count:
                    break
                await ended.wait()

        await asyncio.wait_for(enough(), within)

    async def __call__(self, kind: TaskKind, job_id: str) -> None:
        self.runs.append((kind, job_id))
        self.running[job_id] = self.running.get(job_id, 0) + 1
        self.most_at_once[job_id] = max(self.most_at_once.get(job_id, 0), self.running[job_id])
        self._event(self.started, job_id).set()
        outcome = "done"
        try:
            if job_id in self.held:
                await self._event(self.gates, job_id).wait()
            else:
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            self.running[job_id] -= 1
            self.outcomes.setdefault(job_id, []).append(outcome)
            self._event(self.ended, job_id).set()


class TaskRunnerContract:
    """Every task runner test; needs the fixture ``task_runner_with``."""

    task_timeout: float = 15.0

    @pytest.mark.asyncio
    async def test_submitted_work_runs_with_its_kind_and_job(self, task_runner_with: RunTasksWith) -> None:
        recorder, job_id = Recorder(), a_job_id()
        async with task_runner_with(recorder) as runner:
            await runner.submit(TaskKind.PLAN_STORYBOARD, job_id)
            await recorder.ended_once(job_id, self.task_timeout)
        assert recorder.runs == [(TaskKind.PLAN_STORYBOARD, job_id)]
        assert recorder.outcomes[job_id] == ["done"]

    @pytest.mark.asyncio
    async def test_submit_returns_without_waiting_for_the_work(self, task_runner_with: RunTasksWith) -> None:
        recorder, job_id = Recorder(), a_job_id()
        recorder.hold(job_id)
        async with task_runner_with(recorder) as runner:
            await asyncio.wait_for(runner.submit(TaskKind.RENDER_VIDEO, job_id), self.task_timeout)
            await recorder.started_once(job_id, self.task_timeout)
            assert recorder.outcomes.get(job_id) is None, "the work finished before it was released"
            recorder.release(job_id)
            await recorder.ended_once(job_id, self.task_timeout)
        assert recorder.outcomes[job_id] == ["done"]

    @pytest.mark.asyncio
    async def test_two_tasks_of_one_job_never_run_at_once(self, task_runner_with: RunTasksWith) -> None:
        recorder, job_id = Recorder(), a_job_id()
        recorder.hold(job_id)
        async with task_runner_with(recorder) as runner:
            await runner.submit(TaskKind.PLAN_STORYBOARD, job_id)
            await runner.submit(TaskKind.RENDER_VIDEO, job_id)
            await recorder.started_once(job_id, self.task_timeout)
            recorder.release(job_id)
            await recorder.ends(job_id, 2, self.task_timeout)
        assert sorted(kind.value for kind, _ in recorder.runs) == ["plan_storyboard", "render_video"]
        assert recorder.most_at_once[job_id] == 1

    @pytest.mark.asyncio
    async def test_cancel_stops_the_jobs_running_work_and_no_other(
        self, task_runner_with: RunTasksWith
    ) -> None:
        recorder, doomed, other = Recorder(), a_job_id(), a_job_id()
        recorder.hold(doomed)
        recorder.hold(other)
        async with task_runner_with(recorder) as runner:
            await runner.submit(TaskKind.RENDER_VIDEO, doomed)
            await runner.submit(TaskKind.PLAN_STORYBOARD, other)
            await recorder.started_once(doomed, self.task_timeout)
            await recorder.started_once(other, self.task_timeout)
            await runner.cancel(doomed)
            await recorder.ended_once(doomed, self.task_timeout)
            assert recorder.outcomes[doomed] == ["cancelled"]
            assert other not in recorder.outcomes, "cancelling one job stopped another"
            recorder.release(other)
            await recorder.ended_once(other, self.task_timeout)
        assert recorder.outcomes[other] == ["done"]

    @pytest.mark.asyncio
    async def test_cancelling_a_job_without_work_is_harmless(self, task_runner_with: RunTasksWith) -> None:
        recorder, job_id = Recorder(), a_job_id()
        async with task_runner_with(recorder) as runner:
            await runner.cancel(a_job_id())
            await runner.submit(TaskKind.PLAN_STORYBOARD, job_id)
            await recorder.ended_once(job_id, self.task_timeout)
        assert recorder.outcomes[job_id] == ["done"]
