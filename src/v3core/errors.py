"""Domain errors: every failure the core can report, each with a stable machine code.

The HTTP layer maps ``code`` to a status in one table; the library user can catch
``DomainError`` and read ``code``/``message``/``details``.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs


@attrs.frozen
class ErrorDetail:
    """One field-level problem: where (path of keys), what, and a short type tag."""

    loc: tuple[str | int, ...]
    msg: str
    type: str = "value_error"


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    code: str = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    """Input breaks a rule; ``details`` names each offending field."""

    code = "validation_error"

    def __init__(self, message: str, details: Sequence[ErrorDetail] = ()) -> None:
        super().__init__(message)
        self.details = tuple(details)

    @classmethod
    def at(cls, loc: tuple[str | int, ...], msg: str, type_: str = "value_error") -> ValidationFailed:
        """A validation error about a single field."""
        return cls(f"{'.'.join(str(p) for p in loc)}: {msg}", [ErrorDetail(loc, msg, type_)])


class NotFound(DomainError):
    """The resource does not exist for this owner (another tenant's id looks missing too)."""

    code = "not_found"

    def __init__(self, kind: str, ident: str, field: str | None = None) -> None:
        where = f" ({field})" if field else ""
        super().__init__(f"{kind} {ident!r} not found{where}")
        self.kind = kind
        self.ident = ident
        self.field = field


class Conflict(DomainError):
    """The request is valid but clashes with the current state of the resource."""

    code = "conflict"


class IllegalTransition(Conflict):
    """An action not allowed in the job's current state."""

    def __init__(self, status: str, action: str, allowed: Sequence[str]) -> None:
        allowed_text = ", ".join(allowed) if allowed else "none"
        super().__init__(
            f"action {action!r} is not allowed while the job is {status!r}; allowed: {allowed_text}"
        )
        self.status = status
        self.action = action
        self.allowed = tuple(allowed)


class StaleVersion(Conflict):
    """An optimistic-concurrency check failed: someone else changed it first."""

    def __init__(self, kind: str, ident: str, expected: int, actual: int) -> None:
        super().__init__(f"{kind} {ident!r} is at version {actual}, not {expected}; reload and retry")
        self.expected = expected
        self.actual = actual


class Unauthorized(DomainError):
    """Missing, unknown, expired or revoked credentials."""

    code = "unauthorized"


class PayloadTooLarge(DomainError):
    """A body or a download exceeded its configured cap."""

    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    """The content is not of an accepted type or does not match the declared type."""

    code = "unsupported_media_type"


class UpstreamError(DomainError):
    """A remote dependency (AI provider, source URL) failed or misbehaved."""

    code = "upstream_error"


class UpstreamTimeout(UpstreamError):
    """A remote dependency did not answer in time."""

    code = "upstream_timeout"


class ContentRefused(UpstreamError):
    """A provider refused the request under its content policy (retrying the same prompt is futile)."""

    code = "content_refused"


class RateLimited(DomainError):
    """A remote dependency (or this service) asks the caller to slow down.

    ``retry_after`` is the wait in seconds the other side asked for, when it said.
    """

    code = "rate_limited"

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ForbiddenTarget(DomainError):
    """A URL points somewhere imports may not go (scheme, host allow-list, private network)."""

    code = "forbidden_target"


class BudgetExceeded(DomainError):
    """A step would take a job's actual cost past the brief's ``advanced.maxCost``."""

    code = "budget_exceeded"


class StorageUnavailable(DomainError):
    """The database cannot be reached right now (down, restarting, locked for too long).

    Not a verdict on the request: the same work is expected to succeed once storage is
    back, so callers answer "try again" (HTTP 503 with ``Retry-After``) and background
    steps are retried, never failed for good. ``reason`` is a short, parameter-free
    description of what the driver reported (for operators, not for API clients).
    """

    code = "service_unavailable"

    def __init__(
        self,
        message: str = "the database is unavailable; try again shortly",
        *,
        reason: str = "",
        retry_after: float = 5.0,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after
