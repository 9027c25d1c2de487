"""The failures every operation can answer, written into the generated OpenAPI document.

Litestar documents a 400 in its own exception shape; the app answers every failure in
the envelope (``errors.py``) with the statuses of SPEC §3. ``document_failures`` rewrites
the document once, when it is first served (not at start-up): a ``Failure`` schema (data
null, error string, meta with a code), the statuses each operation can answer,
``security: []`` on public operations, and the Server-Sent Events body Litestar cannot
infer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from litestar import Litestar, Request
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    PathItem,
    Reference,
    Schema,
)
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.routes import HTTPRoute

from entrypoints.http.auth import PUBLIC_OPT
from entrypoints.http.openapi_contract import tighten

FAILURE = "Failure"
FAILURE_META = "FailureMeta"

REASONS = {
    400: "Malformed request (bad JSON, bad header)",
    401: "Missing, invalid or revoked credentials",
    404: "No such resource for this user (another tenant's id answers the same)",
    409: "Conflict: illegal state transition, stale version or resource in use",
    413: "Body too large",
    415: "Unsupported or mismatching content type",
    416: "Range not satisfiable",
    422: "Validation failed (meta.details names each field)",
    429: "Rate limited (upstream, or too many failed logins); wait for Retry-After seconds",
    502: "Upstream service failed",
    503: "Service unavailable (the database cannot be reached): retry after `Retry-After` seconds",
    504: "Upstream service timed out",
}

UPSTREAM_OPERATIONS = frozenset(
    {"createAsset", "importAssetFromUrl", "importAssetsFromUrls", "applyJobAction", "regenerateScene"}
)
"""Operations that call an upstream service (URL import, AI planner) while the client waits."""

PUBLIC_STORAGE_OPERATIONS = frozenset({"login"})
"""Public operations that read the database (every authenticated one does: credentials are stored)."""

EXTRA_STATUSES = {"login": {401, 429}}
"""Failures beyond the ones ``_statuses`` derives (a public operation that checks a password)."""

_METHODS = ("get", "head", "put", "post", "delete", "patch")


def _failure_schemas() -> dict[str, Schema]:
    meta = Schema(
        type=OpenAPIType.OBJECT,
        all_of=[Reference(ref="#/components/schemas/Meta")],
        required=["timestamp", "requestId", "code"],
        properties={"code": Schema(type=OpenAPIType.STRING)},
    )
    failure = Schema(
        type=OpenAPIType.OBJECT,
        required=["data", "error", "meta"],
        properties={
            "data": Schema(type=OpenAPIType.NULL),
            "error": Schema(type=OpenAPIType.STRING),
            "meta": Reference(ref=f"#/components/schemas/{FAILURE_META}"),
        },
        description="Failure envelope: data null, error a message, meta.code a stable machine code",
    )
    return {FAILURE_META: meta, FAILURE: failure}


def _failure_response(status: int) -> OpenAPIResponse:
    ref = Reference(ref=f"#/components/schemas/{FAILURE}")
    headers: dict[str, OpenAPIHeader | Reference] | None = None
    if status == 503:
        headers = {
            "Retry-After": OpenAPIHeader(
                schema=Schema(type=OpenAPIType.INTEGER, minimum=1),
                description="Seconds to wait before trying again",
            )
        }
    return OpenAPIResponse(
        description=REASONS[status],
        content={"application/json": OpenAPIMediaType(schema=ref)},
        headers=headers,
    )


def _operations(openapi: OpenAPI) -> Iterator[tuple[str, Operation]]:
    for item in (openapi.paths or {}).values():
        if not isinstance(item, PathItem):
            continue
        for method in _METHODS:
            operation = getattr(item, method)
            if isinstance(operation, Operation):
                yield method, operation


def _is_streamed(operation: Operation) -> bool:
    success = (operation.responses or {}).get("200")
    content = getattr(success, "content", None) or {}
    return bool(content) and "application/json" not in content and "text/event-stream" not in content


def _statuses(method: str, operation: Operation, public: bool) -> set[int]:
    statuses = {400, 422}
    if not public:
        statuses |= {401, 404}
    if operation.request_body is not None:
        statuses |= {413, 415}
    if method in ("post", "put", "patch", "delete") and not public:
        statuses.add(409)
    statuses |= EXTRA_STATUSES.get(operation.operation_id or "", set())
    if operation.operation_id in UPSTREAM_OPERATIONS:
        statuses |= {429, 502, 504}
    if _is_streamed(operation):
        statuses.add(416)
    if not public or operation.operation_id in PUBLIC_STORAGE_OPERATIONS:
        statuses.add(503)
    return statuses


def _streamed_statuses(operation: Operation) -> None:
    if not _is_streamed(operation):
        return
    responses = operation.responses or {}
    content = responses["200"].content  # type: ignore[union-attr]
    if content and "application/octet-stream" in content:  # the stored asset's own type
        content = {"*/*": content["application/octet-stream"]}
        responses["200"].content = content  # type: ignore[union-attr]
    responses["206"] = OpenAPIResponse(description="Partial content (single Range)", content=content)
    responses["304"] = OpenAPIResponse(description="Not modified (If-None-Match matched the ETag)")


def _nullable(type_: OpenAPIType) -> Schema:
    return Schema(one_of=[Schema(type=type_), Schema(type=OpenAPIType.NULL)])


JOB_EVENT_DATA = Schema(
    type=OpenAPIType.OBJECT,
    required=["seq", "type", "jobId", "createdAt", "data"],
    properties={
        "seq": Schema(type=OpenAPIType.INTEGER, minimum=1, description="The event's number in its job's log"),
        "type": Schema(type=OpenAPIType.STRING, pattern=r"^job\.[a-z_]+$"),
        "jobId": Schema(type=OpenAPIType.STRING),
        "createdAt": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.DATE_TIME),
        "data": Schema(
            type=OpenAPIType.OBJECT, description="The job's state after the change, or the scene change"
        ),
    },
)
"""The JSON of one event's ``data`` line (``JobEventOut``)."""

