"""Throw-away PostgreSQL databases on the local server, for tests and benchmarks."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from adapters.sqlalchemy.migrate import upgrade_database

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def scratch_postgres(prefix: str, *, migrate: bool = True, admin_url: str = PG_ADMIN) -> Iterator[str]:
    """A new database ``<prefix>_<random>`` on ``admin_url``'s server (migrated to the newest
    schema unless ``migrate`` is false); dropped afterwards, whoever is still connected."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        if migrate:
            upgrade_database(url)
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
