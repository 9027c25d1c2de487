"""Shared fixtures: migrated throw-away databases (session-scoped) for every test tier.

``postgres_url`` needs the server on 127.0.0.1:5432 (user postgres, trust auth). When it
is unreachable the tests using it are skipped, unless the environment variable ``CI`` is
set: then they fail, so a CI run can never pass without PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, Phase, settings

from adapters.sqlalchemy.migrate import upgrade_database
from tests.scratch_db import PG_ADMIN, scratch_postgres

# Property tests: no per-example deadline (a shared 2-core machine makes timing noise, and
# speed is measured by benchmarks, not tests). Under CI the examples are derandomized, so a
# submission's gate is reproducible; locally each run explores new examples.
settings.register_profile("local", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
# "mutation": no shrinking, so a mutant that a property kills fails in seconds (nox -s mutate and
# the by-hand mutation checks of docs/testing.md set HYPOTHESIS_PROFILE=mutation).
settings.register_profile("mutation", deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "local"))

PG_UNREACHABLE = "PostgreSQL not reachable at 127.0.0.1:5432 (CI not set)"


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file for the whole session."""
    path: Path = tmp_path_factory.mktemp("sqlite") / "v3.db"
    url = f"sqlite:///{path}"
    upgrade_database(url)
    return url


def _admin() -> psycopg.Connection:
    try:
        return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL not reachable at 127.0.0.1:5432 and CI is set: {error}")
        pytest.skip(PG_UNREACHABLE)


def migrated_postgres(prefix: str) -> Iterator[str]:
    """A migrated PostgreSQL database ``<prefix>_<random>``, dropped afterwards (skipped, or
    failed under CI, when the server is unreachable)."""
    _admin().close()
    with scratch_postgres(prefix) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database for the whole session."""
    yield from migrated_postgres("v3test")


@pytest.fixture
def own_database() -> Iterator[str]:
    """A migrated PostgreSQL database for one test alone: on the session's shared database the
    in-process runner of another test's app (same pytest worker) would see that test's jobs
    unfinished and run them too."""
    yield from migrated_postgres("v3own")
