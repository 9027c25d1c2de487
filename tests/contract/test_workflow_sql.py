"""The stateful job-workflow harness over the SQLAlchemy adapters: SQLite and PostgreSQL.

Each machine instance gets an empty, migrated database (SQLite: a copy of a file
migrated once for the module; PostgreSQL: the session database with every table emptied) because
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
from adapters.sqlalchemy.migrate import upgrade_database
from adapters.sqlalchemy.tables import metadata
from entrypoints.storage import Storage, open_storage
from v3core.testing.workflow import WorkflowKit, workflow_machine

WORKFLOW_SETTINGS = settings(
    max_examples=15,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
POSTGRES_SETTINGS = settings(WORKFLOW_SETTINGS, max_examples=8, stateful_step_count=25)
"""Fewer runs on PostgreSQL: each commit waits for an fsync (≈ 2.5 ms here), SQLite's do not."""


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


@pytest.fixture(scope="module")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once and never opened by anyone else (safe to copy)."""
    path = tmp_path_factory.mktemp("workflow") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    return path


def test_the_workflow_keeps_its_rules_on_sqlite(migrated_sqlite_file: Path, tmp_path: Path) -> None:
    template = migrated_sqlite_file
    copies = iter(range(10_000))

    def fresh() -> str:
        path = tmp_path / f"workflow-{next(copies)}.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"

    machine = machine_over(fresh)
    run_state_machine_as_test(machine, settings=WORKFLOW_SETTINGS)
    assert {"completed", "failed", "cancelled"} <= machine.reached, f"runs only reached {machine.reached}"


@pytest.mark.postgres
def test_the_workflow_keeps_its_rules_on_postgresql(postgres_url: str) -> None:
    engine = sa.create_engine(sa.make_url(postgres_url).set(drivername="postgresql+psycopg"))

    def fresh() -> str:
        with engine.begin() as connection:  # DELETE: much faster than TRUNCATE on tiny tables
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())
        return postgres_url

    try:
        run_state_machine_as_test(machine_over(fresh), settings=POSTGRES_SETTINGS)
    finally:
        engine.dispose()
