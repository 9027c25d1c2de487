"""``S3BlobStore``: one object per blob at ``blobs/ab/<blob_id>`` in an S3-compatible bucket.

Built on ``obstore`` (Rust ``object_store``; async, ranged streaming GETs, multipart PUT
from a file). Writes are atomic on S3: a single PUT, or a multipart upload that becomes
visible only when completed (an interrupted one is aborted by the client; a bucket
lifecycle rule should expire any that a crash leaves behind). Blobs are content-addressed
and immutable, so ``put_file`` skips a blob already there and a concurrent put of the
same bytes is harmless.

Reads issue one ranged GET per window of ``window`` bytes (16 MiB by default) and
stream each response in chunks of at most 1 MiB, so memory stays at about one chunk and
no single request outlives its timeout however slowly the client downloads.

A missing blob reads as ``NotFound`` (like the other stores); any other failure of the
object store becomes ``ObjectStorageFailed`` (an ``UpstreamError``: HTTP 502), whose
message names the operation and the blob but not the endpoint or the raw response,
which are logged and chained as ``__cause__``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import obstore
from obstore.exceptions import BaseError, PermissionDeniedError, UnauthenticatedError
from obstore.store import S3Store

from v3core.errors import NotFound, UpstreamError
from v3core.ports.blobs import BlobStore

if TYPE_CHECKING:
    from obstore import GetResult
    from obstore.store import ClientConfig, S3Config

CHUNK = 1024 * 1024
"""The largest chunk ``read`` yields."""
WINDOW = 16 * 1024 * 1024
"""Bytes asked for per ranged GET."""
PART_SIZE = 5 * 1024 * 1024
"""Multipart part size (the S3 minimum); files larger than this are uploaded in parts."""
_STREAM_CHUNK = 256 * 1024
_BLOB_ID = re.compile(r"^[0-9a-f]{64}$")

log = logging.getLogger("v3.blobs.s3")


class ObjectStorageFailed(UpstreamError):
    """The object store refused or failed a request (other than "no such object")."""


class S3BlobStore(BlobStore):
    """Blob bytes as objects in one bucket of an S3-compatible object store."""

    def __init__(
        self,
        store: S3Store,
        *,
        window: int = WINDOW,
        part_size: int = PART_SIZE,
        max_concurrency: int = 4,
    ) -> None:
        if window < 1 or part_size < 1 or max_concurrency < 1:
            raise ValueError("window, part_size and max_concurrency must be positive")
        self._store = store
        self._window = window
        self._part_size = part_size
        self._max_concurrency = max_concurrency

    @classmethod
    def connect(
        cls,
        bucket: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        max_retries: int = 3,
        request_timeout: timedelta = timedelta(minutes=10),
        window: int = WINDOW,
        part_size: int = PART_SIZE,
        max_concurrency: int = 4,
    ) -> S3BlobStore:
        """A store for ``bucket``. No request is made here.

        ``region`` defaults to ``AWS_REGION``/``AWS_DEFAULT_REGION`` (else ``us-east-1``);
        ``endpoint_url`` points at an S3-compatible server (MinIO, R2, ...; ``http://`` is
        allowed for it). Without explicit keys the standard AWS chain applies: the
        ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN`` variables,
        web identity, container or instance credentials. ``request_timeout`` bounds one
        request (one read window or one upload part); a stalled connection fails after
        30 s without data. ``window``, ``part_size`` and ``max_concurrency`` (parts uploaded
        at once) tune the transfers.
        """
        if (access_key_id is None) != (secret_access_key is None):
            raise ValueError("S3 credentials need both an access key id and a secret access key")
        client: ClientConfig = {
            "connect_timeout": timedelta(seconds=5),
            "read_timeout": timedelta(seconds=30),
            "timeout": request_timeout,
        }
        config: S3Config = {}
        if region:
            config["region"] = region
        if endpoint_url:
            config["endpoint"] = endpoint_url
            if endpoint_url.startswith("http://"):
                client["allow_http"] = True
        if access_key_id is not None and secret_access_key is not None:
            config["access_key_id"] = access_key_id
            config["secret_access_key"] = secret_access_key
        store = S3Store(
            bucket, config=config, client_options=client, retry_config={"max_retries": max_retries}
        )
        return cls(store, window=window, part_size=part_size, max_concurrency=max_concurrency)

    @staticmethod
    def key_of(blob_id: str) -> str:
        """The object key of ``blob_id`` (the id is checked: 64 lower-case hex digits)."""
        if not _BLOB_ID.match(blob_id):
            raise NotFound("blob", blob_id)
        return f"blobs/{blob_id[:2]}/{blob_id}"

    async def put_file(self, blob_id: str, path: str, size: int) -> None:
        key = self.key_of(blob_id)
        if await self.exists(blob_id):
            return
        try:
            await obstore.put_async(
                self._store,
                key,
                Path(path),
                chunk_size=self._part_size,
                max_concurrency=self._max_concurrency,
            )
        except FileNotFoundError as exc:
            if not await asyncio.to_thread(os.path.exists, path):
                raise
            raise _failed("store", blob_id, exc) from exc  # the bucket is missing
        except BaseError as exc:
            raise _failed("store", blob_id, exc) from exc

    async def read(self, blob_id: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        key = self.key_of(blob_id)
        stop = None if end is None else end + 1
        pos = start
        while stop is None or pos < stop:
            window_stop = pos + self._window if stop is None else min(stop, pos + self._window)
            result = await self._get(blob_id, key, pos, window_stop)
            if result is None:
                return
            limit = result.meta["size"] if stop is None else min(stop, result.meta["size"])
            before = pos
            try:
                async for data in result.stream(min_chunk_size=_STREAM_CHUNK):
                    for offset in range(0, len(data), CHUNK):
                        piece = data[offset : offset + CHUNK] if len(data) > CHUNK else data
                        pos += len(piece)
                        yield piece
            except BaseError as exc:
                raise _failed("read", blob_id, exc) from exc
            if pos >= limit or pos == before:
                return

    async def _get(self, blob_id: str, key: str, start: int, stop: int) -> GetResult | None:
        """The GET of bytes ``start``..``stop`` (exclusive); ``None`` when ``start`` is past the end."""
        try:
            return await obstore.get_async(self._store, key, options={"range": (start, stop)})
        except FileNotFoundError as exc:
            raise NotFound("blob", blob_id) from exc
        except BaseError as exc:
            # An unsatisfiable range (start at or past the end) fails the GET: tell it apart.
            size = await self.size(blob_id)
            if size is None:
                raise NotFound("blob", blob_id) from exc
            if start >= size:
                return None
            raise _failed("read", blob_id, exc) from exc

    async def exists(self, blob_id: str) -> bool:
        return await self.size(blob_id) is not None

    async def size(self, blob_id: str) -> int | None:
        try:
            key = self.key_of(blob_id)
        except NotFound:
            return None
        try:
            meta = await obstore.head_async(self._store, key)
        except FileNotFoundError:
            return None
        except BaseError as exc:
            raise _failed("look up", blob_id, exc) from exc
        return meta["size"]

    async def delete(self, blob_id: str) -> None:
        try:
            key = self.key_of(blob_id)
        except NotFound:
            return
        try:
            await obstore.delete_async(self._store, key)
        except FileNotFoundError:
            return
        except BaseError as exc:
            raise _failed("delete", blob_id, exc) from exc


def _failed(operation: str, blob_id: str, exc: Exception) -> ObjectStorageFailed:
    if isinstance(exc, FileNotFoundError):
        reason = "the bucket does not exist"
    elif isinstance(exc, PermissionDeniedError):
        reason = "permission denied (check the bucket policy)"
    elif isinstance(exc, UnauthenticatedError):
        reason = "the credentials were refused"
    else:
        reason = "the request failed"
    log.warning("object storage: %s of blob %s failed: %s", operation, blob_id, exc)
    return ObjectStorageFailed(f"object storage could not {operation} blob {blob_id}: {reason}")
