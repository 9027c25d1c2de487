"""The schema as SQLAlchemy Core tables (one ``MetaData``); rows map to entities in ``mappers``.

Every tenant table carries ``owner_id``. Lists are ordered newest first by
``(created_at, id)``, so each list filter has an index ending in those columns.
References: deleting a user removes everything it owns; deleting a client removes
its campaigns and jobs and detaches its assets; deleting a campaign detaches its
jobs and assets; deleting a job removes its scenes and detaches its assets.
"""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.types import UtcDateTime, id_type, json_type
from v3core.limits import (
    API_KEY_NAME_MAX_LENGTH,
    ASSET_NAME_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    IDEMPOTENCY_KEY_MAX_LENGTH,
    NAME_MAX_LENGTH,
    URL_MAX_LENGTH,
)

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _owner() -> sa.Column[str]:
    return sa.Column("owner_id", id_type(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


def _times() -> tuple[sa.Column[object], sa.Column[object]]:
    return (
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )


users = sa.Table(
    "users",
    metadata,
    sa.Column("id", id_type(), primary_key=True),
    sa.Column("email", sa.String(EMAIL_MAX_LENGTH), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255)),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", id_type(), primary_key=True),
    sa.Column("user_id", id_type(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("key_hash", sa.String(128), nullable=False),
    sa.Column("prefix", sa.String(32), nullable=False),
    sa.Column("name", sa.String(API_KEY_NAME_MAX_LENGTH)),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("last_used_at", UtcDateTime()),
    sa.Column("revoked_at", UtcDateTime()),
    sa.Index(None, "key_hash", unique=True),
    sa.Index(None, "user_id", "created_at", "id"),
)

clients = sa.Table(
    "clients",
    metadata,
    sa.Column("id", id_type(), primary_key=True),
    _owner(),
    sa.Column("name", sa.String(NAME_MAX_LENGTH), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("homepage", sa.Text),
    sa.Column("brand_guidelines", json_type(), nullable=False),
    sa.Column("metadata", json_type(), nullable=False),
    *_times(),
    sa.Index(None, "owner_id", "created_at", "id"),
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("id", id_type(), primary_key=True),
    _owner(),
    sa.Column("client_id", id_type(), sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(NAME_MAX_LENGTH), nullable=False),
    sa.Column("goal", sa.Text),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("product_url", sa.Text),
    sa.Column("brief", json_type()),
    sa.Column("metadata", json_type(), nullable=False),
    *_times(),
    sa.Index(None, "owner_id", "created_at", "id"),
    sa.Index(None, "client_id", "created_at", "id"),
    sa.Index(None, "owner_id", "status", "created_at", "id"),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", id_type(), primary_key=True),
    _owner(),
    sa.Column("client_id", id_type(), sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    sa.Column("campaign_id", id_type(), sa.ForeignKey("campaigns.id", ondelete="SET NULL")),
    sa.Column("brief", json_type(), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("progress", json_type(), nullable=False),
    sa.Column("asset_ids", json_type(), nullable=False),
    sa.Column("cost_estimated", sa.Float, nullable=False),
    sa.Column("cost_actual", sa.Float, nullable=False),
    sa.Column("cost_currency", sa.String(8), nullable=False),
    sa.Column("cost_breakdown", json_type(), nullable=False),
    sa.Column("error", json_type()),
    sa.Column("feedback", sa.Text),
    sa.Column("video_asset_id", id_type()),
    sa.Column("video_duration", sa.Float),
    sa.Column("idempotency_key", sa.String(IDEMPOTENCY_KEY_MAX_LENGTH)),
    sa.Column("request_hash", sa.String(128)),
    sa.Column("version", sa.Integer, nullable=False),
    # the sequence number of the job's last event: the next one takes it + 1 on this row,
    # whose lock makes concurrent writers of one job take turns (decision 0170)
    sa.Column("event_seq", sa.Integer, nullable=False, server_default="0"),
    *_times(),
    sa.Index(None, "owner_id", "created_at", "id"),
    sa.Index(None, "client_id", "created_at", "id"),
    sa.Index(None, "campaign_id", "created_at", "id"),
    sa.Index(None, "owner_id", "status", "created_at", "id"),
    sa.Index(None, "status", "created_at", "id"),
    sa.Index(None, "owner_id", "idempotency_key", unique=True),
    # covering the stats aggregates, so they read the index and never the rows
    sa.Index(None, "owner_id", "client_id", "status", "cost_actual"),
    sa.Index(None, "owner_id", "campaign_id", "status", "cost_actual"),
)

assets = sa.Table(
    "assets",
    metadata,
    sa.Column("id", id_type(), primary_key=True),
    _owner(),
    sa.Column("client_id", id_type(), sa.ForeignKey("clients.id", ondelete="SET NULL")),
    sa.Column("campaign_id", id_type(), sa.ForeignKey("campaigns.id", ondelete="SET NULL")),
    sa.Column("job_id", id_type(), sa.ForeignKey("jobs.id", ondelete="SET NULL")),
    sa.Column("name", sa.String(ASSET_NAME_MAX_LENGTH), nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("format", sa.String(16), nullable=False),
    sa.Column("content_type", sa.String(255), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("checksum", sa.String(64), nullable=False),
    sa.Column("blob_id", sa.String(64), nullable=False),
    sa.Column("width", sa.Integer),
    sa.Column("height", sa.Integer),
    sa.Column("duration", sa.Float),
    sa.Column("source_url", sa.Text),
    sa.Column("tags", json_type(), nullable=False),
    sa.Column("generation", json_type()),
    *_times(),
    sa.Index(None, "owner_id", "created_at", "id"),
    sa.Index(None, "client_id", "created_at", "id"),
    sa.Index(None, "campaign_id", "created_at", "id"),
    sa.Index(None, "owner_id", "type", "created_at", "id"),
    sa.Index(None, "job_id"),
    sa.Index(None, "blob_id"),
)

asset_tags = sa.Table(
    "asset_tags",
    metadata,
    sa.Column("asset_id", id_type(), sa.ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag", sa.String(100), primary_key=True),
    sa.Column("owner_id", id_type(), nullable=False),
    sa.Index(None, "owner_id", "tag", "asset_id"),
)

blob_refs = sa.Table(
    "blob_refs",
    metadata,
    sa.Column("blob_id", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("content_type", sa.String(255), nullable=False),
    sa.Column("refcount", sa.Integer, nullable=False),
)

asset_blobs = sa.Table(
    "asset_blobs",
    metadata,
    sa.Column("blob_id", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

scenes = sa.Table(
    "scenes",
    metadata,
    sa.Column("id", id_type(), primary_key=True),
    sa.Column("job_id", id_type(), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("duration", sa.Float, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("script", sa.Text, nullable=False),
    sa.Column("shot_type", sa.String(64), nullable=False),
    sa.Column("transition", sa.String(64), nullable=False),
    sa.Column("asset_ids", json_type(), nullable=False),
    sa.Column("metadata", json_type(), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("preview_asset_id", id_type(), sa.ForeignKey("assets.id", ondelete="SET NULL")),
    sa.Column("voiceover", json_type()),
    *_times(),
    sa.Index(None, "job_id", "number"),
)

job_events = sa.Table(
    "job_events",
    metadata,
    sa.Column("job_id", id_type(), sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    _owner(),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("data", json_type(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)
"""The per-job event log (SPEC §11): ``(job_id, seq)`` is unique, so two writers can never
give one job the same sequence number."""

webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("id", id_type(), primary_key=True),
    _owner(),
    sa.Column("url", sa.String(URL_MAX_LENGTH), nullable=False),
    sa.Column("events", json_type(), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("secret", sa.String(128), nullable=False),
    *_times(),
    sa.Index(None, "owner_id", "created_at", "id"),
)
"""A tenant's webhook endpoints (SPEC §11). ``secret`` must stay readable: it signs deliveries."""

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", id_type(), primary_key=True),
    sa.Column("webhook_id", id_type(), sa.ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    _owner(),
    sa.Column("job_id", id_type(), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("round_attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime()),
    sa.Column("last_attempt_at", UtcDateTime()),
    sa.Column("last_status_code", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("delivered_at", UtcDateTime()),
    *_times(),
    sa.UniqueConstraint("webhook_id", "job_id", "seq"),
    sa.Index(None, "webhook_id", "created_at", "id"),
    sa.Index(None, "state", "next_attempt_at"),
)
"""The outbox of webhook deliveries: one row per event and endpoint (``(webhook_id, job_id, seq)``
unique, so dispatching an event twice stores it once). ``job_id`` is not a foreign key: the
delivery log outlives a deleted job."""

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("key", id_type(), primary_key=True),
    sa.Column("window_end", sa.BigInteger, nullable=False),
    sa.Column("hits", sa.Integer, nullable=False),
    sa.Index(None, "window_end"),
)
"""Failed-login budgets on PostgreSQL (decision 0120): one fixed-window counter per account or
client address, ``key`` the sha256 of which (nothing in clear), ``window_end`` in Unix seconds of
the database clock. Rows of past windows are purged from time to time. On PostgreSQL the table is
``UNLOGGED`` (migration 0009): no WAL flush per failed login, and a crash only resets budgets."""

sa.Index("ix_job_events_type_created_at", job_events.c.type, job_events.c.created_at)
"""Webhook recovery finds the few events of webhook types among the many progress events."""
