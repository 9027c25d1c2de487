"""Authentication on every API route: ``Authorization: Bearer <API key or JWT>`` or ``X-API-Key``.

Routes opt out with ``opt={"public": True}`` (health, docs, login) or by path
(``PUBLIC_PATHS``). The authenticated ``Principal`` is ``request.user``; handlers read
the tenant with ``owner_id(request)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.types import ASGIApp

from v3core.services.accounts import Authenticate, Principal

PUBLIC_OPT = "public"
"""Handler ``opt`` key: ``opt={PUBLIC_OPT: True}`` serves the route without credentials."""

PUBLIC_PATHS = ["^/docs", "^/schema", "^/bench/"]
"""Path patterns served without credentials (documentation, benchmark)."""


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


class CredentialAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    """Resolves the credential through the ``Authenticate`` use case (one indexed lookup)."""

    def __init__(self, app: ASGIApp, authenticate: Authenticate, **options: Any) -> None:
        super().__init__(app, **options)
        self._authenticate = authenticate

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        credential = credential_of(connection.scope["headers"])
        if credential is None:
            raise NotAuthorizedException("missing credentials: send Authorization: Bearer <key> or X-API-Key")
        principal = await self._authenticate.execute(credential)
        return AuthenticationResult(user=principal, auth=credential)


def auth_middleware(authenticate: Authenticate) -> DefineMiddleware:
    """The middleware definition for ``Litestar(middleware=[...])``."""
    return DefineMiddleware(
        CredentialAuthenticationMiddleware,
        authenticate=authenticate,
        exclude=PUBLIC_PATHS,
        exclude_from_auth_key=PUBLIC_OPT,
    )


def owner_id(request: Request[Any, Any, Any]) -> str:
    """The authenticated tenant's id (never taken from the request body)."""
    principal: Principal = request.user
    return principal.user_id
