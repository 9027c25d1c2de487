"""Concurrent creates with one Idempotency-Key make one job: the loser of the insert replays it."""

from __future__ import annotations

import asyncio

import pytest

from adapters.system import SystemUtcClock, Uuid4Generator
from entrypoints.storage import open_storage
from v3core.costs import PriceTable
from v3core.model import Client, User
from v3core.services.jobs import CreateJob, CreateJobCommand
from v3core.storyboard import PlanningRules
from v3core.testing.fakes import RecordingTaskRunner


@pytest.mark.postgres
async def test_concurrent_creates_with_one_idempotency_key_make_one_job(postgres_url: str) -> None:
    storage = open_storage(postgres_url)
    clock, ids = SystemUtcClock(), Uuid4Generator()
    create = CreateJob(storage.uow_factory, clock, ids, RecordingTaskRunner(), PlanningRules(), PriceTable())
    owner = User(id=ids.new_id(), email=f"{ids.new_id()}@example.test", created_at=clock.now())
    client = Client(ids.new_id(), owner.id, "Acme", clock.now(), clock.now())
    async with storage.uow_factory() as uow:
        await uow.users.add(owner)
        await uow.clients.add(client)
        await uow.commit()
    body = {
        "context": {"clientId": client.id},
        "adBasics": {"product": "P", "targetAudience": "A", "keyMessage": "M", "callToAction": "C"},
        "creative": {"direction": {"style": "S"}},
    }
    try:
        views = await asyncio.gather(
            *(create.execute(CreateJobCommand(owner.id, body, "same-key")) for _ in range(8))
        )
    finally:
        await storage.close()
    assert len({v.job.id for v in views}) == 1
    assert sum(v.created for v in views) == 1
