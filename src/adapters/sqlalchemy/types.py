"""Portable column types: ids, UTC datetimes and JSON documents on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import Dialect

from v3core.limits import ID_MAX_LENGTH


def id_type() -> sa.types.TypeEngine[str]:
    """A short string id; byte-wise ("C") collation on PostgreSQL so ``ORDER BY id``
    agrees with SQLite and Python."""
    return sa.String(ID_MAX_LENGTH).with_variant(sa.String(ID_MAX_LENGTH, collation="C"), "postgresql")


def json_type() -> sa.types.TypeEngine[Any]:
    """A JSON document (JSONB on PostgreSQL)."""
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    SQLite has no time zones: values are stored as naive UTC text
    ``YYYY-MM-DD HH:MM:SS.ffffff`` (SQLAlchemy's own format; fixed width, so text order
    is time order), parsed back with ``datetime.fromisoformat`` and tagged UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return _SqliteRawDateTime()  # type: ignore[no-untyped-call]
        return dialect.type_descriptor(sa.DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC-aware one is required")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None).isoformat(" ", "microseconds")
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value if value.tzinfo is UTC else value.astimezone(UTC)  # type: ignore[no-any-return]


class _SqliteRawDateTime(sqlite.DATETIME):
    """SQLite's DATETIME column without SQLAlchemy's own (regex-based) conversion:
    ``UtcDateTime`` converts the text itself."""

    def bind_processor(self, dialect: Dialect) -> None:
        return None

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        return None
