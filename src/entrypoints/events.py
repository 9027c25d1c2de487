"""Wiring of job event wake-ups: in process, or PostgreSQL LISTEN/NOTIFY (``JOB_EVENTS``)."""

from __future__ import annotations

from entrypoints.settings import Settings
from v3core.ports.events import JobEvents


def make_job_events(settings: Settings) -> JobEvents:
    """``postgres`` (the default on a PostgreSQL ``DATABASE_URL``: every ``v3 serve`` and
    ``v3 worker`` process wakes the others' readers) or ``inprocess``."""
    if settings.wakes_across_processes:
        from adapters.events.postgres import PostgresJobEvents

        return PostgresJobEvents(settings.database_url)
    from adapters.events.inprocess import InProcessJobEvents

    return InProcessJobEvents()


async def close_job_events(events: JobEvents) -> None:
    """Stop listening and close the connections (app shutdown)."""
    await events.close()
