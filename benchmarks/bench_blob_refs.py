"""What guarding shared blobs costs on PostgreSQL (decision 0110).

Uploads and deletes small unique documents through the asset use cases (no HTTP), on a
throw-away PostgreSQL database with the database blob store, once with the in-process
guard (one process only: not safe with several) and once with ``PostgresBlobGuard`` (an
advisory lock on a connection of its own pool). Also times rounds of 8 concurrent
deletes of one asset (one wins, the rest answer NotFound). Prints medians in ms.

    uv run python benchmarks/bench_blob_refs.py [--runs 200] [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.scratch_db import scratch_postgres

from adapters.blobs.database import DatabaseBlobStore
from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.staging import TempFileStager
from adapters.sqlalchemy import SqlAlchemyUnitOfWork, make_engine
from adapters.sqlalchemy.blob_guard import PostgresBlobGuard
from adapters.system import SystemUtcClock, Uuid4Generator
from v3core.errors import NotFound
from v3core.model import User
from v3core.ports.blobs import BlobGuard
from v3core.services.assets import AssetContext, AssetDraft, DeleteAsset, UploadAsset
from v3core.services.assets.guard import InProcessBlobGuard


async def one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def measure(url: str, guard: BlobGuard, runs: int, staging: str) -> dict[str, float]:
    engine = make_engine(url)
    ctx = AssetContext(
        uow=SqlAlchemyUnitOfWork.factory(engine),
        blobs=DatabaseBlobStore(engine),
        stager=TempFileStager(1 << 20, staging),
        inspector=MediaContentInspector(),
        clock=SystemUtcClock(),
        ids=Uuid4Generator(),
        guard=guard,
    )
    owner = f"bench-{uuid.uuid4().hex[:8]}"
    async with ctx.uow() as uow:
        await uow.users.add(User(owner, f"{owner}@x.test", ctx.clock.now()))
        await uow.commit()
    upload, delete = UploadAsset(ctx), DeleteAsset(ctx)
    uploads, deletes, races = [], [], []
    for _ in range(runs):
        data = f"bench {uuid.uuid4()}\n".encode() * 100
        start = time.perf_counter()
        asset = await upload.from_stream(AssetDraft(owner_id=owner), one_chunk(data), "n.txt")
        uploads.append(time.perf_counter() - start)
        start = time.perf_counter()
        await delete.execute(owner, asset.id)
        deletes.append(time.perf_counter() - start)
    for _ in range(max(runs // 10, 5)):
        asset = await upload.from_stream(
            AssetDraft(owner_id=owner), one_chunk(f"race {uuid.uuid4()}\n".encode()), "n.txt"
        )

        async def attempt(asset_id: str = asset.id) -> None:
            with contextlib.suppress(NotFound):
                await delete.execute(owner, asset_id)

        start = time.perf_counter()
        await asyncio.gather(*(attempt() for _ in range(8)))
        races.append(time.perf_counter() - start)
    await engine.dispose()
    return {
        "upload": statistics.median(uploads) * 1000,
        "delete (last reference)": statistics.median(deletes) * 1000,
        "8 concurrent deletes of one asset": statistics.median(races) * 1000,
    }


async def run(admin_url: str, runs: int) -> None:
    with scratch_postgres("v3bench", admin_url=admin_url) as url, tempfile.TemporaryDirectory() as staging:
        local = await measure(url, InProcessBlobGuard(), runs, staging)
        guard = PostgresBlobGuard.for_url(url)
        try:
            shared = await measure(url, guard, runs, staging)
        finally:
            await guard.close()
    print(f"PostgreSQL, database blob store, {runs} runs; medians in ms\n")
    print("| operation | in-process guard | PostgresBlobGuard |")
    print("| --- | --- | --- |")
    for name in local:
        print(f"| {name} | {local[name]:.2f} | {shared[name]:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    asyncio.run(run(args.admin_url, args.runs))


if __name__ == "__main__":
    main()
