"""Authentication on every API route: ``Authorization: Bearer <API key or JWT>`` or ``X-API-Key``.

Routes opt out with ``opt={"public": True}`` (health, docs, login) or by path
(``PUBLIC_PREFIXES``). The authenticated ``Principal`` is ``request.user``; handlers read
the tenant with ``owner_id(request)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Request
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import DefineMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from v3core.services.accounts import Authenticate, Principal

PUBLIC_OPT = "public"
"""Handler ``opt`` key: ``opt={PUBLIC_OPT: True}`` serves the route without credentials."""

PUBLIC_PREFIXES = ("/docs", "/schema", "/bench/")
"""Path prefixes served without credentials (documentation, schema, benchmark)."""


def credential_of(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The presented credential: the Bearer token, else the X-API-Key value."""
    api_key = None
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
        elif name == b"x-api-key":
            api_key = value.decode("latin-1").strip() or None
    return api_key


class CredentialAuthenticationMiddleware:
    """Resolves the credential through the ``Authenticate`` use case (one indexed lookup) and
    sets ``scope["user"]`` to the ``Principal``; public routes and CORS preflights pass."""

    def __init__(self, app: ASGIApp, authenticate: Authenticate) -> None:
        self.app = app
        self._authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_public(scope):
            credential = credential_of(scope["headers"])
            if credential is None:
                raise NotAuthorizedException(
                    "missing credentials: send Authorization: Bearer <key> or X-API-Key"
                )
            scope["user"] = await self._authenticate.execute(credential)
            scope["auth"] = credential
        await self.app(scope, receive, send)


def _is_public(scope: Scope) -> bool:
    return (
        bool(scope["route_handler"].opt.get(PUBLIC_OPT))
        or scope.get("method") == "OPTIONS"
        or scope["path"].startswith(PUBLIC_PREFIXES)
    )


def auth_middleware(authenticate: Authenticate) -> DefineMiddleware:
    """The middleware definition for ``Litestar(middleware=[...])``."""
    return DefineMiddleware(CredentialAuthenticationMiddleware, authenticate=authenticate)


def owner_id(request: Request[Any, Any, Any]) -> str:
    """The authenticated tenant's id (never taken from the request body)."""
    principal: Principal = request.user
    return principal.user_id
