"""Wake-ups across processes: PostgreSQL ``LISTEN``/``NOTIFY`` on one channel.

The notification is sent by the change itself: the SQL storage's event append runs
``pg_notify('v3_job_events', '<job id>')`` in the change's transaction, which PostgreSQL
delivers at commit and only then (``adapters.sqlalchemy.events``), so no process can commit
an event and die before announcing it. ``publish`` (after the commit) wakes this process's
readers at once; each process keeps one listening connection (opened by the first
subscriber) that wakes its readers on every notification, its own commits' included (a
second wake-up costs a reader one read of the log). A subscriber waits
for the listener to be connected before it reads the log; when the listening connection is
lost (or a subscriber gave up waiting for it) the listener reconnects with backoff and then
wakes every reader, so the wake-ups sent while nobody listened cost a re-read, never an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import psycopg
from psycopg.conninfo import make_conninfo

from adapters.events.inprocess import InProcessJobEvents
from adapters.sqlalchemy.engine import async_url
from adapters.sqlalchemy.events import JOB_EVENTS_CHANNEL
from v3core.ports.events import JobEvents, Wakeup

log = logging.getLogger(__name__)

CHANNEL = JOB_EVENTS_CHANNEL
READY_WAIT_SECONDS = 5.0
"""How long a new subscriber waits for the listener to be connected (it reads the log anyway;
a listener that connects later wakes it)."""


def libpq_url(database_url: str) -> str:
    """``DATABASE_URL`` as a plain libpq URI (no SQLAlchemy driver suffix)."""
    url = async_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    # TCP keep-alives: a listener whose server vanished notices it and reconnects
    return make_conninfo(url, keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3)


class PostgresJobEvents(JobEvents):
    """Readers in every process on the database are woken by a publish in any of them."""

    def __init__(self, database_url: str, channel: str = CHANNEL) -> None:
        self._conninfo = libpq_url(database_url)
        self._channel = channel
        self._local = InProcessJobEvents()
        self._listener: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()
        self._unheard = False
        """Whether a reader may have missed a wake-up (no listener connected at some point)."""

    @property
    def readers(self) -> int:
        """How many subscriptions are open in this process."""
        return self._local.readers

    async def publish(self, job_ids: Sequence[str]) -> None:
        """Wake this process's readers of ``job_ids`` at once; the other processes hear the
        commit's own notification."""
        self._local.wake(job_ids)

    @asynccontextmanager
    async def subscribe(self, job_id: str) -> AsyncIterator[Wakeup]:
        async with self._local.subscribe(job_id) as wakeup:
            if self._listener is None or self._listener.done():
                self._listener = asyncio.create_task(self._listen(), name="job-events-listener")
            try:
                await asyncio.wait_for(self._listening.wait(), READY_WAIT_SECONDS)
            except TimeoutError:
                self._unheard = True  # the listener wakes everyone once it is connected
            yield wakeup

    async def _listen(self) -> None:
        delay = 0.1
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=True
                ) as connection:
                    await connection.execute(f"LISTEN {self._channel}")
                    self._listening.set()
                    if self._unheard:  # wake-ups may have been sent while nobody listened
                        self._local.wake_all()
                    self._unheard = False
                    delay = 0.1
                    async for notify in connection.notifies():
                        self._local.wake((notify.payload,))
            except psycopg.Error as error:
                log.warning("job events listener lost its connection (%s); reconnecting", error)
            self._listening.clear()
            self._unheard = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
        self._listening.clear()
