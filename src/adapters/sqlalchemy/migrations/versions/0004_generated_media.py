"""generated media: assets.generation, scenes.preview_asset_id

Revision ID: 0004
Revises: 0001
Create Date: 2026-12-02 02:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The column types as they were at this revision (frozen here, not imported from the app).
ID = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")
JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("generation", JSON, nullable=True))
    with op.batch_alter_table("scenes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("preview_asset_id", ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_scenes_preview_asset_id_assets"),
            "assets",
            ["preview_asset_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("scenes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_scenes_preview_asset_id_assets"), type_="foreignkey")
        batch_op.drop_column("preview_asset_id")
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.drop_column("generation")
