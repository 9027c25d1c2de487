"""Blob storage: content-addressed bytes (``blob_id`` = sha256 hex of the content).

Reference counts live with the asset records (see ``BlobRefRepository`` in
``ports.storage``) so they change in the same transaction as the assets that use
them; the store itself only holds bytes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol


class BlobStore(Protocol):
    """Holds blob bytes. Writes are atomic: a blob is either wholly there or absent."""

    async def put_file(self, blob_id: str, path: str, size: int) -> None:
        """Store the file at ``path`` as ``blob_id`` (idempotent when it already exists)."""
        ...

    def read(self, blob_id: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Stream bytes ``start``..``end`` (inclusive; ``None`` = to the end) in chunks."""
        ...

    async def exists(self, blob_id: str) -> bool:
        """Whether the blob's bytes are stored."""
        ...

    async def delete(self, blob_id: str) -> None:
        """Remove the blob's bytes (no error when already absent)."""
        ...
