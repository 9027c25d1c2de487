"""Human sentences for request validation failures: what is wrong, not where Litestar found it.

msgspec says "Expected `int` >= 1"; a person wants "limit must be between 1 and 1000".
For a parameter (query, path, header) the sentence uses the bounds the operation declares
(the handler's and its dependencies' ``Parameter`` definitions); for a body field it
rewrites msgspec's wording. The location stays in ``meta.details``.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.params import KwargDefinition

from entrypoints.http.envelope import ErrorDetail
from v3core.limits import NOT_BLANK_PATTERN

_PARAMETER_SOURCES = frozenset({"query", "path", "header", "cookie"})
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Expected `(\w+)` of length <= (\d+)"), "must be at most {1} characters long"),
    (re.compile(r"^Expected `(\w+)` of length >= (\d+)"), "must be at least {1} characters long"),
    (re.compile(r"^Expected `array` of length <= (\d+)"), "must have at most {0} items"),
    (re.compile(r"^Expected `(?:int|float|number)` >= (\S+)"), "must be at least {0}"),
    (re.compile(r"^Expected `(?:int|float|number)` <= (\S+)"), "must be at most {0}"),
    (re.compile(r"^Expected `(?:int|float|number)` > (\S+)"), "must be greater than {0}"),
    (re.compile(r"^Expected `(?:int|float|number)` < (\S+)"), "must be less than {0}"),
    (re.compile(r"^Expected `int`, got `\w+`"), "must be an integer"),
    (re.compile(r"^Expected `(?:float|number)`, got `\w+`"), "must be a number"),
    (re.compile(r"^Expected `bool`, got `\w+`"), "must be true or false"),
    (re.compile(r"^Expected `str`, got `\w+`"), "must be a string"),
    (re.compile(r"^Expected `object`, got `\w+`"), "must be an object"),
    (re.compile(r"^Expected `array`, got `\w+`"), "must be an array"),
    (re.compile(r"^Invalid enum value (.+)"), "is not one of the allowed values ({0} given)"),
    (re.compile("^Expected `str` matching regex " + re.escape(repr(NOT_BLANK_PATTERN))), "must not be blank"),
    (re.compile(r"^Expected `str` matching regex (.+)"), "must match the pattern {0}"),
    (re.compile(r"missing required field `[^`]+`"), "is required"),
    (re.compile(r"^Missing required"), "is required"),
)


def _name(detail: ErrorDetail) -> str:
    parts = list(detail.loc)
    if parts and parts[0] in _PARAMETER_SOURCES:
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "the request body"


def _declared(request: Request[Any, Any, Any], name: str) -> KwargDefinition | None:
    """The ``Parameter`` the handler (or one of its dependencies) declares for ``name``."""
    found = _declaration(request, name)
    return found[1] if found else None


def public_name(request: Request[Any, Any, Any], name: str) -> str:
    """The name a client sends parameter ``name`` as (``idempotency_key`` → ``Idempotency-Key``)."""
    found = _declaration(request, name)
    return found[0] if found else name


def _declaration(request: Request[Any, Any, Any], name: str) -> tuple[str, KwargDefinition] | None:
    handler = request.scope.get("route_handler")
    if handler is None:
        return None
    signatures = [handler.parsed_fn_signature]
    signatures += [
        sig
        for provide in handler.resolve_dependencies().values()
        if (sig := getattr(provide, "parsed_fn_signature", None)) is not None
    ]
    for signature in signatures:
        for field_name, field in signature.parameters.items():
            kwarg = field.kwarg_definition
            if not isinstance(kwarg, KwargDefinition):
                continue
            alias = getattr(kwarg, "name", None) or field_name
            if name.lower() in (alias.lower(), field_name.lower()):
                return alias, kwarg
    return None


def with_public_names(request: Request[Any, Any, Any], details: list[ErrorDetail]) -> list[ErrorDetail]:
    """``details`` with each parameter named as the client sends it."""
    named = []
    for d in details:
        loc = list(d.loc)
        if len(loc) >= 2 and loc[0] in _PARAMETER_SOURCES and isinstance(loc[1], str):
            loc[1] = public_name(request, loc[1])
        named.append(ErrorDetail(loc, d.msg, d.type))
    return named


def _between(kwarg: KwargDefinition | None, message: str) -> str | None:
    if kwarg is None:
        return None
    low, high = kwarg.ge, kwarg.le
    if (
        low is not None
        and high is not None
        and ("Expected `int`" in message or "Expected `float`" in message)
    ):
        kind = "an integer" if "`int`" in message else "a number"
        return f"must be {kind} between {low} and {high}"
    if kwarg.max_length is not None and "length <=" in message:
        return f"must be at most {kwarg.max_length} characters long"
    return None


def _rewrite(message: str) -> str:
    for pattern, template in _REWRITES:
        found = pattern.search(message)
        if found:
            return template.format(*found.groups())
    return message[:1].lower() + message[1:] if message else "is invalid"


def explain(request: Request[Any, Any, Any], detail: ErrorDetail) -> str:
    """One sentence for ``detail``: "<field> <what is wrong>"."""
    name = _name(detail)
    said = None
    if detail.loc and detail.loc[0] in _PARAMETER_SOURCES:
        said = _between(_declared(request, name), detail.msg)
    return f"{name} {said or _rewrite(detail.msg)}"
