"""Generated frames and clips become assets of their job through the normal ingestion pipeline."""

from __future__ import annotations

from v3core.model import Asset, Generation, Job, MediaKind
from v3core.ports.blobs import BlobStore, FileStager, StagedFile
from v3core.ports.media import GeneratedMedia
from v3core.services.assets.common import AssetDraft
from v3core.services.assets.ingest import IngestAsset
from v3core.services.jobs.ports import GeneratedMediaStore

_DECLARED = {MediaKind.FRAME: "image", MediaKind.CLIP: "video"}


class IngestingMediaStore(GeneratedMediaStore):
    """Ingests generator outputs (sniffed, measured, stored once) tagged ``generated``.

    ``stager`` is for local copies of stored frames; it must not be the upload stager, whose
    ``MAX_UPLOAD_SIZE_MB`` caps request bodies only.
    """

    def __init__(self, ingest: IngestAsset, blobs: BlobStore, stager: FileStager) -> None:
        self._ingest = ingest
        self._blobs = blobs
        self._stager = stager

    async def store(self, job: Job, media: GeneratedMedia, generation: Generation) -> Asset:
        try:
            draft = AssetDraft(
                owner_id=job.owner_id,
                name=f"Scene {generation.scene_number} {generation.kind.value} ({job.id[:8]})",
                declared_type=_DECLARED[generation.kind],
                client_id=job.client_id,
                campaign_id=job.campaign_id,
                tags=("generated", generation.kind.value),
                job_id=job.id,
                generation=generation,
            )
            return await self._ingest.execute(draft, media.staged)
        finally:
            await self._stager.discard(media.staged)

    async def local_copy(self, asset: Asset) -> StagedFile:
        return await self._stager.stage(self._blobs.read(asset.blob_id), filename=f"frame.{asset.format}")

    async def release(self, staged: StagedFile) -> None:
        await self._stager.discard(staged)
