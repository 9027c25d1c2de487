"""``POST /api/v3/auth/login``: email (or username) and password → a short-lived JWT."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, post
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody

from entrypoints.http.auth import PUBLIC_OPT
from entrypoints.http.di import Inject
from entrypoints.http.dto import LoginBody, TokenOut
from entrypoints.http.envelope import Envelope, ok
from v3core.errors import ValidationFailed
from v3core.services.accounts import Login, LoginCommand


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
        token = await login.execute(LoginCommand(email, data.password))
        return ok(request, TokenOut(token.token, "Bearer", token.expires_at, token.user_id))
