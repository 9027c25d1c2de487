"""The stateful job-workflow harness over the SQLAlchemy adapters: SQLite and PostgreSQL.

Each machine instance gets an empty, migrated database (SQLite: a copy of a file
migrated once for the module; PostgreSQL: the session database with every table emptied) because
the harness's ids restart at ``id-1`` in every instance. The SQL units of work are the
ones the app wires (``entrypoints.storage.open_storage``), on the machine's own loop, run
through ``WorkflowContract`` as an adapter author would.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings

from adapters.planners.template import TemplateScenePlanner
from adapters.sqlalchemy.migrate import upgrade_database
from adapters.sqlalchemy.tables import metadata
from entrypoints.storage import open_storage
from v3core.testing.contracts import WorkflowContract
from v3core.testing.contracts.workflow import MakeWorkflowKit
from v3core.testing.services import WorkflowKit

WORKFLOW_SETTINGS = settings(
    max_examples=15,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
POSTGRES_SETTINGS = settings(WORKFLOW_SETTINGS, max_examples=8, stateful_step_count=25)
"""Fewer runs on PostgreSQL: each commit waits for an fsync (≈ 2.5 ms here), SQLite's do not."""


def kits_over(fresh_database_url: Callable[[], str]) -> MakeWorkflowKit:
    """Kits on a fresh database each, their storage closed when the run ends."""

    async def make_kit() -> WorkflowKit:
        storage = open_storage(fresh_database_url())
        return WorkflowKit(uow=storage.uow_factory, planner=TemplateScenePlanner(), close=storage.close)

    return make_kit


@pytest.fixture(scope="module")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once and never opened by anyone else (safe to copy)."""
    path = tmp_path_factory.mktemp("workflow") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    return path


class TestWorkflowOnSqlite(WorkflowContract):
    workflow_settings = WORKFLOW_SETTINGS

    @pytest.fixture
    def make_workflow_kit(self, migrated_sqlite_file: Path, tmp_path: Path) -> MakeWorkflowKit:
        copies = iter(range(10_000))

        def fresh() -> str:
            path = tmp_path / f"workflow-{next(copies)}.db"
            shutil.copyfile(migrated_sqlite_file, path)
            return f"sqlite:///{path}"

        return kits_over(fresh)


@pytest.mark.postgres
class TestWorkflowOnPostgresql(WorkflowContract):
    workflow_settings = POSTGRES_SETTINGS
    must_reach = frozenset()  # 8 runs: too few to count on every end; SQLite and memory check them

    @pytest.fixture
    def make_workflow_kit(self, postgres_url: str) -> Iterator[MakeWorkflowKit]:
        engine = sa.create_engine(sa.make_url(postgres_url).set(drivername="postgresql+psycopg"))

        def fresh() -> str:
            with engine.begin() as connection:  # DELETE: much faster than TRUNCATE on tiny tables
                for table in reversed(metadata.sorted_tables):
                    connection.execute(table.delete())
            return postgres_url

        yield kits_over(fresh)
        engine.dispose()
