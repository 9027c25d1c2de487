"""A command that cannot start says so in one line: what failed and what to check (exit 1).

``explain(error, database_url)`` turns the failures of start-up (settings, a malformed or
unsupported ``DATABASE_URL``, a database that cannot be reached or refuses us) into that
line; anything else is a bug and keeps its traceback. Database URLs are shown redacted.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from adapters.sqlalchemy.engine import sqlite_file
from adapters.sqlalchemy.outages import driver_reason
from entrypoints.storage import MEMORY_URL
from v3core.errors import StorageUnavailable
from v3core.redaction import redact_url

SUPPORTED = "sqlite:///path/to/v3.db, postgresql://user@host:5432/dbname or memory://"
BACKENDS = frozenset({"sqlite", "postgresql", "postgres"})


def configured_database_url() -> str:
    """``DATABASE_URL`` as the settings read it (the default when unset)."""
    from entrypoints.settings import Settings

    for name, value in os.environ.items():
        if name.upper() == "DATABASE_URL":
            return value
    return str(Settings.model_fields["database_url"].default)


def url_problem(database_url: str) -> str | None:
    """Why ``database_url`` cannot name a database this service supports (None when it can)."""
    if database_url.startswith(MEMORY_URL):
        return None
    shown = redact_url(database_url)
    try:
        url = make_url(database_url)
    except sa.exc.ArgumentError:
        return f"DATABASE_URL is not a database URL (no scheme://): use {SUPPORTED}"
    backend = url.get_backend_name()
    if backend not in BACKENDS:
        return f"DATABASE_URL names an unsupported database {backend!r} ({shown}): use {SUPPORTED}"
    try:
        sqlite_file(database_url)
    except ValueError as error:
        return f"DATABASE_URL={shown}: {error}"
    return None


def _is_connection_failure(error: BaseException) -> bool:
    names = {cls.__module__.split(".")[0] + "." + cls.__name__ for cls in type(error).__mro__}
    return bool(names & {"psycopg.OperationalError", "procrastinate.ConnectorException"}) or isinstance(
        error, sa.exc.DBAPIError
    )


def explain(error: BaseException, database_url: str) -> str | None:
    """One line saying what failed and what to check, or None when ``error`` is not a start-up
    failure this module knows (a bug: let its traceback show)."""
    if isinstance(error, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper() or 'settings'}: {e['msg']}" for e in error.errors()
        )
        return f"invalid settings: {problems} (check the environment variables)"
    problem = url_problem(database_url)
    if problem is not None:
        return problem
    shown = redact_url(database_url)
    if isinstance(error, StorageUnavailable):
        reason = f" ({error.reason})" if error.reason else ""
        return (
            f"cannot reach the database at {shown}{reason}: check DATABASE_URL (host, port, "
            "database name, user) and that the database server is running and accepts connections"
        )
    if _is_connection_failure(error):
        cause = error.orig if isinstance(error, sa.exc.DBAPIError) else error
        return (
            f"the database at {shown} refused to serve us ({driver_reason(cause)}): check DATABASE_URL "
            "(host, port, database name, user, password) and that the database exists"
        )
    return None