JOB_EVENT = Schema(
    type=OpenAPIType.OBJECT,
    required=["event", "id", "data"],
    properties={
        "event": Schema(type=OpenAPIType.STRING, pattern=r"^job\.[a-z_]+$", description="The event's type"),
        "id": Schema(type=OpenAPIType.STRING, pattern=r"^\d+$", description="The event's sequence number"),
        "data": Schema(
            type=OpenAPIType.STRING, content_media_type="application/json", content_schema=JOB_EVENT_DATA
        ),
    },
)
"""One Server-Sent Event as its fields (``event``, ``id``, ``data``), the way OpenAPI 3.2 and
schemathesis read a ``text/event-stream`` schema: each event is checked, its data as JSON."""


def _event_stream_body(operation: Operation) -> None:
    if operation.operation_id == "streamJobEvents" and operation.responses:
        operation.responses["200"] = OpenAPIResponse(
            description="Server-Sent Events of the job's log: `event` the type, `id` the sequence "
            "number, `data` the event as `GET /jobs/{id}/history` lists it",
            content={"text/event-stream": OpenAPIMediaType(schema=JOB_EVENT)},
        )


def public_operation_ids(app: Litestar) -> set[str]:
    """Operation ids of the handlers served without credentials (``opt={PUBLIC_OPT: True}``)."""
    return {
        handler.operation_id
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        if handler.opt.get(PUBLIC_OPT) and isinstance(handler.operation_id, str)
    }


def document_app_failures(app: Litestar) -> None:
    """``document_failures`` on ``app``'s own document (built now and cached by Litestar)."""
    document_failures(app.openapi_schema, public_operation_ids(app))


_SERVED = "v3.openapi_document"


def documented_schema(app: Litestar) -> dict[str, Any]:
    """The document the app serves: built on first use (not at start-up: it takes a good part of a
    second), rewritten by ``document_failures`` once, cached as a dict."""
    served: dict[str, Any] | None = app.state.get(_SERVED)
    if served is None:
        document_app_failures(app)
        served = tighten(app.openapi_schema.to_schema())
        app.state[_SERVED] = served
    return served


class DocumentedJsonRenderPlugin(JsonRenderPlugin):
    """Serves ``documented_schema`` at ``/schema/openapi.json`` (instead of Litestar's raw one)."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return self.render_json(request, documented_schema(request.app))


def document_failures(openapi: OpenAPI, public_operations: Iterable[str]) -> None:
    """Rewrites ``openapi`` in place (see the module docstring); idempotent."""
    public = frozenset(public_operations)
    if openapi.components.schemas is not None:
        openapi.components.schemas.update(_failure_schemas())
    for method, operation in _operations(openapi):
        is_public = operation.operation_id in public
        if is_public:
            operation.security = []
        _event_stream_body(operation)
        _streamed_statuses(operation)
        responses = operation.responses if operation.responses is not None else {}
        for status in sorted(_statuses(method, operation, is_public)):
            responses[str(status)] = _failure_response(status)
        operation.responses = responses
