"""The ``v3`` command: serve the API, migrate, manage users and keys, write the schema.

Every command reads its settings from the environment (``DATABASE_URL``...). Commands
that print a new API key print it alone on the last line of stdout, so scripts can
capture it with ``| tail -n 1``. Add a command with ``@main.command()`` (or a group
with ``@main.group()``) below.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click

from entrypoints.container import Container, build_container, close_container
from entrypoints.demo import demo
from entrypoints.settings import Settings
from entrypoints.startup_failures import configured_database_url, explain
from entrypoints.storage import MEMORY_URL, prepare_database
from v3core.errors import DomainError, StorageUnavailable
from v3core.redaction import redact_url
from v3core.services.accounts import (
    CreateUserCommand,
    IssueApiKeyCommand,
    RevokeApiKeyCommand,
)

T = TypeVar("T")

FIRST_USER_EMAIL = "admin@localhost"


def run_with_container(settings: Settings, work: Callable[[Container], Awaitable[T]]) -> T:
    """Run ``work`` on a fresh container in its own event loop; domain errors exit with status 1."""

    async def runner() -> T:
        container = build_container(settings)
        try:
            return await work(container)
        finally:
            await close_container(container)

    try:
        return asyncio.run(runner())
    except StorageUnavailable:
        raise  # explained with the (redacted) database URL by ``V3Group``
    except DomainError as error:
        raise click.ClickException(error.message) from error


async def ensure_first_user(container: Container) -> str | None:
    """On a database without the first user, create ``admin@localhost`` and return a new key for it."""
    async with container.uow_factory()() as uow:
        existing = await uow.users.get_by_email(FIRST_USER_EMAIL)
    if existing is not None:
        return None
    await container.create_user().execute(CreateUserCommand(FIRST_USER_EMAIL))
    issued = await container.issue_api_key().execute(IssueApiKeyCommand(FIRST_USER_EMAIL, "first key"))
    return issued.secret


class V3Group(click.Group):
    """Start-up failures (settings, database URL, database unreachable) become one line on stderr
    and exit status 1 instead of a traceback (``entrypoints.startup_failures``)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:
            message = explain(error, configured_database_url())
            if message is None:
                raise
            raise click.ClickException(message) from None


@click.group(cls=V3Group)
def main() -> None:
    """V3 ad-video platform."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Serve the HTTP API (applies migrations; prints a first API key on a fresh database)."""
    import uvicorn

    from entrypoints.http.app import create_app

    settings = Settings()
    prepare_database(settings)
    secret = None
    if not settings.database_url.startswith(MEMORY_URL):
        secret = run_with_container(settings, ensure_first_user)
    container = build_container(settings)
    if settings.database_url.startswith(MEMORY_URL):
        secret = asyncio.run(ensure_first_user(container))
    base = f"http://{host}:{port}"
    click.echo(f"V3 API on {base}/api/v3  docs: {base}/docs  database: {redact_url(settings.database_url)}")
    if secret:
        click.echo(f"Created user {FIRST_USER_EMAIL}. Its API key (shown once):")
        click.echo(secret)
    uvicorn.run(create_app(container), host=host, port=port, log_level="warning", access_log=False)


@main.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=None,
    help="Planning tasks at once [default: WORKER_CONCURRENCY].",
)
@click.option("--render-concurrency", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option("--queues", default="planning,rendering,webhooks", show_default=True, help="Comma-separated.")
@click.option(
    "--shutdown-timeout",
    type=float,
    default=25.0,
    show_default=True,
    help="Seconds running tasks get on SIGTERM/SIGINT before they are requeued.",
)
def worker(concurrency: int | None, render_concurrency: int, queues: str, shutdown_timeout: float) -> None:
    """Work the job queues (TASK_RUNNER=procrastinate, PostgreSQL); stops gracefully on SIGTERM/SIGINT."""
    from entrypoints.worker import run_worker_command

    names = [name.strip() for name in queues.split(",") if name.strip()]
    run_worker_command(
        concurrency=concurrency,
        render_concurrency=render_concurrency,
        queues=names,
        grace=shutdown_timeout,
    )


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration to DATABASE_URL."""
    settings = Settings()
    prepare_database(settings)
    click.echo(f"database at the newest schema: {redact_url(settings.database_url)}")


@main.group()
def users() -> None:
    """Users (tenants)."""


@users.command("create")
@click.argument("email")
@click.option("--password", default=None, help="Allows POST /api/v3/auth/login (at least 8 characters).")
def users_create(email: str, password: str | None) -> None:
    """Create a user and print its first API key (alone on the last line)."""
    settings = Settings()
    prepare_database(settings)

    async def work(container: Container) -> str:
        user = await container.create_user().execute(CreateUserCommand(email, password))
        issued = await container.issue_api_key().execute(IssueApiKeyCommand(user.email, "cli"))
        return f"created user {user.email} ({user.id}), API key id {issued.key.id}:\n{issued.secret}"

    click.echo(run_with_container(settings, work))


@main.group()
def keys() -> None:
    """API keys."""


@keys.command("create")
@click.argument("email")
@click.option("--name", default=None, help="A label for the key.")
def keys_create(email: str, name: str | None) -> None:
    """Issue a new API key for EMAIL and print it (alone on the last line)."""
    settings = Settings()
    prepare_database(settings)

    async def work(container: Container) -> str:
        issued = await container.issue_api_key().execute(IssueApiKeyCommand(email, name))
        return f"API key id {issued.key.id} for {email} (shown once):\n{issued.secret}"

    click.echo(run_with_container(settings, work))


@keys.command("revoke")
@click.argument("key_id")
@click.option("--email", required=True, help="The key owner's email.")
def keys_revoke(key_id: str, email: str) -> None:
    """Revoke API key KEY_ID of the user EMAIL; it is refused from then on."""
    settings = Settings()
    prepare_database(settings)

    async def work(container: Container) -> str:
        key = await container.revoke_api_key().execute(RevokeApiKeyCommand(email, key_id))
        return f"revoked API key {key.id} ({key.prefix}...)"

    click.echo(run_with_container(settings, work))


@main.command()
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File to write."
)
def openapi(output: Path | None) -> None:
    """Write the OpenAPI 3.1 schema (JSON) to FILE or stdout."""
    from entrypoints.http.app import create_app
    from entrypoints.http.openapi_failures import documented_schema

    settings = Settings().model_copy(update={"database_url": MEMORY_URL})
    schema = documented_schema(create_app(build_container(settings)))
    text = json.dumps(schema, indent=2, ensure_ascii=False)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n")
        click.echo(f"wrote {output}")


main.add_command(demo)
