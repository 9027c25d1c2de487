"""Reading what a provider answered: the model's JSON, and its failures as domain errors.

Both SDKs (OpenAI, Anthropic) are generated from the same template: their exceptions have
the same names and shapes, so one mapping (``sdk_error``) serves both adapters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from v3core.errors import DomainError, RateLimited, UpstreamError, UpstreamTimeout

_FENCE = re.compile(r"```[a-zA-Z]*\s*(.*?)```", re.DOTALL)
_MAX_DETAIL = 300
_KEYLIKE = re.compile(r"[A-Za-z0-9_\-*.]{8,}")


def parse_reply_text(text: str) -> Any:
    """The JSON value a model wrote in ``text``, or ``text`` itself when none parses.

    Accepts bare JSON, JSON inside a Markdown code fence, and an object surrounded by prose.
    """
    for candidate in _json_candidates(text):
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            continue
    start = text.find("{")
    if start >= 0:
        try:
            return json.JSONDecoder().raw_decode(text, start)[0]
        except json.JSONDecodeError:
            pass
    return text


def _json_candidates(text: str) -> Iterator[str]:
    yield text.strip()
    for match in _FENCE.finditer(text):
        yield match.group(1).strip()
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        yield text[start : end + 1]


def error_detail(body: object, secret: str) -> str:
    """A short, secret-free description of a provider's error body (``""`` when it has none)."""
    message: object = None
    if isinstance(body, dict):
        inner = body.get("error")
        message = body.get("message") or (inner.get("message") if isinstance(inner, dict) else inner)
    elif isinstance(body, str):
        message = body
    if not isinstance(message, str) or not message.strip():
        return ""
    return redact(message.strip(), secret)[:_MAX_DETAIL]


def redact(text: str, secret: str) -> str:
    """``text`` with ``secret`` masked, and any run of 8+ key-like characters that is part of it."""
    if not secret:
        return text
    text = text.replace(secret, "[redacted]")

    def mask(match: re.Match[str]) -> str:
        core = match.group(0).strip("*.")
        return "[redacted]" if len(core) >= 8 and core in secret else match.group(0)

    return _KEYLIKE.sub(mask, text)


def status_error(provider: str, status: int, detail: str, retries: int) -> DomainError:
    """The domain error for an HTTP error status a provider answered (after the SDK's retries)."""
    suffix = f": {detail}" if detail else ""
    if status == 429:
        return RateLimited(
            f"{provider} is rate limiting requests (HTTP 429, after {retries} retries){suffix}"
        )
    if status in (401, 403):
        return UpstreamError(f"{provider} rejected the API key (HTTP {status}){suffix}")
    if status >= 500:
        return UpstreamError(f"{provider} failed with HTTP {status} (after {retries} retries){suffix}")
    return UpstreamError(f"{provider} refused the request with HTTP {status}{suffix}")


def sdk_error(
    sdk: ModuleType, exc: Exception, *, provider: str, timeout: float, retries: int, secret: str
) -> DomainError:
    """The domain error for an exception of ``sdk`` (the ``openai`` or ``anthropic`` module),
    raised after the SDK's own retries; never contains ``secret``."""
    after = f"after {retries} retries"
    if isinstance(exc, sdk.APITimeoutError):
        return UpstreamTimeout(f"{provider} did not answer within {timeout:g} s ({after})")
    if isinstance(exc, sdk.APIConnectionError):
        return UpstreamError(f"{provider} could not be reached ({after})")
    if isinstance(exc, sdk.APIStatusError):
        return status_error(provider, exc.status_code, error_detail(exc.body, secret), retries)
    return UpstreamError(f"{provider} call failed: {redact(str(exc), secret)[:_MAX_DETAIL]}")
