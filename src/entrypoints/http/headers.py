"""The request headers the API reads, declared as parameters so the OpenAPI document shows them
(and Litestar checks their bounds: an ``Idempotency-Key`` longer than the column is a 422).

The headers of blob downloads (``Range``, ``If-None-Match``, ``If-Range``) are read by
``streaming.serve_blob`` and added to those operations' documentation by
``openapi_failures`` (``BLOB_HEADERS``).
"""

from __future__ import annotations

from typing import Annotated

from litestar.params import HeaderParameter

from v3core.limits import IDEMPOTENCY_KEY_MAX_LENGTH

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        description='The scene version you edit from (`"v3"`, `3` or the ETag); a stale one answers 409',
        max_length=100,
    ),
]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        description="Makes retries safe: the same key and body answer the same job; another body, 409",
        min_length=1,
        max_length=IDEMPOTENCY_KEY_MAX_LENGTH,
    ),
]
Prefer = Annotated[
    str | None,
    HeaderParameter(
        name="Prefer", description="`wait=N` (N ≤ 60 seconds) waits for the storyboard", max_length=200
    ),
]
LastEventId = Annotated[
    str | None,
    HeaderParameter(
        name="Last-Event-ID",
        description="Resume the stream after this event (its `id`, the sequence number): "
        "events up to it are not sent again",
        max_length=100,
    ),
]
