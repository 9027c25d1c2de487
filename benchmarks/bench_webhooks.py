"""Webhook delivery benchmark (issue 13): 1,000 deliveries to a local receiver on SQLite.

The sender is the library itself (the container of ``v3 serve``: SQLite file, in-process task
runner, the guarded httpx sender with ``WEBHOOK_ALLOW_PRIVATE_NETWORKS=true``); the receiver is
a separate process on 127.0.0.1 (``tests/webhook_receiver.py``: asyncio, keep-alive, answers 204)
that stamps each request with ``time.time()`` on arrival. One endpoint subscribed to ``job.*``;
``--deliveries`` job events are dispatched back to back (``WebhookDispatcher.dispatch``: one
transaction recording the delivery, then the task queued), and each delivery is timed from its
dispatch call to its arrival. Every received request is verified afterwards with
``standardwebhooks.Webhook(secret).verify``. Reports, per run and as the median of ``--runs``:
throughput (deliveries per second, first dispatch to last arrival), p50/p99 dispatch-to-receipt
latency, and the sender's CPU time per delivery — once with every event dispatched at once (a
burst: throughput), once paced at ``--rate`` events per second (latency below saturation).

    uv run python benchmarks/bench_webhooks.py [--deliveries 1000] [--runs 3] [--rate 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.webhook_receiver import Received, running_receiver  # noqa: E402

from adapters.sqlalchemy.migrate import upgrade_database  # noqa: E402
from entrypoints.container import build_container, close_container, start_container  # noqa: E402
from entrypoints.settings import Settings  # noqa: E402
from v3core.events import JobEvent  # noqa: E402
from v3core.services.accounts import CreateUserCommand  # noqa: E402
from v3core.services.webhooks import CreateWebhookCommand  # noqa: E402


@attrs.frozen
class Run:
    """One burst: wall seconds, latencies (s) and the sender's CPU seconds."""

    wall_s: float
    latencies: list[float]
    cpu_s: float

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.wall_s

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def serve(count: int) -> None:
    """Receiver process: print the port, then, after ``count`` requests, every request as JSON."""
    async with running_receiver() as receiver:
        print(receiver.port, flush=True)
        await receiver.wait_for(count, within=600)
        rows = [{"headers": r.headers, "body": r.body, "at": r.at, "path": r.path} for r in receiver.received]
    print(json.dumps(rows), flush=True)


def start_receiver(deliveries: int) -> tuple[subprocess.Popen[str], int]:
    """The receiver process and its port (read from its first line)."""
    receiver = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(deliveries)], stdout=subprocess.PIPE, text=True
    )
    assert receiver.stdout is not None
    return receiver, int(receiver.stdout.readline())


async def burst(workdir: Path, deliveries: int, index: int, rate: float = 0.0) -> Run:
    url = f"sqlite:///{workdir / f'run{index}.db'}"
    upgrade_database(url)
    settings = Settings(
        database_url=url,
        data_dir=workdir / "data",
        jwt_secret="bench-" + "x" * 32,
        webhook_allow_private_networks=True,
    )
    receiver, port = start_receiver(deliveries)
    assert receiver.stdout is not None
    container = build_container(settings)
    await start_container(container)
    try:
        user = await container.create_user().execute(CreateUserCommand(f"bench-{index}@example.test"))
        command = CreateWebhookCommand(user.id, f"http://127.0.0.1:{port}/hooks", ["job.*"])
        secret = (await container.create_webhook().execute(command)).secret
        dispatcher = container.webhook_dispatcher()
        events = [
            JobEvent(f"job-{n}", user.id, 1, "job.completed", {"id": f"job-{n}", "n": n}, datetime.now(UTC))
            for n in range(deliveries)
        ]
        sent_at: dict[str, float] = {}
        cpu0, start = time.process_time(), time.time()
        for n, event in enumerate(events):
            if rate:  # paced: the n-th event is dispatched n / rate seconds after the first
                await asyncio.sleep(max(0.0, start + n / rate - time.time()))
            dispatched = time.time()
            [delivery] = await dispatcher.dispatch(event)
            sent_at[delivery.message_id] = dispatched
        rows = json.loads(await asyncio.to_thread(receiver.stdout.readline))
        cpu = time.process_time() - cpu0
    finally:
        await close_container(container)
        receiver.wait(10)
    received = [Received(r["path"], r["headers"], r["body"], r["at"]) for r in rows]
    for request in received:
        request.verified(secret)
    assert sorted(r.message_id for r in received) == sorted(sent_at), "every delivery arrives exactly once"
    last = max(r.at for r in received)
    return Run(last - start, [r.at - sent_at[r.message_id] for r in received], cpu)


def report(args: argparse.Namespace, runs: list[Run], mode: str) -> None:
    print(f"\n{args.deliveries} webhook deliveries to a local receiver, SQLite, in-process runner, {mode}\n")
    print("| run | deliveries/s | p50 dispatch→receipt | p99 dispatch→receipt | sender CPU per delivery |")
    print("|---|---|---|---|---|")
    for n, run in enumerate(runs, 1):
        print(
            f"| {n} | {run.per_second:.0f} | {run.quantile(0.5) * 1000:.1f} ms | "
            f"{run.quantile(0.99) * 1000:.1f} ms | {run.cpu_s / len(run.latencies) * 1000:.2f} ms |"
        )
    med = statistics.median
    print(
        f"| **median** | **{med(r.per_second for r in runs):.0f}** | "
        f"**{med(r.quantile(0.5) for r in runs) * 1000:.1f} ms** | "
        f"**{med(r.quantile(0.99) for r in runs) * 1000:.1f} ms** | "
        f"**{med(r.cpu_s / len(r.latencies) for r in runs) * 1000:.2f} ms** |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--rate", type=float, default=50.0, help="events per second of the paced runs (0: none)"
    )
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        asyncio.run(serve(args.serve))
        return
    workdir = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    bursts = [asyncio.run(burst(workdir, args.deliveries, n)) for n in range(args.runs)]
    report(args, bursts, "all dispatched at once (throughput; latency is mostly waiting in line)")
    if args.rate:
        paced = [asyncio.run(burst(workdir, args.deliveries, 100 + n, args.rate)) for n in range(args.runs)]
        report(args, paced, f"dispatched at {args.rate:g} per second (latency below saturation)")


if __name__ == "__main__":
    main()
