"""``/api/v3/auth``: password login (a short-lived JWT) and the caller's own API keys."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody

from entrypoints.http.auth import PUBLIC_OPT, owner_id
from entrypoints.http.di import Inject
from entrypoints.http.dto import ApiKeyCreate, ApiKeyOut, IssuedApiKeyOut, LoginBody, TokenOut
from entrypoints.http.envelope import Envelope, ok, ok_page
from entrypoints.http.pagination import page_slice
from v3core.errors import ValidationFailed
from v3core.ports.storage import PageRequest
from v3core.services.accounts import (
    IssueApiKey,
    IssueApiKeyCommand,
    ListApiKeys,
    Login,
    LoginCommand,
    RevokeApiKey,
    RevokeApiKeyCommand,
)


class AuthController(Controller):
    """Password login for users that have a password."""

    path = "/auth"
    tags = ["auth"]

    @post(
        "/login",
        operation_id="login",
        summary="Exchange email and password for a short-lived bearer token",
        opt={PUBLIC_OPT: True},
        status_code=200,
        security=[],
        responses={401: ResponseSpec(data_container=Envelope[None], description="invalid email or password")},
    )
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginBody], login: Inject[Login]
    ) -> Response[Envelope[TokenOut]]:
        email = data.email or data.username
        if not email:
            raise ValidationFailed.at(("email",), "email or username is required", "missing")
        address = request.client.host if request.client else "unknown"
        token = await login.execute(LoginCommand(email, data.password, address))
        return ok(request, TokenOut(token.token, "Bearer", token.expires_at, token.user_id))


AnyRequest = Request[Any, Any, Any]


class ApiKeyController(Controller):
    """The authenticated user's own API keys: list, create (secret shown once), revoke."""

    path = "/auth/keys"
    tags = ["auth"]

    @get(operation_id="listApiKeys", summary="List your API keys (no secrets)")
    async def list_keys(
        self, request: AnyRequest, page: Inject[PageRequest], list_api_keys: Inject[ListApiKeys]
    ) -> Response[Envelope[list[ApiKeyOut]]]:
        keys = await list_api_keys.execute(owner_id(request))
        return ok_page(request, [ApiKeyOut.of(k) for k in page_slice(keys, page)], len(keys), page)

    @post(operation_id="createApiKey", summary="Create an API key; its secret is shown in this answer only")
    async def create_key(
        self,
        request: AnyRequest,
        issue_api_key: Inject[IssueApiKey],
        data: JSONBody[ApiKeyCreate | None] = None,
    ) -> Response[Envelope[IssuedApiKeyOut]]:
        issued = await issue_api_key.execute(
            IssueApiKeyCommand(name=data.name if data else None, user_id=owner_id(request))
        )
        return ok(request, IssuedApiKeyOut(ApiKeyOut.of(issued.key), issued.secret), 201)

    @delete(
        "/{key_id:str}", operation_id="revokeApiKey", summary="Revoke one of your API keys", status_code=200
    )
    async def revoke_key(
        self, request: AnyRequest, key_id: FromPath[str], revoke_api_key: Inject[RevokeApiKey]
    ) -> Response[Envelope[ApiKeyOut]]:
        revoked = await revoke_api_key.execute(RevokeApiKeyCommand(None, key_id, user_id=owner_id(request)))
        return ok(request, ApiKeyOut.of(revoked))
