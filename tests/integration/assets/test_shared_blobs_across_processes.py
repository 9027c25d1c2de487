"""Shared blobs on PostgreSQL when several processes serve one database.

Each "process" below has its own engines, database blob store and advisory-lock guard, as
two ``v3 serve`` processes would; the work of a round runs on both at once, as real
parallel transactions. Whatever the interleaving, exactly one delete of an asset wins,
and the bytes another asset uses stay intact (compared by sha256).
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.blobs.database import DatabaseBlobStore
from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.staging import TempFileStager
from adapters.sqlalchemy import SqlAlchemyUnitOfWork, make_engine
from adapters.sqlalchemy.blob_guard import PostgresBlobGuard
from adapters.system import SystemUtcClock, Uuid4Generator
from tests.contract.builders import a_user
from tests.integration.assets.test_ingestion import chunks
from v3core.errors import NotFound
from v3core.model import Asset
from v3core.services.assets import AssetContext, AssetDraft, DeleteAsset, UploadAsset

pytestmark = pytest.mark.postgres
ROUNDS = 10


@pytest.fixture
async def processes(postgres_url: str, tmp_path: Path) -> AsyncIterator[tuple[AssetContext, AssetContext]]:
    made: list[tuple[AssetContext, PostgresBlobGuard]] = []
    engines = []
    for name in ("one", "two"):
        engine = make_engine(postgres_url)
        guard = PostgresBlobGuard.for_url(postgres_url)
        engines.append(engine)
        ctx = AssetContext(
            uow=SqlAlchemyUnitOfWork.factory(engine),
            blobs=DatabaseBlobStore(engine),
            stager=TempFileStager(1 << 20, str(tmp_path / name)),
            inspector=MediaContentInspector(),
            clock=SystemUtcClock(),
            ids=Uuid4Generator(),
            guard=guard,
        )
        made.append((ctx, guard))
    yield made[0][0], made[1][0]
    for (_, guard), engine in zip(made, engines, strict=True):
        await guard.close()
        await engine.dispose()


async def a_tenant(ctx: AssetContext) -> str:
    user = a_user()
    async with ctx.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user.id


async def upload(ctx: AssetContext, owner: str, data: bytes) -> Asset:
    return await UploadAsset(ctx).from_stream(AssetDraft(owner_id=owner), chunks(data), "notes.txt")


async def served_sha256(ctx: AssetContext, blob_id: str) -> str:
    digest = hashlib.sha256()
    async for chunk in ctx.blobs.read(blob_id):
        digest.update(chunk)
    return digest.hexdigest()


async def deleted(ctx: AssetContext, owner: str, asset_id: str) -> bool:
    try:
        await DeleteAsset(ctx).execute(owner, asset_id)
    except NotFound:
        return False
    return True


def fresh() -> bytes:
    return f"notes {uuid.uuid4()}\n".encode()


async def test_deletes_from_two_processes_drop_one_reference(
    processes: tuple[AssetContext, AssetContext],
) -> None:
    one, two = processes
    alice, bob = await a_tenant(one), await a_tenant(two)
    for _ in range(ROUNDS):
        data = fresh()
        mine = await upload(one, alice, data)
        theirs = await upload(two, bob, data)
        outcomes = await asyncio.gather(*(deleted(ctx, alice, mine.id) for ctx in (one, two) * 4))
        assert sorted(outcomes) == [False] * 7 + [True]
        assert await served_sha256(one, theirs.blob_id) == hashlib.sha256(data).hexdigest()
        async with two.uow() as uow:
            assert await uow.blob_refs.count(theirs.blob_id) == 1


async def test_a_delete_in_one_process_racing_an_upload_in_another_keeps_the_bytes(
    processes: tuple[AssetContext, AssetContext],
) -> None:
    one, two = processes
    alice, bob = await a_tenant(one), await a_tenant(two)
    for _ in range(ROUNDS):
        data = fresh()
        old = await upload(one, alice, data)
        _, new = await asyncio.gather(deleted(one, alice, old.id), upload(two, bob, data))
        assert await served_sha256(one, new.blob_id) == hashlib.sha256(data).hexdigest()
        async with two.uow() as uow:
            assert await uow.blob_refs.count(new.blob_id) == 1
