"""What every SQLAlchemy repository shares: the unit of work's transaction and list paging.

Two transactions implement the same small interface. ``AsyncTransaction`` runs on an
``AsyncEngine`` (PostgreSQL with psycopg, or any async driver). ``InlineSqliteTransaction``
runs SQLite on a synchronous engine right on the event-loop thread: a SQLite statement
takes microseconds, far less than handing it to a driver thread, and a locked database
is never waited for in SQLite's busy handler (``busy_timeout=0``) but retried after an
``asyncio.sleep``, so the loop keeps running.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult, Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.fastread import all_rows, first_row
from adapters.sqlalchemy.outages import driver_reason, unavailable
from v3core.errors import Conflict
from v3core.ports.storage import Page, PageRequest

T = TypeVar("T")
Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None


FAILED = (
    "a constraint violation aborted this unit of work (as it aborts a PostgreSQL transaction): "
    "roll back or leave it, and use a new one"
)


def _conflict(error: sa.exc.IntegrityError) -> Conflict:
    # the first line only: PostgreSQL's DETAIL line quotes the offending values
    return Conflict(f"the change breaks a database constraint: {driver_reason(error.orig)}")


class _Health:
    """After a constraint violation PostgreSQL refuses every statement until rollback;
    both SQL transactions (and the in-memory fake) refuse alike, so no backend lets a use
    case carry on where another would fail."""

    failed = False

    def check(self) -> None:
        if self.failed:
            raise RuntimeError(FAILED)


class Transaction(Protocol):
    """The connection of one unit of work; constraint violations become ``Conflict``."""

    dialect: str

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    async def execute(self, statement: sa.Executable, params: Params = None) -> CursorResult[Any]: ...
    async def scalar(self, statement: sa.Executable, params: Mapping[str, Any] | None = None) -> Any: ...
    async def fetch_first(self, statement: sa.Select[Any], params: Mapping[str, Any]) -> Any:
        """The first row of a long-lived (module-level or cached) SELECT, or ``None``."""
        ...

    async def fetch_all(self, statement: sa.Select[Any], params: Mapping[str, Any]) -> list[Any]:
        """Every row of a long-lived (module-level or cached) SELECT."""
        ...


class AsyncTransaction(_Health, Transaction):
    """A transaction on an ``AsyncConnection`` checked out of ``engine`` on open."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._connection: AsyncConnection | None = None

    @property
    def connection(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use it inside 'async with'")
        return self._connection

    async def open(self) -> None:
        self._connection = await self.engine.connect()

    async def close(self) -> None:
        self.failed = False
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    async def commit(self) -> None:
        self.check()
        await self.connection.commit()

    async def rollback(self) -> None:
        self.failed = False
        await self.connection.rollback()

    async def execute(self, statement: sa.Executable, params: Params = None) -> CursorResult[Any]:
        self.check()
        try:
            return await self.connection.execute(statement, params)
        except sa.exc.IntegrityError as error:
            self.failed = True
            raise _conflict(error) from error

    async def scalar(self, statement: sa.Executable, params: Mapping[str, Any] | None = None) -> Any:
        return (await self.execute(statement, params)).scalar()

    async def fetch_first(self, statement: sa.Select[Any], params: Mapping[str, Any]) -> Any:
        return (await self.execute(statement, params)).first()

    async def fetch_all(self, statement: sa.Select[Any], params: Mapping[str, Any]) -> list[Any]:
        return list(await self.execute(statement, params))


def _is_busy(error: sa.exc.OperationalError) -> bool:
    text = str(error.orig).lower()
    return "locked" in text or "busy" in text


class InlineSqliteTransaction(_Health, Transaction):
    """A SQLite transaction on a synchronous ``engine``, run on the calling thread.

    A statement refused because another connection holds the write lock had no effect;
    it is retried after a growing ``asyncio.sleep`` until ``busy_timeout`` seconds pass,
    then ``StorageUnavailable`` is raised (the database is locked by someone else).
    """

    dialect = "sqlite"

    def __init__(self, engine: sa.Engine, busy_timeout: float = 5.0) -> None:
        self.engine = engine
        self.busy_timeout = busy_timeout
        self._connection: sa.Connection | None = None

    @property
    def connection(self) -> sa.Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use it inside 'async with'")
        return self._connection

    async def open(self) -> None:
        self._connection = self.engine.connect()

    async def close(self) -> None:
        self.failed = False
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    async def commit(self) -> None:
        self.check()
        await self._retrying(self.connection.commit)

    async def rollback(self) -> None:
        self.failed = False
        self.connection.rollback()

    async def fetch_first(self, statement: sa.Select[Any], params: Mapping[str, Any]) -> Any:
        """Straight on the driver connection (``fastread``): a fraction of the execute path."""
        self.check()
        connection = self.connection
        return await self._retrying(lambda: first_row(connection, statement, params))

    async def fetch_all(self, statement: sa.Select[Any], params: Mapping[str, Any]) -> list[Any]:
        """Straight on the driver connection (``fastread``)."""
        self.check()
        connection = self.connection
        return await self._retrying(lambda: all_rows(connection, statement, params))

    async def execute(self, statement: sa.Executable, params: Params = None) -> CursorResult[Any]:
        self.check()
        connection = self.connection
        try:
            return await self._retrying(lambda: connection.execute(statement, params))
        except sa.exc.IntegrityError as error:
            self.failed = True
            raise _conflict(error) from error

    async def scalar(self, statement: sa.Executable, params: Mapping[str, Any] | None = None) -> Any:
        return (await self.execute(statement, params)).scalar()

    async def _retrying(self, work: Callable[[], T]) -> T:
        try:
            return work()
        except sa.exc.OperationalError as error:
            if not _is_busy(error):
                raise
        deadline = time.monotonic() + self.busy_timeout
        delay = 0.001
        while True:
            await asyncio.sleep(delay)
            try:
                return work()
            except sa.exc.OperationalError as error:
                if not _is_busy(error):
                    raise
                if time.monotonic() >= deadline:
                    raise unavailable(error.orig) from error
            delay = min(delay * 2, 0.05)


@functools.cache
def by_id(table: sa.Table, scope: str | None = None) -> sa.Select[Any]:
    """``SELECT * FROM table WHERE id = :id [AND <scope> = :scope]``, built once (building a
    statement costs more than running it on SQLite)."""
    query = sa.select(table).where(table.c.id == sa.bindparam("id"))
    return query.where(table.c[scope] == sa.bindparam("scope")) if scope else query


def newest_first(table: sa.Table) -> tuple[sa.UnaryExpression[Any], sa.UnaryExpression[Any]]:
    """The default list order: ``created_at`` then ``id``, both descending."""
    return (table.c.created_at.desc(), table.c.id.desc())


def owned(table: sa.Table, owner_id: str, **equal: str | None) -> list[sa.ColumnElement[bool]]:
    """``owner_id = :owner`` plus ``column = value`` for each filter that was given (not None)."""
    where = [table.c.owner_id == owner_id]
    where.extend(table.c[column] == value for column, value in equal.items() if value is not None)
    return where


async def page_of(
    tx: Transaction,
    table: sa.Table,
    where: Sequence[sa.ColumnElement[bool]],
    page: PageRequest,
    to_entity: Callable[[Row[Any]], T],
) -> Page[T]:
    """One page of ``table`` rows matching ``where``, newest first, with the total count.

    The count query is skipped when the page itself shows the total (a short page).
    """
    query = (
        sa.select(table).where(*where).order_by(*newest_first(table)).limit(page.limit).offset(page.offset)
    )
    rows = (await tx.execute(query)).all()
    if 0 < len(rows) < page.limit or (page.offset == 0 and len(rows) < page.limit):
        total = page.offset + len(rows)
    else:
        total = await tx.scalar(sa.select(sa.func.count()).select_from(table).where(*where))
    return Page(items=[to_entity(r) for r in rows], total=int(total))
