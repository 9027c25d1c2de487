"""Staging generated output and proving it is the medium that was asked for.

Whatever a provider hands back (a URL, base64 bytes, a file it streams) becomes a
``StagedFile`` through our own ports: URLs through the guarded ``BlobFetcher`` (SSRF
rules, size cap), bytes through the ``FileStager`` (size cap, hash). The staged file is
then sniffed by the ``ContentInspector``; an "image" that is HTML, or a "video" without a
video stream, is discarded and reported as ``UpstreamError``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Literal

import attrs

from v3core.errors import DomainError, UpstreamError
from v3core.ports.blobs import BlobFetcher, ContentInspector, FileStager, StagedFile

Medium = Literal["image", "video", "audio"]

IMAGE_FORMATS = frozenset({"png", "jpg", "webp", "gif"})
VIDEO_FORMATS = frozenset({"mp4", "mov", "webm", "mkv"})
AUDIO_FORMATS = frozenset({"wav", "mp3", "ogg", "aac", "m4a", "flac"})
CHUNK = 1 << 20


@attrs.frozen
class OutputStaging:
    """The three ingestion ports an adapter needs to turn provider output into a staged file."""

    fetcher: BlobFetcher
    stager: FileStager
    inspector: ContentInspector

    async def from_url(self, provider: str, url: str, medium: Medium) -> StagedFile:
        """Download ``url`` through the guarded fetcher and verify it is ``medium``."""
        try:
            staged = await self.fetcher.fetch(url)
        except DomainError as exc:
            raise UpstreamError(f"{provider} output could not be downloaded: {exc.message}") from exc
        return await self.verified(provider, staged, medium)

    async def from_bytes(self, provider: str, data: bytes, medium: Medium, filename: str) -> StagedFile:
        """Stage ``data`` (size-capped) and verify it is ``medium``."""
        try:
            staged = await self.stager.stage(_chunks(data), filename=filename)
        except DomainError as exc:
            raise UpstreamError(f"{provider} output could not be stored: {exc.message}") from exc
        return await self.verified(provider, staged, medium)

    async def verified(self, provider: str, staged: StagedFile, medium: Medium) -> StagedFile:
        """``staged`` with its inspected ``info``; discarded and ``UpstreamError`` unless ``medium``."""
        try:
            info = await self.inspector.inspect(staged)
        except DomainError as exc:
            await self.stager.discard(staged)
            raise UpstreamError(f"{provider} returned an unreadable {medium}: {exc.message}") from exc
        if not _is(medium, info.format, info.width):
            await self.stager.discard(staged)
            found = info.format or info.mime
            wanted = {"image": "an image", "video": "a video", "audio": "audio"}[medium]
            raise UpstreamError(f"{provider} returned {found} content where {wanted} was expected")
        return attrs.evolve(staged, info=info)


def _is(medium: Medium, fmt: str | None, width: int | None) -> bool:
    if medium == "image":
        return fmt in IMAGE_FORMATS
    if medium == "audio":
        return fmt in AUDIO_FORMATS
    return fmt in VIDEO_FORMATS and width is not None


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]
