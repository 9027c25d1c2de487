"""What outage handling costs on PostgreSQL (decision 0115).

1. ``pool_pre_ping`` (a round trip when a pooled connection is checked out) on the hot
   path: one unit of work reading a client by id, pre-ping on vs off, alternating rounds
   in one run; median wall time and this process's CPU time per unit of work.
2. Recovery: reads in a loop while the database (behind a TCP proxy on 127.0.0.1) goes
   away for ``--outage`` seconds; how the reads answered (``StorageUnavailable``, never
   another error) and how long after the database came back the first read succeeded.

    uv run python benchmarks/bench_outage.py [--rounds 7] [--reads 2000]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth); makes and drops a database.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.integration.outages import TcpProxy
from tests.scratch_db import scratch_postgres

from adapters.sqlalchemy.engine import make_engine
from adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork
from entrypoints.container import build_container, close_container
from entrypoints.settings import Settings
from v3core.errors import StorageUnavailable
from v3core.services.accounts import CreateUserCommand
from v3core.services.clients import CreateClientCommand

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


async def seed(url: str, data_dir: Path) -> tuple[str, str]:
    container = build_container(Settings(database_url=url, data_dir=data_dir, jwt_secret="b" * 40))
    try:
        user = await container.create_user().execute(CreateUserCommand("bench@example.test"))
        client = await container.create_client().execute(CreateClientCommand(user.id, "Acme"))
        return user.id, client.id
    finally:
        await close_container(container)


async def reads(url: str, owner: str, client: str, count: int, pre_ping: bool) -> tuple[float, float]:
    """(median µs wall per read, µs CPU per read) for ``count`` sequential units of work."""
    engine = make_engine(url, pool_pre_ping=pre_ping)
    factory = SqlAlchemyUnitOfWork.factory(engine)
    try:
        for _ in range(50):  # warm the pool and the statement caches
            async with factory() as uow:
                await uow.clients.get(owner, client)
        times = []
        cpu = time.process_time()
        for _ in range(count):
            started = time.perf_counter()
            async with factory() as uow:
                await uow.clients.get(owner, client)
            times.append(time.perf_counter() - started)
        cpu = time.process_time() - cpu
    finally:
        await engine.dispose()
    return statistics.median(times) * 1e6, cpu / count * 1e6


async def recovery(url: str, owner: str, client: str, outage: float) -> dict[str, float | int]:
    proxy = TcpProxy.for_url(url)
    engine = make_engine(proxy.url_through(url))
    factory = SqlAlchemyUnitOfWork.factory(engine)
    counts = {"ok": 0, "unavailable": 0, "other_errors": 0}
    back_at = first_ok_after = None
    try:
        loop = asyncio.get_running_loop()
        stop_at = loop.time() + 0.5
        back = stop_at + outage
        end = back + 1.0
        stopped = False
        while loop.time() < end:
            now = loop.time()
            if not stopped and now >= stop_at:
                proxy.stop()
                stopped = True
            if stopped and back_at is None and now >= back:
                proxy.start()
                back_at = loop.time()
            try:
                async with factory() as uow:
                    await uow.clients.get(owner, client)
                counts["ok"] += 1
                if back_at is not None and first_ok_after is None:
                    first_ok_after = loop.time() - back_at
            except StorageUnavailable:
                counts["unavailable"] += 1
            except Exception:
                counts["other_errors"] += 1
            await asyncio.sleep(0.01)
    finally:
        await engine.dispose()
        proxy.stop()
    return {**counts, "first_ok_ms_after_back": round((first_ok_after or -1) * 1000, 1)}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--outage", type=float, default=2.0)
    args = parser.parse_args()
    with scratch_postgres("v3bench") as url:
        owner, client = await seed(url, Path("/tmp") / url.rsplit("/", 1)[1])
        results: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
        for _ in range(args.rounds):
            for pre_ping in (False, True):
                results[pre_ping].append(await reads(url, owner, client, args.reads, pre_ping))
        print(f"unit of work reading a client by id, {args.rounds} rounds x {args.reads} reads (medians)")
        print("| pool_pre_ping | wall µs per read | CPU µs per read |")
        print("| --- | ---: | ---: |")
        for pre_ping in (False, True):
            wall = statistics.median(r[0] for r in results[pre_ping])
            cpu = statistics.median(r[1] for r in results[pre_ping])
            print(f"| {'on' if pre_ping else 'off'} | {wall:.0f} | {cpu:.0f} |")
        print(f"recovery from a {args.outage:g} s outage: {await recovery(url, owner, client, args.outage)}")


if __name__ == "__main__":
    asyncio.run(main())
