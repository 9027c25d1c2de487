"""Is a database already at the newest schema? Answered without importing Alembic.

Importing Alembic costs a noticeable part of ``v3 serve``'s start-up; on an existing
database at the newest revision there is nothing for it to do. ``HEAD_REVISION`` must
name the newest migration (a test compares it with Alembic's own answer).
"""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.engine import async_url, sqlite_file
from adapters.sqlalchemy.outages import translate_outages

HEAD_REVISION = "0009"
"""The ``revision`` of the newest file in ``migrations/versions``."""


def sync_url(database_url: str) -> sa.URL:
    """``database_url`` with a synchronous driver (pysqlite, psycopg)."""
    url = async_url(database_url)
    driver = "sqlite+pysqlite" if url.get_backend_name() == "sqlite" else "postgresql+psycopg"
    return url.set(drivername=driver)


def database_at_head(database_url: str) -> bool:
    """Whether the database exists and its Alembic revision is ``HEAD_REVISION``
    (``StorageUnavailable`` when it cannot be reached)."""
    path = sqlite_file(database_url)
    if path is not None and not path.exists():
        return False
    engine = sa.create_engine(sync_url(database_url), poolclass=sa.pool.NullPool, hide_parameters=True)
    translate_outages(engine)  # an unreachable database is not "behind": say so before importing Alembic
    try:
        with engine.connect() as connection:
            found = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()
    return found == [HEAD_REVISION]
