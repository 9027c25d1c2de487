"""No log line carries a URL's credentials: every log record made in the process has the URLs in
its message, its arguments and its traceback redacted (``v3core.redaction``).

Libraries log URLs themselves (httpx logs every request at INFO with the full URL, userinfo
and query included), so redacting at our own call sites is not enough, and handlers belong
to whoever configures logging (uvicorn, ``basicConfig``, the embedding application). The one
place every record passes through is the log record factory: ``install()`` wraps it, once
per process (the composition root calls it). Argument types are kept (``%d`` still gets an
int); only strings — and objects whose text holds a URL — are replaced.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from v3core.redaction import redact_urls

_MARK = "://"


def _redacted_arg(value: Any) -> Any:
    if isinstance(value, str):
        return redact_urls(value) if _MARK in value else value
    if isinstance(value, (int, float, bool, type(None), bytes)):
        return value
    text = str(value)
    return redact_urls(text) if _MARK in text else value


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """``record`` with the URLs of its message, arguments and exception text redacted."""
    if isinstance(record.msg, str) and _MARK in record.msg:
        record.msg = redact_urls(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_redacted_arg(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _redacted_arg(v) for k, v in record.args.items()}
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if _MARK in text:
            record.exc_text = redact_urls(text)  # formatters use exc_text when it is set
    return record


class _RedactingFactory:
    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(self.wrapped(*args, **kwargs))


def install() -> None:
    """Redact every log record made from now on in this process (idempotent)."""
    current = logging.getLogRecordFactory()
    if not isinstance(current, _RedactingFactory):
        logging.setLogRecordFactory(_RedactingFactory(current))
