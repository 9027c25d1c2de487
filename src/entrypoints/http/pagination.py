"""List paging and filter helpers shared by every list endpoint.

A handler takes ``page: PageRequest`` (the ``page`` dependency: ``limit`` 1-1000,
default 100, ``offset`` ≥ 0) and answers ``ok_page(request, items, total, page)``.
Filters are camelCase query params with their snake_case spelling accepted too:
declare both and merge with ``either``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, TypeVar

from litestar.di import Provide
from litestar.params import QueryParameter

from v3core.errors import ValidationFailed
from v3core.ports.storage import PageRequest

MAX_LIMIT = 1000
MAX_OFFSET = 2**53 - 1
"""The largest offset accepted (beyond it 422): exact as a JSON number in every client (2**53 - 1),
and far below what a database accepts (a signed 64-bit integer)."""
DEFAULT_LIMIT = 100


def provide_page(
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description="Page size")] = DEFAULT_LIMIT,
    offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET, description="Items to skip")] = 0,
) -> PageRequest:
    """The page a list request asks for."""
    return PageRequest(limit=limit, offset=offset)


PAGE_DEPENDENCY = {"page": Provide(provide_page, sync_to_thread=False)}
"""Register on the app; handlers then take ``page: PageRequest``."""


def either(camel: str | None, snake: str | None, name: str) -> str | None:
    """The filter value from its camelCase or snake_case spelling; both and different → 422."""
    if camel is not None and snake is not None and camel != snake:
        raise ValidationFailed.at(("query", name), "given twice with different values")
    return camel if camel is not None else snake


T = TypeVar("T")


def page_slice(items: Sequence[T], page: PageRequest) -> Sequence[T]:
    """The items of ``page`` from a short list read whole (a job's scenes, a user's keys)."""
    return items[page.offset : page.offset + page.limit]
