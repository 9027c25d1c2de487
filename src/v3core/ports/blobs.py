"""Blob storage and ingestion ports: content-addressed bytes (``blob_id`` = sha256 hex).

Reference counts live with the asset records (see ``BlobRefRepository`` in
``ports.storage``) so they change in the same transaction as the assets that use
them; the store itself only holds bytes.

Ingestion goes through a *staged file*: bytes are streamed once to a temporary file
while being hashed and size-capped (``FileStager``), inspected there
(``ContentInspector``: magic bytes + metadata), and only then copied into the
``BlobStore``. URL imports stage through a ``BlobFetcher``.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol

import attrs

from v3core.model import AssetType


class BlobStore(Protocol):
    """Holds blob bytes. Writes are atomic: a blob is either wholly there or absent."""

    async def put_file(self, blob_id: str, path: str, size: int) -> None:
        """Store the file at ``path`` as ``blob_id`` (idempotent when it already exists)."""
        ...

    def read(self, blob_id: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Stream bytes ``start``..``end`` (inclusive; ``None`` = to the end) in chunks.

        Memory stays bounded by one chunk whatever the blob's size.
        """
        ...

    async def exists(self, blob_id: str) -> bool:
        """Whether the blob's bytes are stored."""
        ...

    async def size(self, blob_id: str) -> int | None:
        """The stored blob's size in bytes, ``None`` when absent."""
        ...

    async def delete(self, blob_id: str) -> None:
        """Remove the blob's bytes (no error when already absent)."""
        ...


class BlobGuard(Protocol):
    """Mutual exclusion per blob id, across every process that shares the storage.

    Bytes are deleted only while the guard of their blob is held and no reference is
    counted; a reference is added only while it is held and after the bytes are stored.
    So the count and the bytes never disagree, whatever runs concurrently. Holders never
    open a unit of work before taking the guard's own resources (no lock-order cycles).
    """

    def hold(self, blob_id: str) -> AbstractAsyncContextManager[None]:
        """Wait until no one else holds ``blob_id``'s guard, then hold it for the block."""
        ...


@attrs.frozen
class ContentInfo:
    """What the bytes really are, found by inspecting them (never from names or headers).

    ``mime``/``format`` come from magic bytes (``format`` is a short lower-case name
    such as ``png``, ``jpg``, ``mp4``, ``txt``, ``html``; ``None`` when unrecognised);
    ``width``/``height`` (pixels) and ``duration`` (seconds) when the medium has them.
    """

    mime: str
    format: str | None
    width: int | None = None
    height: int | None = None
    duration: float | None = None


@attrs.frozen
class StagedFile:
    """Bytes staged in a private temporary file: its path, size and sha256 (hex).

    ``info`` is filled once the file has been inspected; ``filename`` is the name the
    client gave (untrusted, for display only); ``source_url`` the final URL of an import.
    """

    path: str
    size: int
    sha256: str
    filename: str | None = None
    source_url: str | None = None
    info: ContentInfo | None = None


class FileStager(Protocol):
    """Streams bytes into a temporary file while hashing them and enforcing the size cap."""

    @property
    def max_size(self) -> int:
        """The largest number of bytes one staged file may hold."""
        ...

    async def stage(self, chunks: AsyncIterable[bytes], filename: str | None = None) -> StagedFile:
        """Consume ``chunks`` into a new staged file.

        Raises ``PayloadTooLarge`` as soon as more than ``max_size`` bytes arrive
        (nothing is left behind) and ``ValidationFailed`` for an empty stream.
        """
        ...

    async def discard(self, staged: StagedFile) -> None:
        """Delete the staged file (no error when already gone)."""
        ...


class ContentInspector(Protocol):
    """Finds out what a staged file contains."""

    async def inspect(self, staged: StagedFile) -> ContentInfo:
        """Sniff the type from magic bytes and read media metadata.

        Raises ``ValidationFailed`` for a recognised but unreadable or oversized
        (decompression-bomb) medium.
        """
        ...


class BlobFetcher(Protocol):
    """Downloads a URL into a staged file, refusing forbidden targets."""

    async def fetch(self, url: str) -> StagedFile:
        """Stage the body of ``url`` (``source_url`` = the final URL after redirects).

        Raises ``ForbiddenTarget`` (scheme, allow-list, private address), ``UpstreamError``
        (HTTP error status, too many redirects, connection failure), ``UpstreamTimeout``
        and ``PayloadTooLarge``; a failed fetch leaves no staged file behind.
        """
        ...


class ImportTargetCheck(Protocol):
    """The fetcher's host rule, judged without the network (no DNS): why a URL will be refused
    (a host outside the allow-list, a literal address in a blocked range, a local name such as
    ``localhost``), or ``None`` when the fetcher may try it (and judges the resolved addresses)."""

    def __call__(self, url: str) -> str | None:
        """Why ``url`` cannot be imported, or ``None``."""
        ...


class Thumbnailer(Protocol):
    """Draws small previews of images and videos."""

    async def thumbnail(self, source: StagedFile, kind: AssetType) -> StagedFile | None:
        """A JPEG preview (staged) of ``source`` of asset type ``kind``; ``None`` when it has none."""
        ...
