"""Collaborators the job use cases need beyond the storage ports."""

from __future__ import annotations

from typing import Protocol

import attrs

from v3core.model import Asset, Generation, Job
from v3core.ports.blobs import StagedFile
from v3core.ports.media import GeneratedMedia
from v3core.ports.renderer import RenderedVideo


@attrs.frozen
class UrlImport:
    """One asset URL of a brief to import for a job."""

    owner_id: str
    url: str
    job_id: str
    declared_type: str | None = None
    name: str | None = None
    client_id: str | None = None
    campaign_id: str | None = None


class UrlAssetImporter(Protocol):
    """Imports a URL into the asset library (download, sniff, store) and returns the asset."""

    async def import_url(self, request: UrlImport) -> Asset:
        """Raise a ``DomainError`` naming the cause when the import fails; leave nothing behind."""
        ...


class VideoArchive(Protocol):
    """Keeps rendered videos as assets of their job."""

    async def store(self, job: Job, video: RenderedVideo) -> Asset:
        """Store the file as a video asset of ``job`` (it takes ownership of the file)."""
        ...

    async def discard(self, owner_id: str, asset_id: str) -> None:
        """Remove a stored video that is no longer wanted (the job was cancelled meanwhile)."""
        ...


class GeneratedMediaStore(Protocol):
    """Keeps generated frames and clips as assets of their job, with their generation record."""

    async def store(self, job: Job, media: GeneratedMedia, generation: Generation) -> Asset:
        """Ingest ``media.staged`` (sniffed, measured, stored once) as an asset of ``job``.

        Takes ownership of the staged file: it is removed whether or not storing succeeds.
        """
        ...

    async def local_copy(self, asset: Asset) -> StagedFile:
        """The asset's bytes in a local file (a clip's first frame); pair with ``release``."""
        ...

    async def release(self, staged: StagedFile) -> None:
        """Remove a local copy made by ``local_copy``."""
        ...
