"""Queue workers: a task whose step met a database outage is requeued with backoff (procrastinate's
retry strategy) and the job reaches ``storyboard_ready`` once the database is back.

The worker's storage reaches PostgreSQL through a TCP proxy that is stopped while the
storyboard is planned (so storing it fails) and started again 1 s later; the queue itself
stays reachable, so procrastinate records the retry.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from dependency_injector import providers

from entrypoints.container import build_container, close_container
from entrypoints.storage import open_storage
from entrypoints.worker import run_workers
from tests.integration.jobs.test_database_outage import Outage, OutageWhilePlanning
from tests.integration.outages import TcpProxy
from tests.integration.tasks.conftest import FAST, Cluster, eventually, queue_settings
from v3core.model import JobStatus

pytestmark = pytest.mark.postgres


async def test_a_task_that_met_an_outage_is_retried_and_its_job_is_not_failed(
    cluster: Cluster, tmp_path: Path
) -> None:
    proxy = TcpProxy.for_url(cluster.database_url)
    storage = open_storage(proxy.url_through(cluster.database_url))
    planner = OutageWhilePlanning(Outage("(the worker's storage)", proxy.stop, proxy.start, lasts=1.0))
    worker = build_container(queue_settings(cluster.database_url, tmp_path))
    worker.storage.override(providers.Object(storage))
    worker.planner.override(providers.Object(planner))
    _, job_id = await cluster.new_job()
    stop = asyncio.Event()
    task = asyncio.create_task(run_workers(worker, stop, **FAST, concurrency=4))
    try:

        async def settled() -> bool:
            return await cluster.status(job_id) in (JobStatus.STORYBOARD_READY, JobStatus.FAILED)

        await eventually(settled, within=30)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await close_container(worker)
        await storage.close()
        proxy.stop()

    job = await cluster.job(job_id)
    assert job.status == JobStatus.STORYBOARD_READY, job.error
    assert planner.calls >= 2, "the outage happened and the step ran again"
