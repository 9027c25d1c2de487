"""login_failures: failed-login budgets shared by every process on the database

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The column types as they were at this revision (frozen here, not imported from the app).
ID = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")


def upgrade() -> None:
    # UNLOGGED on PostgreSQL: a counter write then waits for no WAL flush at commit (a failed
    # login must not pay an fsync); after a database crash the budgets simply start afresh.
    unlogged = ["UNLOGGED"] if op.get_bind().dialect.name == "postgresql" else []
    op.create_table(
        "login_failures",
        sa.Column("key", ID, nullable=False),
        sa.Column("window_end", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_failures")),
        prefixes=unlogged,
    )
    op.create_index(op.f("ix_login_failures_window_end"), "login_failures", ["window_end"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_login_failures_window_end"), table_name="login_failures")
    op.drop_table("login_failures")
