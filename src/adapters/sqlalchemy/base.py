"""What every SQLAlchemy repository shares: the unit of work's connection and list paging."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult, Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from v3core.errors import Conflict
from v3core.ports.storage import Page, PageRequest

T = TypeVar("T")


class Transaction:
    """The connection of one unit of work, opened on enter; constraint violations become ``Conflict``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._connection: AsyncConnection | None = None

    @property
    def connection(self) -> AsyncConnection:
        """The open connection (only inside ``async with`` of the unit of work)."""
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use it inside 'async with'")
        return self._connection

    async def open(self) -> None:
        self._connection = await self.engine.connect()

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    async def execute(
        self, statement: sa.Executable, params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None
    ) -> CursorResult[Any]:
        try:
            return await self.connection.execute(statement, params)
        except sa.exc.IntegrityError as error:
            raise Conflict(f"the change breaks a database constraint: {error.orig}") from error

    async def scalar(self, statement: sa.Executable, params: Mapping[str, Any] | None = None) -> Any:
        return (await self.execute(statement, params)).scalar()


def newest_first(table: sa.Table) -> tuple[sa.UnaryExpression[Any], sa.UnaryExpression[Any]]:
    """The default list order: ``created_at`` then ``id``, both descending."""
    return (table.c.created_at.desc(), table.c.id.desc())


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
