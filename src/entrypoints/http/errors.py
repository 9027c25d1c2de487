"""Every failure becomes an envelope with a real status: one table for domain errors,
translations for Litestar's own exceptions, and a 500 without a stack trace for the rest."""

from __future__ import annotations

import logging
import math
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap

from entrypoints.http.envelope import Envelope, ErrorDetail, failure
from entrypoints.http.explain import explain, with_public_names
from v3core import errors

log = logging.getLogger("v3.http")

STATUS_BY_CODE: dict[str, int] = {
    errors.ValidationFailed.code: 422,
    errors.NotFound.code: 404,
    errors.Conflict.code: 409,
    errors.Unauthorized.code: 401,
    errors.PayloadTooLarge.code: 413,
    errors.UnsupportedMediaType.code: 415,
    errors.ForbiddenTarget.code: 422,
    errors.UpstreamError.code: 502,
    errors.UpstreamTimeout.code: 504,
    errors.RateLimited.code: 429,
    errors.StorageUnavailable.code: 503,
}
"""``DomainError.code`` → HTTP status. An unknown code answers 400."""

CODE_BY_STATUS: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "service_unavailable",
}
"""Codes for Litestar's own HTTP exceptions (routing, body size, malformed JSON...)."""

_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _loc(key: str | None, message: str, source: Any) -> list[str | int]:
    source = getattr(source, "value", source)  # Litestar's ParamType enum for parameters
    missing = _MISSING_FIELD.search(message)
    path = key or ""
    if missing:
        path = missing.group(1) if path in ("", "data") else f"{path}.{missing.group(1)}"
    elif path == "data":
        path = ""
    parts: list[str | int] = [int(i) if i else name for name, i in _PATH_PART.findall(path)]
    return [source, *parts] if source and source != "body" else parts


def _details_of(exc: ValidationException) -> list[ErrorDetail]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    details = []
    for item in extra:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid value"))
        kind = "missing" if _MISSING_FIELD.search(message) else "value_error"
        details.append(ErrorDetail(_loc(item.get("key"), message, item.get("source")), message, kind))
    return details


def domain_error(request: Request[Any, Any, Any], exc: errors.DomainError) -> Response[Envelope[None]]:
    """A ``DomainError`` → its status from ``STATUS_BY_CODE``; validation carries the details."""
    status = STATUS_BY_CODE.get(exc.code, 400)
    details = None
    if isinstance(exc, errors.ValidationFailed):
        details = [ErrorDetail(list(d.loc), d.msg, d.type) for d in exc.details]
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(exc, errors.RateLimited) and exc.retry_after is not None:
        headers = {"Retry-After": str(max(1, math.ceil(exc.retry_after)))}
    return failure(request, status, exc.code, exc.message, details, headers)


def storage_unavailable(
    request: Request[Any, Any, Any], exc: errors.StorageUnavailable
) -> Response[Envelope[None]]:
    """The database cannot be reached: 503 with ``Retry-After`` (the request may succeed later);
    logged in one line with the driver's reason, no trace (nothing is wrong with the request)."""
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc.reason)
    headers = {"Retry-After": str(max(1, math.ceil(exc.retry_after)))}
    return failure(request, 503, exc.code, exc.message, None, headers)


def validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Envelope[None]]:
    """Litestar's request validation (body, query, path, headers) → 422 saying what is wrong with
    each field ("limit must be between 1 and 1000"); ``meta.details`` keeps where."""
    details = with_public_names(request, _details_of(exc))
    said = "; ".join(explain(request, d) for d in details) or "invalid input"
    return failure(request, 422, "validation_error", said, details)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Envelope[None]]:
    """Litestar's HTTP exceptions (404/405 routing, 413 body size, 400 bad JSON...) in the envelope."""
    status = exc.status_code
    if status >= 500:
        return internal_error(request, exc)
    headers = dict(exc.headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return failure(request, status, CODE_BY_STATUS.get(status, "bad_request"), exc.detail, None, headers)


def internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Envelope[None]]:
    """Anything unexpected: logged with its trace, answered 500 without one."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return failure(request, 500, "internal_error", "internal server error")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    errors.DomainError: domain_error,
    errors.StorageUnavailable: storage_unavailable,
    ValidationException: validation_error,
    HTTPException: http_error,
    Exception: internal_error,
}
"""Registered once on the app."""
