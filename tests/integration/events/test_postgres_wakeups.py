"""LISTEN/NOTIFY wake-ups between two processes' adapters on one PostgreSQL database."""

from __future__ import annotations

import psycopg
import pytest

from adapters.events.postgres import PostgresJobEvents, libpq_url

pytestmark = pytest.mark.postgres


async def test_a_publish_in_one_process_wakes_the_readers_of_that_job_in_another(postgres_url: str) -> None:
    a, b = PostgresJobEvents(postgres_url, "wake_test_1"), PostgresJobEvents(postgres_url, "wake_test_1")
    try:
        async with a.subscribe("job-1") as mine, a.subscribe("job-2") as other:
            await b.publish(["job-1"])
            assert await mine.wait(10)
            assert not await other.wait(0.2), "only the job's readers wake"
            assert not await mine.wait(0.2), "one wake-up per publish"
    finally:
        await a.close()
        await b.close()


async def test_a_listener_that_lost_its_connection_reconnects_and_wakes_every_reader(
    postgres_url: str,
) -> None:
    a, b = PostgresJobEvents(postgres_url, "wake_test_2"), PostgresJobEvents(postgres_url, "wake_test_2")
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
            await b.publish(["job-1"])
            assert await reader.wait(10), "and later wake-ups arrive again"
    finally:
        await a.close()
        await b.close()
