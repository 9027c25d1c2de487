"""The procrastinate runner (API side) and a worker container on PostgreSQL, through the
contract adapter authors use (``TaskRunnerContract``); the worker runs the contract's handler
in place of ``RunJobTask``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import attrs
import pytest

from tests.integration.tasks.conftest import Cluster
from v3core.ports.tasks import TaskKind, TaskRunner
from v3core.testing.contracts import TaskRunnerContract
from v3core.testing.contracts.tasks import RunTasksWith, TaskHandler

pytestmark = pytest.mark.postgres


@attrs.frozen
class _Handler:
    """What a worker container expects in place of ``RunJobTask``."""

    handler: TaskHandler

    def for_worker(self, name: str) -> _Handler:
        return self

    async def execute(self, kind: TaskKind, job_id: str) -> None:
        await self.handler(kind, job_id)


class TestProcrastinateTaskRunner(TaskRunnerContract):
    @pytest.fixture
    def task_runner_with(self, cluster: Cluster) -> RunTasksWith:
        @asynccontextmanager
        async def running(handler: TaskHandler) -> AsyncIterator[TaskRunner]:
            async with cluster.worker(_Handler(handler)):  # type: ignore[arg-type]
                yield cluster.runner

        return running
