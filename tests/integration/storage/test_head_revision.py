"""The start-up shortcut's idea of the newest schema matches Alembic's."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

from adapters.sqlalchemy.migrate import alembic_config, upgrade_database
from adapters.sqlalchemy.revision import HEAD_REVISION, database_at_head


def test_head_revision_names_the_newest_migration() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_heads() == [HEAD_REVISION]


def test_a_missing_or_unmigrated_database_is_not_at_head_and_a_migrated_one_is(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/v3.db"
    assert not database_at_head(url)
    assert not (tmp_path / "v3.db").exists(), "the check must not create the database"
    upgrade_database(url)
    assert database_at_head(url)


def test_postgres_database_at_head(postgres_url: str) -> None:
    assert database_at_head(postgres_url)
