"""The stateful job-workflow harness over the SQLAlchemy adapters: SQLite and PostgreSQL.

Each machine instance gets an empty, migrated database (SQLite: a copy of a file
migrated once; PostgreSQL: the session database with every table truncated) because
the harness's ids restart at ``id-1`` in every instance. The SQL units of work are the
ones the app wires (``entrypoints.storage.open_storage``), on the machine's own loop.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

from adapters.planners.template import TemplateScenePlanner
from adapters.sqlalchemy.tables import metadata
from entrypoints.storage import Storage, open_storage
from v3core.testing.workflow import WorkflowKit, workflow_machine

WORKFLOW_SETTINGS = settings(
    max_examples=12,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def machine_over(fresh_database_url: Callable[[], str]) -> type[RuleBasedStateMachine]:
    """The workflow machine on a fresh database per instance, its storage closed in teardown."""
    opened: list[Storage] = []

    async def make_kit() -> WorkflowKit:
        storage = open_storage(fresh_database_url())
        opened.append(storage)
        return WorkflowKit(uow=storage.uow_factory, planner=TemplateScenePlanner())

    base = workflow_machine(make_kit)

    class ClosingWorkflow(base):  # type: ignore[misc,valid-type]
        def teardown(self) -> None:
            while opened:
                self.run(opened.pop().close())
            super().teardown()

    return ClosingWorkflow


def test_the_workflow_keeps_its_rules_on_sqlite(sqlite_url: str, tmp_path: Path) -> None:
    template = Path(sa.make_url(sqlite_url).database or "")
    copies = iter(range(10_000))

    def fresh() -> str:
        path = tmp_path / f"workflow-{next(copies)}.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"

    run_state_machine_as_test(machine_over(fresh), settings=WORKFLOW_SETTINGS)


@pytest.mark.postgres
def test_the_workflow_keeps_its_rules_on_postgresql(postgres_url: str) -> None:
    engine = sa.create_engine(sa.make_url(postgres_url).set(drivername="postgresql+psycopg"))
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)

    def fresh() -> str:
        with engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {names} CASCADE"))
        return postgres_url

    try:
        run_state_machine_as_test(machine_over(fresh), settings=WORKFLOW_SETTINGS)
    finally:
        engine.dispose()
