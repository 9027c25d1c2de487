"""List and stats benchmark (QUALITY.md): a page of 100 with 100 000 rows in the table, and the stats.

Fills one SQLite database per size (1 000 and 100 000 jobs and clients for one owner, plus
another owner's rows so that tenant filtering is exercised) through the storage adapter's
own row mappers, then times the use cases the HTTP handlers call (no HTTP in between):
``ListClients``, ``ListJobs`` (first page, a deep page, a client filter) and the client
stats. Reports medians and the ratio between the two sizes: a ratio near 1 means the cost
does not grow with the table.

    uv run python benchmarks/bench_lists.py [--runs 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy import open_database
from adapters.sqlalchemy.mappers import client_values, job_values, user_values
from adapters.sqlalchemy.migrate import upgrade_database
from adapters.sqlalchemy.revision import sync_url
from adapters.sqlalchemy.tables import clients, jobs, users
from v3core.brief import parse_brief
from v3core.model import Client, Job, JobCost, JobStatus, User
from v3core.ports.storage import PageRequest
from v3core.services.clients import GetClientStats, ListClients
from v3core.services.jobs import JobFilters, ListJobs

BRIEF = parse_brief(
    {
        "context": {"clientId": "c"},
        "adBasics": {"product": "P", "targetAudience": "A", "keyMessage": "M", "callToAction": "C"},
        "creative": {"direction": {"style": "S"}},
    }
)
OWNER, OTHER = "owner-1", "owner-2"
STATUSES = list(JobStatus)


def fill(url: str, rows: int) -> str:
    """``rows`` clients and jobs for OWNER (half of the jobs on one client), ``rows`` for OTHER."""
    upgrade_database(url)
    engine = sa.create_engine(sync_url(url))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        for owner in (OWNER, OTHER):
            connection.execute(sa.insert(users), [user_values(User(owner, f"{owner}@x", start))])
            made = [
                client_values(
                    Client(
                        f"{owner}-c{i}",
                        owner,
                        f"Client {i}",
                        start + timedelta(seconds=i),
                        start + timedelta(seconds=i),
                    )
                )
                for i in range(rows)
            ]
            connection.execute(sa.insert(clients), made)
            for first in range(0, rows, 10_000):
                batch = [
                    job_values(
                        Job(
                            id=f"{owner}-j{i}",
                            owner_id=owner,
                            client_id=f"{owner}-c0" if i % 2 else f"{owner}-c{i}",
                            brief=BRIEF,
                            created_at=start + timedelta(seconds=i),
                            updated_at=start,
                            status=STATUSES[i % len(STATUSES)],
                            cost=JobCost(estimated=1.0, actual=0.5),
                        )
                    )
                    for i in range(first, min(first + 10_000, rows))
                ]
                connection.execute(sa.insert(jobs), batch)
    engine.dispose()
    return f"{OWNER}-c0"


async def median_ms(work: Callable[[], Awaitable[Any]], runs: int) -> float:
    await work()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        await work()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


async def measure(url: str, client_id: str, rows: int, runs: int) -> dict[str, float]:
    database = open_database(url)
    list_clients, list_jobs = ListClients(database.uow_factory), ListJobs(database.uow_factory)
    stats = GetClientStats(database.uow_factory)
    first, deep = PageRequest(100, 0), PageRequest(100, rows // 2)
    cases: dict[str, Callable[[], Awaitable[Any]]] = {
        "GET /clients (page 1 of 100)": lambda: list_clients.execute(OWNER, first),
        "GET /jobs (page 1 of 100)": lambda: list_jobs.execute(OWNER, first, JobFilters()),
        "GET /jobs (a page in the middle)": lambda: list_jobs.execute(OWNER, deep, JobFilters()),
        "GET /jobs?clientId= (half the jobs)": lambda: list_jobs.execute(
            OWNER, first, JobFilters(client_id=client_id)
        ),
        "GET /jobs?status=completed": lambda: list_jobs.execute(OWNER, first, JobFilters(status="completed")),
        "GET /clients/{id}/stats": lambda: stats.execute(OWNER, client_id),
    }
    try:
        return {name: await median_ms(work, runs) for name, work in cases.items()}
    finally:
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    sizes = (1_000, 100_000)
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="v3-lists-") as tmp:
        for rows in sizes:
            url = f"sqlite:///{tmp}/lists-{rows}.db"
            client_id = fill(url, rows)
            results[rows] = asyncio.run(measure(url, client_id, rows, args.runs))
    small, large = results[sizes[0]], results[sizes[1]]
    print(f"SQLite, one owner's rows plus as many of another owner's; median of {args.runs} runs\n")
    print("| use case (as its handler calls it) | 1 000 rows (ms) | 100 000 rows (ms) | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for name in small:
        print(f"| {name} | {small[name]:.2f} | {large[name]:.2f} | {large[name] / small[name]:.1f}x |")
    print(f"\ncommand: uv run python benchmarks/bench_lists.py --runs {args.runs}")


if __name__ == "__main__":
    main()
