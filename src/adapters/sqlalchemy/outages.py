"""A database that cannot be reached becomes ``StorageUnavailable``, on every engine we make.

One ``handle_error`` listener per engine (SQLAlchemy's own hook for rewriting driver
errors) tells an outage apart from a real failure, so every adapter sharing the engine
(units of work, the database blob store, job leases, ``/ready``, migrations) reports it
alike and nothing above the adapters ever looks at a SQLAlchemy exception. SQLAlchemy
still invalidates the broken connection (and the pool) before the new error is raised.

An outage is: a connection SQLAlchemy found broken (``is_disconnect``); on PostgreSQL an
operational/interface error without a SQLSTATE (refused, reset, closed) or of class 08
(connection), 53 (insufficient resources), 57 (operator intervention: shutdown,
terminated backend, cannot connect now) or 58 (system error); on SQLite a file that
cannot be opened, read or written, and — except for the inline engine, which retries
those itself — a database locked past its busy timeout. Constraint violations, bad SQL
and bad data are not outages.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import ExceptionContext

from v3core.errors import StorageUnavailable

_PG_OUTAGE_CLASSES = frozenset({"08", "53", "57", "58"})
_SQLITE_OUTAGES = ("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_READONLY", "SQLITE_PROTOCOL")
_SQLITE_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")


def driver_reason(error: BaseException | None) -> str:
    """The first line of a driver's message, without the SQL or its parameters."""
    if error is None:
        return ""
    text = str(error).strip().splitlines()
    return text[0][:300] if text else type(error).__name__


def is_outage(context: ExceptionContext, *, busy_is_outage: bool = True) -> bool:
    """Whether the failure SQLAlchemy reports in ``context`` means the database cannot be reached."""
    if context.is_disconnect:
        return True
    if not isinstance(context.sqlalchemy_exception, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        return False
    error = context.original_exception
    if context.dialect.name == "sqlite":
        name = str(getattr(error, "sqlite_errorname", ""))
        return name.startswith(_SQLITE_OUTAGES) or (busy_is_outage and name.startswith(_SQLITE_BUSY))
    state = getattr(error, "sqlstate", None)
    return state is None or str(state)[:2] in _PG_OUTAGE_CLASSES


def unavailable(error: BaseException | None) -> StorageUnavailable:
    """The domain error for an outage, keeping the driver's one-line reason for operators."""
    return StorageUnavailable(reason=driver_reason(error))


def translate_outages(engine: sa.Engine, *, busy_is_outage: bool = True) -> None:
    """Make ``engine`` (the ``sync_engine`` of an async one) raise ``StorageUnavailable`` on outages."""

    def on_error(context: ExceptionContext) -> Any:
        if context.is_pre_ping:
            return None  # the pool reconnects after a failed ping; only a failed reconnect is an outage
        if not isinstance(context.original_exception, Exception):
            return None  # a cancelled task (or Ctrl-C) stops the query: it stays a cancellation
        if is_outage(context, busy_is_outage=busy_is_outage):
            return unavailable(context.original_exception)
        return None

    sa.event.listen(engine, "handle_error", on_error)
