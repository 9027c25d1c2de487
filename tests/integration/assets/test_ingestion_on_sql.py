"""The asset use cases on real SQL storage with blobs in the same database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.blobs.database import DatabaseBlobStore
from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.staging import TempFileStager
from adapters.sqlalchemy import SqlAlchemyUnitOfWork, make_engine
from adapters.system import SystemUtcClock, Uuid4Generator
from tests.contract.builders import a_user
from tests.integration.assets.test_ingestion import chunks
from tests.unit.assets import samples
from v3core.errors import UnsupportedMediaType
from v3core.ports.storage import PageRequest
from v3core.services.assets import AssetContext, AssetDraft, DeleteAsset, UploadAsset


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def sql_ctx(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AssetContext]:
    engine = make_engine(request.getfixturevalue(f"{request.param}_url"))
    yield AssetContext(
        uow=SqlAlchemyUnitOfWork.factory(engine),
        blobs=DatabaseBlobStore(engine),
        stager=TempFileStager(1 << 22, str(tmp_path)),
        inspector=MediaContentInspector(),
        clock=SystemUtcClock(),
        ids=Uuid4Generator(),
    )
    await engine.dispose()


async def test_uploads_share_a_blob_and_the_last_delete_removes_it(sql_ctx: AssetContext) -> None:
    user = a_user()
    async with sql_ctx.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    data = samples.video("mp4", "mpeg4", (32, 32), 6)
    upload = UploadAsset(sql_ctx)
    first = await upload.from_stream(AssetDraft(owner_id=user.id), chunks(data), "a.mp4")
    second = await upload.from_stream(AssetDraft(owner_id=user.id), chunks(data), "b.mp4")
    assert first.blob_id == second.blob_id
    assert (first.width, first.height) == (32, 32)
    async with sql_ctx.uow() as uow:
        assert await uow.blob_refs.count(first.blob_id) == 2
    await DeleteAsset(sql_ctx).execute(user.id, first.id)
    assert await sql_ctx.blobs.exists(first.blob_id)
    await DeleteAsset(sql_ctx).execute(user.id, second.id)
    assert not await sql_ctx.blobs.exists(first.blob_id)


async def test_a_refused_upload_leaves_no_row_and_no_blob(sql_ctx: AssetContext) -> None:
    user = a_user()
    async with sql_ctx.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    with pytest.raises(UnsupportedMediaType):
        await UploadAsset(sql_ctx).from_stream(
            AssetDraft(owner_id=user.id, declared_type="video"), chunks(samples.image("PNG")), "x.png"
        )
    async with sql_ctx.uow() as uow:
        assert (await uow.assets.list(user.id, PageRequest())).total == 0
