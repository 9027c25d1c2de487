"""The procrastinate side of the scale-out runner: queues, task definitions, schema.

One task per ``TaskKind`` (task name = the kind's value, argument ``job_id``) on its
own queue, plus a periodic ``v3_maintenance`` task. Every job task carries
``lock=job_id`` (never two tasks of one job at once) and
``queueing_lock=kind:job_id`` (one waiting task per kind and job is enough, since
every step re-reads the job's status).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import psycopg
from procrastinate import App, PsycopgConnector
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from procrastinate.schema import SchemaManager
from sqlalchemy.engine import make_url

from v3core.errors import StorageUnavailable
from v3core.ports.tasks import TaskKind

log = logging.getLogger(__name__)

PLANNING_QUEUE = "planning"
RENDERING_QUEUE = "rendering"
WEBHOOKS_QUEUE = "webhooks"
MAINTENANCE_QUEUE = "maintenance"
QUEUES: dict[TaskKind, str] = {
    TaskKind.PLAN_STORYBOARD: PLANNING_QUEUE,
    TaskKind.RENDER_VIDEO: RENDERING_QUEUE,
    TaskKind.DELIVER_WEBHOOK: WEBHOOKS_QUEUE,
}
MAINTENANCE_TASK = "v3_maintenance"
MAINTENANCE_CRON = "* * * * *"
"""Once a minute, cluster-wide (procrastinate defers one run per tick, whatever the worker count)."""

MAX_INTERRUPTED_RUNS = 20
MAX_OUTAGE_RUNS = 100
OUTAGE_WAIT_CAP_SECONDS = 60
"""A task that met a database outage is retried after 2, 4, 8 ... seconds, at most this long."""
_SCHEMA_LOCK_KEY = 0x76335F7175657565  # "v3_queue": serialises concurrent schema creation

TaskHandler = Callable[[TaskKind, str], Awaitable[None]]
Maintenance = Callable[[], Awaitable[None]]


def libpq_conninfo(database_url: str) -> str:
    """``DATABASE_URL`` (``postgresql+psycopg://``, ``postgres://``...) as a plain libpq URI."""
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url.removeprefix("postgres://")
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"the procrastinate task runner needs PostgreSQL, not {url.get_backend_name()}")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class RequeueInterrupted(BaseRetryStrategy):
    """Puts a task back in the queue when a worker shutdown interrupted it.

    A worker stopping past its grace period cancels its running tasks; procrastinate
    consults the retry strategy and requeues. A task the API asked to abort (the job
    was cancelled) is also cancelled, but procrastinate marks it failed rather than
    retrying it because its ``abort_requested`` flag is set. A task that met a database
    outage (``StorageUnavailable``: ``RunJobTask`` does not fail the job for it) is retried
    with exponential backoff. Any other error already failed the job in the domain
    (``RunJobTask``), so it is not retried.
    """

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, asyncio.CancelledError) and job.attempts < MAX_INTERRUPTED_RUNS:
            return RetryDecision(retry_in={"seconds": 0})
        if isinstance(exception, StorageUnavailable) and job.attempts < MAX_OUTAGE_RUNS:
            wait = min(OUTAGE_WAIT_CAP_SECONDS, 2 ** (job.attempts + 1))
            log.warning("task %s met a database outage; retrying in %d s", job.call_string, wait)
            return RetryDecision(retry_in={"seconds": wait})
        return None


def build_app(
    conninfo: str, run: TaskHandler, maintain: Maintenance, *, pool_min: int = 1, pool_max: int = 10
) -> App:
    """A procrastinate ``App`` on ``conninfo`` whose job tasks call ``run(kind, job_id)``
    and whose periodic maintenance task calls ``maintain()``. No connection is opened here."""
    connector = PsycopgConnector(conninfo=conninfo, min_size=pool_min, max_size=pool_max)
    app = App(connector=connector)
    for kind in TaskKind:
        app.task(name=kind.value, queue=QUEUES[kind], retry=RequeueInterrupted())(_job_task(kind, run))

    async def maintenance(timestamp: int) -> None:
        await maintain()

    task = app.task(name=MAINTENANCE_TASK, queue=MAINTENANCE_QUEUE, queueing_lock=MAINTENANCE_TASK)(
        maintenance
    )
    app.periodic(cron=MAINTENANCE_CRON)(task)
    return app


def _job_task(kind: TaskKind, run: TaskHandler) -> Callable[[str], Awaitable[None]]:
    async def job_task(job_id: str) -> None:
        await run(kind, job_id)

    job_task.__name__ = kind.value
    return job_task


async def ensure_schema(conninfo: str) -> bool:
    """Create procrastinate's tables, types and functions unless present; True if created.

    Idempotent and safe from several processes at once (a transaction-scoped advisory
    lock serialises them). Creates the schema of the installed procrastinate version;
    moving to a newer procrastinate needs its SQL migrations (see decision 0100).
    """
    connect = psycopg.AsyncConnection.connect(conninfo, autocommit=True)
    async with await connect as connection, connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK_KEY,))
        cursor = await connection.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
        row = await cursor.fetchone()
        if row is not None and row[0]:
            return False
        await connection.execute(SchemaManager.get_schema())
    log.info("created the procrastinate queue schema")
    return True
