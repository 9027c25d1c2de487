"""Rendered videos become assets of their job through the normal ingestion pipeline."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator

from v3core.model import Asset, Job
from v3core.ports.blobs import FileStager
from v3core.ports.renderer import RenderedVideo
from v3core.services.assets.common import AssetDraft
from v3core.services.assets.ingest import IngestAsset
from v3core.services.assets.queries import DeleteAsset
from v3core.services.jobs.ports import VideoArchive

CHUNK = 1024 * 1024


async def _file_chunks(path: str) -> AsyncIterator[bytes]:
    handle = await asyncio.to_thread(open, path, "rb")
    try:
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            yield chunk
    finally:
        handle.close()


class IngestingVideoArchive(VideoArchive):
    """Stages the rendered file, ingests it (sniffed, measured, stored once) and removes the file."""

    def __init__(self, stager: FileStager, ingest: IngestAsset, delete: DeleteAsset) -> None:
        self._stager = stager
        self._ingest = ingest
        self._delete = delete

    async def store(self, job: Job, video: RenderedVideo) -> Asset:
        try:
            staged = await self._stager.stage(_file_chunks(video.path), filename=f"job-{job.id}.mp4")
        finally:
            await asyncio.to_thread(_remove, video.path)
        try:
            draft = AssetDraft(
                owner_id=job.owner_id,
                name=f"{job.brief.ad_basics.product} ({job.id[:8]}).mp4",
                declared_type="video",
                client_id=job.client_id,
                campaign_id=job.campaign_id,
                tags=("rendered",),
                job_id=job.id,
            )
            return await self._ingest.execute(draft, staged)
        finally:
            await self._stager.discard(staged)

    async def discard(self, owner_id: str, asset_id: str) -> None:
        await self._delete.discard(owner_id, asset_id)


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
