"""The in-process task runner through the contract adapter authors use (``TaskRunnerContract``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from adapters.tasks.inprocess import InProcessTaskRunner
from v3core.ports.tasks import TaskRunner
from v3core.testing.contracts import TaskRunnerContract
from v3core.testing.contracts.tasks import RunTasksWith, TaskHandler


class TestInProcessTaskRunner(TaskRunnerContract):
    task_timeout = 5.0

    @pytest.fixture
    def task_runner_with(self) -> RunTasksWith:
        @asynccontextmanager
        async def running(handler: TaskHandler) -> AsyncIterator[TaskRunner]:
            runner = InProcessTaskRunner()
            runner.bind(handler)
            yield runner
            await runner.shutdown()

        return running
