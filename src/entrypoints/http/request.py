"""The app's request class and request guards.

A JSON body that cannot be decoded is the client's fault (400).

Litestar turns ``msgspec.DecodeError`` into a 400 but lets two other decoding failures
through as 500s: invalid UTF-8 inside a string (``UnicodeDecodeError``) and nesting
deeper than the interpreter's recursion limit (``RecursionError``).

``check_request`` (the app's ``before_request``) refuses what Litestar would quietly
accept: a query parameter the operation does not take or given twice (422) and a non-JSON
body sent to a JSON handler (415). A page whose query is read by the browser, not by the
server (the review console's ``/app`` pages, opt ``BROWSER_QUERY_OPT``), takes any query.
It also answers ``OPTIONS`` itself, with every method of the path in ``Allow`` (Litestar's
own answer names only the methods of one handler group). NUL characters, in a JSON string,
the path or the query, answer 422: PostgreSQL cannot store them in text (it was a 500 there).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeAlias, TypeVar

from litestar import Litestar, Request, Response
from litestar.exceptions import ClientException
from litestar.params import Body
from litestar.routes import HTTPRoute

from v3core.errors import UnsupportedMediaType, ValidationFailed

T = TypeVar("T")
MERGE_PATCH = "application/merge-patch+json"
BROWSER_QUERY_OPT = "v3.browser_query"
"""Handler ``opt`` key: the page's query is the browser script's (``/app/jobs?status=failed``),
so the query checks below do not apply to it."""
MergePatchBody: TypeAlias = Annotated[T, Body(media_type=MERGE_PATCH)]
"""A JSON Merge Patch body (RFC 7386), documented as ``application/merge-patch+json``."""

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_ALLOW = "v3.allow_by_path"
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
"""``\\u0000`` in JSON text, not preceded by an escaped backslash."""


class V3Request(Request[Any, Any, Any]):
    """``Request`` whose ``json()`` answers 400 for every undecodable body."""

    async def json(self) -> Any:
        """The decoded JSON body; ``ClientException`` (400) when it cannot be decoded,
        ``ValidationFailed`` (422) when a string holds a NUL character."""
        reject_nul_characters(await self.body())
        try:
            return await super().json()
        except UnicodeDecodeError:
            raise ClientException("the request body is not valid UTF-8") from None
        except RecursionError:
            raise ClientException("the JSON body nests too deeply") from None


def reject_nul_characters(body: bytes) -> None:
    """A NUL character in a JSON string cannot be stored (PostgreSQL text refuses it): 422."""
    if b"\\u0000" in body and _NUL_ESCAPE.search(body):
        raise ValidationFailed.at(("body",), "text may not contain NUL characters (\\u0000)")


async def check_request(request: Request[Any, Any, Any]) -> Response[None] | None:
    """``before_request`` hook of the app: the checks below, before any parameter is parsed;
    the answer to ``OPTIONS``."""
    if "\x00" in request.scope["path"]:
        raise ValidationFailed.at(("path",), "the path may not contain NUL characters")
    if request.method == "OPTIONS":
        return Response(content=None, status_code=204, headers={"Allow": allowed_methods(request)})
    if request.scope.get("query_string") and not request.route_handler.opt.get(BROWSER_QUERY_OPT):
        if b"%00" in request.scope["query_string"]:
            raise ValidationFailed.at(("query",), "the query may not contain NUL characters")
        reject_repeated_query_parameters(request)
        reject_unknown_query_parameters(request)
        reject_null_query_values(request)
    if request.method in _BODY_METHODS:
        reject_non_json_bodies(request)
    return None


def _allow_by_path(app: Litestar) -> dict[str, str]:
    methods: dict[str, set[str]] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            methods.setdefault(route.path_format, set()).update(route.methods)
    return {path: ", ".join(sorted(found | {"OPTIONS"})) for path, found in methods.items()}


def allowed_methods(request: Request[Any, Any, Any]) -> str:
    """The ``Allow`` value of the request's path: every method some handler serves there."""
    table: dict[str, str] | None = request.app.state.get(_ALLOW)
    if table is None:
        table = request.app.state[_ALLOW] = _allow_by_path(request.app)
    return table.get(request.scope.get("path_template", ""), "OPTIONS")


def _query_parameter_names(request: Request[Any, Any, Any]) -> frozenset[str] | None:
    handler = request.route_handler
    known: frozenset[str] | None = handler.opt.get(_QUERY_NAMES)
    if known is None:
        route = next(
            (r for r in request.app.routes if isinstance(r, HTTPRoute) and handler in r.route_handlers), None
        )
        if route is None:
            return None
        _, kwargs_model = route.route_handler_map[request.method]
        known = frozenset(p.field_alias for p in kwargs_model.expected_query_params)
        handler.opt[_QUERY_NAMES] = known
    return known


_QUERY_NAMES = "v3.query_parameter_names"


def reject_unknown_query_parameters(request: Request[Any, Any, Any]) -> None:
    """A query parameter the operation does not take (a misspelt filter, ``assetType``): 422
    naming it, instead of a silently unfiltered answer."""
    known = _query_parameter_names(request)
    if known is None:
        return
    for name in request.query_params:
        if name not in known:
            expected = ", ".join(sorted(known)) or "none"
            raise ValidationFailed.at(
                ("query", name), f"unknown query parameter (this operation takes: {expected})"
            )


def reject_repeated_query_parameters(request: Request[Any, Any, Any]) -> None:
    """A query parameter sent twice is ambiguous: 422 naming it.

    Litestar would silently keep the last value; no operation takes a list in the query.
    """
    seen: set[str] = set()
    for name, _ in request.query_params.multi_items():
        if name in seen:
            raise ValidationFailed.at(("query", name), "given more than once")
        seen.add(name)


def reject_null_query_values(request: Request[Any, Any, Any]) -> None:
    """``?status=null`` (or ``clientId=null``): 422 naming the parameter. Litestar reads the word
    ``null`` as "no value" for an optional parameter, so the filter would silently vanish and
    the answer list everything; leaving the parameter out is how to not filter."""
    for name, value in request.query_params.items():
        if value == "null":
            raise ValidationFailed.at(
                ("query", name), "`null` is not a value of this filter (leave the parameter out instead)"
            )


def reject_non_json_bodies(request: Request[Any, Any, Any]) -> None:
    """A body declared as something other than JSON, sent to a handler that reads JSON: 415.

    A body without a ``Content-Type`` is read as JSON; handlers that read their own body
    (the upload) take no ``data`` parameter and are not concerned.
    """
    if "data" not in request.route_handler.parsed_fn_signature.parameters:
        return
    if request.headers.get("content-length") == "0":
        return
    media_type, _ = request.content_type
    if media_type and media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType(f"send the body as application/json, not {media_type}")
