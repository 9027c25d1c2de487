"""What a job holds, through the asset and client use cases, on every storage backend.

A job protects its inputs while it is unfinished and its outputs (its video, and any
asset it made: ``job_id`` set, not among its inputs) for as long as it exists: a user's
``DELETE /assets/{id}`` answers 409 naming the job. Outputs go with the job (the client
cascade), and their bytes with the last reference.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest

from adapters.blobs.memory import InMemoryBlobStore
from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.staging import TempFileStager
from adapters.system import SystemUtcClock, Uuid4Generator
from tests.contract.builders import a_job, an_asset
from v3core.errors import Conflict, NotFound
from v3core.model import Asset, JobStatus
from v3core.ports.storage import UnitOfWorkFactory
from v3core.services.assets import AssetContext, DeleteAsset
from v3core.services.clients import DeleteClient, DeleteClientCommand


@pytest.fixture
def blobs() -> InMemoryBlobStore:
    return InMemoryBlobStore()


@pytest.fixture
def ctx(uow_factory: UnitOfWorkFactory, blobs: InMemoryBlobStore, tmp_path: Path) -> AssetContext:
    return AssetContext(
        uow=uow_factory,
        blobs=blobs,
        stager=TempFileStager(1 << 20, str(tmp_path)),
        inspector=MediaContentInspector(),
        clock=SystemUtcClock(),
        ids=Uuid4Generator(),
    )


async def stored(ctx: AssetContext, blobs: InMemoryBlobStore, owner: str, data: bytes, **kw: str) -> Asset:
    """An asset of ``data`` with its reference counted and its bytes in the store."""
    blob = hashlib.sha256(data).hexdigest()
    asset = an_asset(owner, blob_id=blob, size=len(data), **kw)
    async with ctx.uow() as uow:
        await uow.blob_refs.incref(blob, len(data), asset.content_type)
        await uow.assets.add(asset)
        await uow.commit()
    blobs.blobs[blob] = data
    return asset


def fresh() -> bytes:
    return uuid.uuid4().bytes * 4


async def test_an_asset_a_job_made_is_refused_naming_the_job_until_the_job_goes(
    ctx: AssetContext, blobs: InMemoryBlobStore, owner: str, client_id: str
) -> None:
    job = a_job(owner, client_id, status=JobStatus.COMPLETED)
    async with ctx.uow() as uow:
        await uow.jobs.add(job)
        await uow.commit()
    made = await stored(ctx, blobs, owner, fresh(), job_id=job.id)

    with pytest.raises(Conflict) as refused:
        await DeleteAsset(ctx).execute(owner, made.id)

    assert job.id in refused.value.message
    assert made.blob_id in blobs.blobs
    await DeleteClient(ctx.uow, DeleteAsset(ctx)).execute(DeleteClientCommand(owner, client_id, cascade=True))
    async with ctx.uow() as uow:
        assert await uow.assets.get(owner, made.id) is None
        assert await uow.blob_refs.count(made.blob_id) == 0
    assert made.blob_id not in blobs.blobs


async def test_a_jobs_video_is_refused_naming_the_job(
    ctx: AssetContext, blobs: InMemoryBlobStore, owner: str, client_id: str
) -> None:
    video = await stored(ctx, blobs, owner, fresh(), client_id=client_id)
    job = a_job(owner, client_id, status=JobStatus.COMPLETED, video_asset_id=video.id)
    async with ctx.uow() as uow:
        await uow.jobs.add(job)
        await uow.commit()

    with pytest.raises(Conflict) as refused:
        await DeleteAsset(ctx).execute(owner, video.id)

    assert job.id in refused.value.message
    assert video.blob_id in blobs.blobs


async def test_the_pipeline_may_discard_what_its_job_made(
    ctx: AssetContext, blobs: InMemoryBlobStore, owner: str, client_id: str
) -> None:
    job = a_job(owner, client_id, status=JobStatus.CANCELLED)
    async with ctx.uow() as uow:
        await uow.jobs.add(job)
        await uow.commit()
    made = await stored(ctx, blobs, owner, fresh(), job_id=job.id)
    await DeleteAsset(ctx).discard(owner, made.id)
    assert made.blob_id not in blobs.blobs


async def test_an_input_the_job_imported_is_protected_only_while_the_job_runs(
    ctx: AssetContext, blobs: InMemoryBlobStore, owner: str, client_id: str
) -> None:
    job = a_job(owner, client_id, status=JobStatus.STORYBOARD_READY)
    async with ctx.uow() as uow:
        await uow.jobs.add(job)
        await uow.commit()
    imported = await stored(ctx, blobs, owner, fresh(), job_id=job.id)
    async with ctx.uow() as uow:
        current = await uow.jobs.get(owner, job.id)
        assert current is not None
        current.asset_ids = (imported.id,)
        await uow.jobs.update(current)
        await uow.commit()
    with pytest.raises(Conflict):
        await DeleteAsset(ctx).execute(owner, imported.id)
    async with ctx.uow() as uow:
        current = await uow.jobs.get(owner, job.id)
        assert current is not None
        current.status = JobStatus.COMPLETED
        await uow.jobs.update(current)
        await uow.commit()
    await DeleteAsset(ctx).execute(owner, imported.id)
    assert imported.blob_id not in blobs.blobs


async def test_a_second_delete_of_the_same_asset_drops_no_second_reference(
    ctx: AssetContext, blobs: InMemoryBlobStore, owner: str
) -> None:
    data = fresh()
    mine = await stored(ctx, blobs, owner, data)
    other = await stored(ctx, blobs, owner, data)
    await DeleteAsset(ctx).execute(owner, mine.id)
    with pytest.raises(NotFound):
        await DeleteAsset(ctx).execute(owner, mine.id)
    async with ctx.uow() as uow:
        assert await uow.blob_refs.count(other.blob_id) == 1
    assert blobs.blobs[other.blob_id] == data


async def test_a_cascade_frees_only_bytes_nothing_else_uses(
    ctx: AssetContext, blobs: InMemoryBlobStore, owner: str, client_id: str
) -> None:
    shared, alone = fresh(), fresh()
    await stored(ctx, blobs, owner, shared, client_id=client_id)
    await stored(ctx, blobs, owner, shared, client_id=client_id)
    await stored(ctx, blobs, owner, alone, client_id=client_id)
    keeper = await stored(ctx, blobs, owner, shared)
    delete = DeleteClient(ctx.uow, DeleteAsset(ctx))

    await delete.execute(DeleteClientCommand(owner, client_id, cascade=True))

    with pytest.raises(NotFound):
        await delete.execute(DeleteClientCommand(owner, client_id, cascade=True))
    assert blobs.blobs[keeper.blob_id] == shared
    assert hashlib.sha256(alone).hexdigest() not in blobs.blobs
    async with ctx.uow() as uow:
        assert await uow.blob_refs.count(keeper.blob_id) == 1
