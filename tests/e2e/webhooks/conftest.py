"""An app whose webhook deliveries may reach 127.0.0.1 (``WEBHOOK_ALLOW_PRIVATE_NETWORKS=true``)
and retry after milliseconds, on memory, SQLite and PostgreSQL, with a receiver that records
every request."""

from __future__ import annotations

import asyncio
import itertools
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.sqlalchemy.migrate import upgrade_database
from adapters.tasks.inprocess import InProcessTaskRunner
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from tests.conftest import _admin
from tests.sealed import SealedSettings
from tests.webhook_receiver import Receiver, always, running_receiver
from v3core.events import JobEvent
from v3core.services.accounts import CreateUserCommand, IssueApiKeyCommand
from v3core.webhooks import WebhookDelivery

T = TypeVar("T")

API = "/api/v3"
FAST_RETRIES = "0.02,0.02,0.02,0.02"
"""Five attempts a few milliseconds apart."""
ATTEMPTS = 5

_tenants = itertools.count(1)
_jobs = itertools.count(1)


def hook_settings(database_url: str, data_dir: Path, **fields: Any) -> SealedSettings:
    """Settings of an app whose deliveries may reach the local receiver."""
    values = {
        "database_url": database_url,
        "data_dir": data_dir,
        "jwt_secret": "test-secret-" + "x" * 32,
        "webhook_allow_private_networks": True,
        "webhook_retry_delays": FAST_RETRIES,
        **fields,
    }
    return SealedSettings(**values)


@attrs.frozen
class Tenant:
    """A user id and its auth headers."""

    id: str
    headers: dict[str, str]


async def new_tenant(container: Container) -> Tenant:
    user = await container.create_user().execute(CreateUserCommand(f"hooks-{next(_tenants)}@example.test"))
    issued = await container.issue_api_key().execute(IssueApiKeyCommand(user_id=user.id))
    return Tenant(user.id, {"Authorization": f"Bearer {issued.secret}"})


def job_event(
    tenant: Tenant, type_: str = "job.completed", job_id: str | None = None, seq: int = 1
) -> JobEvent:
    """An event of a job of ``tenant`` (a made-up job unless ``job_id`` is given)."""
    job_id = job_id or f"job-{next(_jobs)}"
    return JobEvent(
        job_id, tenant.id, seq, type_, {"id": job_id, "status": type_.removeprefix("job.")}, datetime.now(UTC)
    )


@attrs.define
class Hooks:
    """The test client, its container and the receiver."""

    client: AsyncTestClient[Litestar]
    container: Container
    receiver: Receiver

    async def tenant(self) -> Tenant:
        return await new_tenant(self.container)

    async def create(self, tenant: Tenant, events: list[str] | None = None, path: str = "") -> dict[str, Any]:
        """Registers an endpoint at the receiver; its data (with the secret)."""
        body = {"url": self.receiver.url + path, "events": events or ["job.*"], "description": "tests"}
        response = await self.client.post(f"{API}/webhooks", json=body, headers=tenant.headers)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    async def deliveries(self, tenant: Tenant, webhook_id: str) -> list[dict[str, Any]]:
        response = await self.client.get(f"{API}/webhooks/{webhook_id}/deliveries", headers=tenant.headers)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["data"]
        return items

    async def in_app(self, work: Callable[..., Awaitable[T]], *args: Any) -> T:
        """``await work(*args)`` on the app's event loop (the test client serves the app from its
        own loop, where the task runner and the sender live), without blocking this loop (the
        receiver's)."""
        return await asyncio.to_thread(self.client.blocking_portal.call, work, *args)

    async def dispatch(self, event: JobEvent) -> Sequence[WebhookDelivery]:
        """``WebhookDispatcher.dispatch(event)`` as the app would call it after a commit."""
        return await self.in_app(self.container.webhook_dispatcher().dispatch, event)

    async def settle(self) -> None:
        """Wait until no delivery task is waiting or running."""
        runner = self.container.task_runner()
        assert isinstance(runner, InProcessTaskRunner)

        async def join() -> None:
            await asyncio.wait_for(runner.join(), 30)

        await self.in_app(join)


@pytest.fixture(scope="module")
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as receiver:
        yield receiver


@pytest.fixture(autouse=True)
def _receiver_answers_204(request: pytest.FixtureRequest) -> None:
    if "receiver" in request.fixturenames:
        receiver: Receiver = request.getfixturevalue("receiver")
        receiver.respond = always(204)


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """A migrated database of its own (a SQLite file, or a PostgreSQL database dropped at the end):
    recovery queues every waiting delivery of the database, so these tests keep out of the rows
    other tests leave in the session's shared databases."""
    if backend == "memory":
        yield "memory://"
        return
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'hooks.db'}"
        upgrade_database(url)
        yield url
        return
    name = f"v3hooks_{secrets.token_hex(6)}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        upgrade_database(url)
        yield url
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(
    scope="module", params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
async def hooks(
    request: pytest.FixtureRequest, receiver: Receiver, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Hooks]:
    """The app on its own memory store, SQLite file or PostgreSQL database."""
    folder = tmp_path_factory.mktemp("hooks")
    with fresh_database(request.param, folder) as url:
        container = build_container(hook_settings(url, folder))
        async with AsyncTestClient(create_app(container)) as client:
            yield Hooks(client, container, receiver)
