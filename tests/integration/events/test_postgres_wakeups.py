"""LISTEN/NOTIFY wake-ups between processes on one PostgreSQL database: the notification a
commit sends (here sent as another process's committed transaction would) wakes the readers
of that job; ``publish`` wakes this process's own readers."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from adapters.events.postgres import PostgresJobEvents, libpq_url
from entrypoints.storage import open_storage
from v3core.testing.builders import a_client, a_job, a_user, later

pytestmark = pytest.mark.postgres


def notify_from_elsewhere(postgres_url: str, channel: str, job_id: str) -> None:
    """What another process's commit of an event of ``job_id`` sends."""
    with psycopg.connect(libpq_url(postgres_url), autocommit=True) as other:
        other.execute("SELECT pg_notify(%s, %s)", (channel, job_id))


async def test_a_commit_in_another_process_wakes_the_readers_of_that_job_here(postgres_url: str) -> None:
    a = PostgresJobEvents(postgres_url, "wake_test_1")
    try:
        async with a.subscribe("job-1") as mine, a.subscribe("job-2") as other:
            await asyncio.to_thread(notify_from_elsewhere, postgres_url, "wake_test_1", "job-1")
            assert await mine.wait(10)
            assert not await other.wait(0.2), "only the job's readers wake"
            assert not await mine.wait(0.2), "one wake-up per notification"
            await a.publish(["job-2"])
            assert await other.wait(0), "publish wakes this process's readers at once"
    finally:
        await a.close()


async def test_a_listener_that_lost_its_connection_reconnects_and_wakes_every_reader(
    postgres_url: str,
) -> None:
    a = PostgresJobEvents(postgres_url, "wake_test_2")
    try:
        async with a.subscribe("job-1") as reader:
            with psycopg.connect(libpq_url(postgres_url), autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE query = 'LISTEN wake_test_2' AND pid <> pg_backend_pid()"
                )
            assert await reader.wait(10), (
                "after the reconnect, readers re-read (what was missed is in the log)"
            )
            await asyncio.to_thread(notify_from_elsewhere, postgres_url, "wake_test_2", "job-1")
            assert await reader.wait(10), "and later wake-ups arrive again"
    finally:
        await a.close()


async def test_a_commit_wakes_other_processes_even_when_its_process_never_publishes(
    postgres_url: str,
) -> None:
    """The NOTIFY goes with the transaction: a process that dies right after its commit, before
    its own publish, still wakes the readers elsewhere (a storage without wake-ups plays it)."""
    storage = open_storage(postgres_url)  # no ``wakeups``: nothing is published after commit
    listener = PostgresJobEvents(postgres_url)
    try:
        user = a_user()
        client = a_client(user.id)
        job = a_job(user.id, client.id)
        async with storage.uow_factory() as uow:
            await uow.users.add(user)
            await uow.clients.add(client)
            await uow.jobs.add(job)
            await uow.commit()
        async with listener.subscribe(job.id) as reader:
            async with storage.uow_factory() as uow:
                await uow.job_events.append(job.id, "job.progress", {"percent": 50}, later())
                assert not await reader.wait(0.3), "nothing is sent before the commit"
                await uow.commit()
            assert await reader.wait(10)
    finally:
        await listener.close()
        await storage.close()
