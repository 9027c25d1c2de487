"""SQLAlchemy 2 (async, Core) storage for SQLite and PostgreSQL."""

from adapters.sqlalchemy.engine import make_engine
from adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork

__all__ = ["SqlAlchemyUnitOfWork", "make_engine"]
