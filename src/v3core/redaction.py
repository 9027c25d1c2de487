"""What of a URL may be shown: everywhere a URL is logged, echoed in an error or stored in a
job's error, its userinfo and its query and fragment values are replaced by ``***``.

Import URLs carry credentials (``https://user:pw@host/...``, ``?token=...``, signed-URL
signatures) and so do database URLs; the scheme, host, port, path and the names of the
query parameters stay, so the message still says where.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

MASK = "***"

_URL_IN_TEXT = re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>()\[\]{}]+")
_PAIR = re.compile(r"([^&;=]*)(=?)([^&;]*)")


def _mask_pairs(text: str) -> str:
    """``a=1&b=2`` → ``a=***&b=***``; a bare value (``?secret``) is masked too."""

    def mask(match: re.Match[str]) -> str:
        name, equals, value = match.groups()
        if not name and not equals and not value:
            return ""
        if not equals:
            return MASK
        return f"{name}={MASK}" if value else f"{name}="

    return _PAIR.sub(mask, text)


def redact_url(url: str) -> str:
    """``url`` with userinfo and query/fragment values masked; text without a scheme is
    returned unchanged (it is not a URL)."""
    try:
        parts: SplitResult = urlsplit(url)
        _ = parts.port  # raises on a malformed authority
    except ValueError:
        return _mask_after_marks(url)
    if not parts.scheme:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    if netloc == parts.netloc and not parts.query and not parts.fragment:
        return url
    slashes = "//" if url[len(parts.scheme) + 1 :].startswith("//") else ""
    redacted = f"{parts.scheme}:{slashes}{netloc}{parts.path}"
    if parts.query:
        redacted += f"?{_mask_pairs(parts.query)}"
    if parts.fragment:
        redacted += f"#{_mask_pairs(parts.fragment)}"
    return redacted


def _mask_after_marks(url: str) -> str:
    """A URL too broken to parse: keep what precedes any userinfo, query or fragment."""
    head = re.split(r"[?#]", url, maxsplit=1)[0]
    if "@" in head:
        scheme, _, rest = head.partition("://")
        head = f"{scheme}://{MASK}@{rest.rsplit('@', 1)[1]}" if rest else MASK
    return head if head == url else f"{head}{MASK}"


def redact_urls(text: str) -> str:
    """Every URL inside free ``text`` (a log line, an error message) redacted with ``redact_url``."""
    return _URL_IN_TEXT.sub(lambda match: redact_url(match.group(0)), text)
