"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 00:03:04.464536
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The column types as they were at this revision (frozen here, not imported from the app).
ID = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")
JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "asset_blobs",
        sa.Column("blob_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("blob_id", "seq", name=op.f("pk_asset_blobs")),
    )
    op.create_table(
        "blob_refs",
        sa.Column("blob_id", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("refcount", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("blob_id", name=op.f("pk_blob_refs")),
    )
    op.create_table(
        "users",
        sa.Column("id", ID, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("key_hash", sa.String(length=128), nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_used_at", TS, nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
    )
    op.create_index(op.f("ix_api_keys_key_hash"), "api_keys", ["key_hash"], unique=True)
    op.create_index(
        op.f("ix_api_keys_user_id_created_at_id"), "api_keys", ["user_id", "created_at", "id"], unique=False
    )

    op.create_table(
        "clients",
        sa.Column("id", ID, nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("homepage", sa.Text(), nullable=True),
        sa.Column("brand_guidelines", JSON, nullable=False),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_clients_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
    )
    op.create_index(
        op.f("ix_clients_owner_id_created_at_id"), "clients", ["owner_id", "created_at", "id"], unique=False
    )

    op.create_table(
        "campaigns",
        sa.Column("id", ID, nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("goal", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("product_url", sa.Text(), nullable=True),
        sa.Column("brief", JSON, nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_campaigns_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_campaigns_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.create_index(
        op.f("ix_campaigns_client_id_created_at_id"),
        "campaigns",
        ["client_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_campaigns_owner_id_created_at_id"),
        "campaigns",
        ["owner_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_campaigns_owner_id_status_created_at_id"),
        "campaigns",
        ["owner_id", "status", "created_at", "id"],
        unique=False,
    )

    op.create_table(
        "jobs",
        sa.Column("id", ID, nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("campaign_id", ID, nullable=True),
        sa.Column("brief", JSON, nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("progress", JSON, nullable=False),
        sa.Column("asset_ids", JSON, nullable=False),
        sa.Column("cost_estimated", sa.Float(), nullable=False),
        sa.Column("cost_actual", sa.Float(), nullable=False),
        sa.Column("cost_currency", sa.String(length=8), nullable=False),
        sa.Column("cost_breakdown", JSON, nullable=False),
        sa.Column("error", JSON, nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("video_asset_id", ID, nullable=True),
        sa.Column("video_duration", sa.Float(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("request_hash", sa.String(length=128), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_jobs_campaign_id_campaigns"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_jobs_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_jobs_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index(
        op.f("ix_jobs_campaign_id_created_at_id"), "jobs", ["campaign_id", "created_at", "id"], unique=False
    )
    op.create_index(
        op.f("ix_jobs_client_id_created_at_id"), "jobs", ["client_id", "created_at", "id"], unique=False
    )
    op.create_index(
        op.f("ix_jobs_owner_id_created_at_id"), "jobs", ["owner_id", "created_at", "id"], unique=False
    )
    op.create_index(
        op.f("ix_jobs_owner_id_idempotency_key"), "jobs", ["owner_id", "idempotency_key"], unique=True
    )
    op.create_index(
        op.f("ix_jobs_owner_id_status_created_at_id"),
        "jobs",
        ["owner_id", "status", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_jobs_status_created_at_id"), "jobs", ["status", "created_at", "id"], unique=False
    )
    op.create_index(
        op.f("ix_jobs_owner_id_client_id_status_cost_actual"),
        "jobs",
        ["owner_id", "client_id", "status", "cost_actual"],
        unique=False,
    )
    op.create_index(
        op.f("ix_jobs_owner_id_campaign_id_status_cost_actual"),
        "jobs",
        ["owner_id", "campaign_id", "status", "cost_actual"],
        unique=False,
    )

    op.create_table(
        "assets",
        sa.Column("id", ID, nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=True),
        sa.Column("campaign_id", ID, nullable=True),
        sa.Column("job_id", ID, nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("blob_id", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_assets_campaign_id_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_assets_client_id_clients"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_assets_job_id_jobs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_assets_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assets")),
    )
    op.create_index(op.f("ix_assets_blob_id"), "assets", ["blob_id"], unique=False)
    op.create_index(
        op.f("ix_assets_campaign_id_created_at_id"),
        "assets",
        ["campaign_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_assets_client_id_created_at_id"), "assets", ["client_id", "created_at", "id"], unique=False
    )
    op.create_index(op.f("ix_assets_job_id"), "assets", ["job_id"], unique=False)
    op.create_index(
        op.f("ix_assets_owner_id_created_at_id"), "assets", ["owner_id", "created_at", "id"], unique=False
    )
    op.create_index(
        op.f("ix_assets_owner_id_type_created_at_id"),
        "assets",
        ["owner_id", "type", "created_at", "id"],
        unique=False,
    )

    op.create_table(
        "scenes",
        sa.Column("id", ID, nullable=False),
        sa.Column("job_id", ID, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("script", sa.Text(), nullable=False),
        sa.Column("shot_type", sa.String(length=64), nullable=False),
        sa.Column("transition", sa.String(length=64), nullable=False),
        sa.Column("asset_ids", JSON, nullable=False),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_scenes_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenes")),
    )
    op.create_index(op.f("ix_scenes_job_id_number"), "scenes", ["job_id", "number"], unique=False)

    op.create_table(
        "asset_tags",
        sa.Column("asset_id", ID, nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"], name=op.f("fk_asset_tags_asset_id_assets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("asset_id", "tag", name=op.f("pk_asset_tags")),
    )
    op.create_index(
        op.f("ix_asset_tags_owner_id_tag_asset_id"),
        "asset_tags",
        ["owner_id", "tag", "asset_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_asset_tags_owner_id_tag_asset_id"), table_name="asset_tags")

    op.drop_table("asset_tags")
    op.drop_index(op.f("ix_scenes_job_id_number"), table_name="scenes")

    op.drop_table("scenes")
    op.drop_index(op.f("ix_assets_owner_id_type_created_at_id"), table_name="assets")
    op.drop_index(op.f("ix_assets_owner_id_created_at_id"), table_name="assets")
    op.drop_index(op.f("ix_assets_job_id"), table_name="assets")
    op.drop_index(op.f("ix_assets_client_id_created_at_id"), table_name="assets")
    op.drop_index(op.f("ix_assets_campaign_id_created_at_id"), table_name="assets")
    op.drop_index(op.f("ix_assets_blob_id"), table_name="assets")

    op.drop_table("assets")
    op.drop_index(op.f("ix_jobs_owner_id_campaign_id_status_cost_actual"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_owner_id_client_id_status_cost_actual"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_status_created_at_id"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_owner_id_status_created_at_id"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_owner_id_idempotency_key"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_owner_id_created_at_id"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_client_id_created_at_id"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_campaign_id_created_at_id"), table_name="jobs")

    op.drop_table("jobs")
    op.drop_index(op.f("ix_campaigns_owner_id_status_created_at_id"), table_name="campaigns")
    op.drop_index(op.f("ix_campaigns_owner_id_created_at_id"), table_name="campaigns")
    op.drop_index(op.f("ix_campaigns_client_id_created_at_id"), table_name="campaigns")

    op.drop_table("campaigns")
    op.drop_index(op.f("ix_clients_owner_id_created_at_id"), table_name="clients")

    op.drop_table("clients")
    op.drop_index(op.f("ix_api_keys_user_id_created_at_id"), table_name="api_keys")
    op.drop_index(op.f("ix_api_keys_key_hash"), table_name="api_keys")

    op.drop_table("api_keys")
    op.drop_table("users")
    op.drop_table("blob_refs")
    op.drop_table("asset_blobs")
