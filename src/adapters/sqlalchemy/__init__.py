"""SQLAlchemy 2 (Core) storage for SQLite and PostgreSQL."""

from adapters.sqlalchemy.database import SqlDatabase, open_database
from adapters.sqlalchemy.engine import make_engine, make_inline_sqlite_engine
from adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork

__all__ = ["SqlAlchemyUnitOfWork", "SqlDatabase", "make_engine", "make_inline_sqlite_engine", "open_database"]
