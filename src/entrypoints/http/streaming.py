"""Serving blob bytes over HTTP: conditional requests, single ranges, safe headers, streaming.

``serve_blob`` is the one place that turns a ``BlobView`` into a response, used for asset
data, thumbnails and job videos. The body streams from the ``BlobStore`` chunk by chunk
(never loaded whole). Range decisions come from ``v3core.ranges`` (single range → 206;
past the end → 416 with ``Content-Range: bytes */size``; multiple or malformed ranges →
the whole body with 200). ``If-None-Match`` (weak comparison, ``*`` too) → 304;
``If-Range`` with another validator → the whole body.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import AsyncIterator, Mapping
from typing import Any

from litestar import MediaType, Request, Response
from litestar.response import Stream

from entrypoints.http.envelope import failure
from v3core.ports.blobs import BlobStore
from v3core.ranges import PartialBody, RangeDecision, Unsatisfiable, decide_range
from v3core.services.assets import BlobView

DEFAULT_CACHE_CONTROL = "private, no-cache"
BLOB_HEADERS = {
    "Range": "One byte range (`bytes=0-1023`, `bytes=-500`): 206 with Content-Range; past the end 416",
    "If-None-Match": "ETags (or `*`): 304 when one matches",
    "If-Range": "The ETag the Range was computed for: another one gets the whole body",
}
"""The request headers ``serve_blob`` reads (documented on every operation that serves bytes)."""
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9!#$&+.^_`|~ -]")


def content_disposition(filename: str, disposition: str = "inline") -> str:
    """``inline``/``attachment`` with an ASCII ``filename`` and an RFC 6266 ``filename*``.

    Path parts, quotes, backslashes and control characters never reach the header.
    """
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip() or "download"
    ascii_name = _UNSAFE_ASCII.sub("_", name)[:150] or "download"
    encoded = urllib.parse.quote(name[:255], safe="")
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"


def _matches_any(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    return any(t == "*" or t.removeprefix("W/") == etag for t in tags)


def _base_headers(blob: BlobView, disposition: str, cache_control: str) -> dict[str, str]:
    return {
        "ETag": f'"{blob.etag}"',
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": content_disposition(blob.filename, disposition),
        "Cache-Control": cache_control,
    }


async def serve_blob(
    request: Request[Any, Any, Any],
    store: BlobStore,
    blob: BlobView,
    *,
    disposition: str = "inline",
    cache_control: str = DEFAULT_CACHE_CONTROL,
) -> Response[Any]:
    """The response for a GET (or HEAD) of ``blob``'s bytes, honouring conditional and range headers."""
    headers = _base_headers(blob, disposition, cache_control)
    etag = headers["ETag"]
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and _matches_any(if_none_match, etag):
        return Response(content=b"", status_code=304, headers=_only(headers, ("ETag", "Cache-Control")))
    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if if_range is not None and if_range.strip() != etag:
        range_header = None
    decision = decide_range(range_header, blob.size)
    if isinstance(decision, Unsatisfiable):
        return _unsatisfiable(request, decision, headers)
    if request.method == "HEAD":
        return _head(decision, blob, headers)
    if isinstance(decision, PartialBody):
        headers["Content-Range"] = decision.content_range
        return _stream(
            store.read(blob.blob_id, decision.start, decision.end), 206, decision.length, blob, headers
        )
    return _stream(store.read(blob.blob_id), 200, blob.size, blob, headers)


def _stream(
    body: AsyncIterator[bytes], status: int, length: int, blob: BlobView, headers: dict[str, str]
) -> Stream:
    # Content-Type goes in the headers: a handler's own media_type would win over Stream(media_type=...).
    headers |= {"Content-Type": blob.content_type, "Content-Length": str(length)}
    return Stream(body, status_code=status, headers=headers)


def _head(decision: RangeDecision, blob: BlobView, headers: dict[str, str]) -> Response[Any]:
    length = blob.size
    if isinstance(decision, PartialBody):
        headers["Content-Range"] = decision.content_range
        length = decision.length
    headers |= {"Content-Type": blob.content_type, "Content-Length": str(length)}
    status = 206 if isinstance(decision, PartialBody) else 200
    return Response(content=b"", status_code=status, headers=headers)


def _unsatisfiable(
    request: Request[Any, Any, Any], decision: Unsatisfiable, headers: Mapping[str, str]
) -> Response[Any]:
    message = f"the range is outside the {decision.size}-byte content"
    extra = {"Content-Range": decision.content_range, **_only(headers, ("ETag", "Accept-Ranges"))}
    if request.method == "HEAD":  # the headers of the JSON failure GET would answer, no body
        return Response(content=b"", status_code=416, headers=extra, media_type=MediaType.JSON)
    response = failure(request, 416, "range_not_satisfiable", message, None, extra)
    response.media_type = MediaType.JSON  # the route's own media type is the blob's, not JSON
    return response


def _only(headers: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k in names}
