"""``/health`` (the process answers) and ``/ready`` (the database answers), public."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.openapi import ResponseSpec

from entrypoints.http.auth import PUBLIC_OPT
from entrypoints.http.di import Inject
from entrypoints.http.envelope import Envelope, failure, ok
from entrypoints.storage import Storage


class HealthOut(msgspec.Struct):
    """``ok`` when the check passed."""

    status: str


class HealthController(Controller):
    """Liveness and readiness; mounted at the root and under ``/api/v3``."""

    path = "/"
    tags = ["health"]
    opt = {PUBLIC_OPT: True}
    security = []

    @get("/health", operation_id="health", summary="Liveness: the process answers")
    async def health(self, request: Request[Any, Any, Any]) -> Response[Envelope[HealthOut]]:
        return ok(request, HealthOut("ok"))

    @get(
        "/ready",
        operation_id="ready",
        summary="Readiness: the database answers (503 otherwise)",
        responses={503: ResponseSpec(data_container=Envelope[None], description="database unreachable")},
    )
    async def ready(
        self, request: Request[Any, Any, Any], storage: Inject[Storage]
    ) -> Response[Envelope[HealthOut]]:
        try:
            await storage.check()
        except Exception:
            return failure(  # type: ignore[return-value]
                request, 503, "service_unavailable", "database unreachable", headers={"Retry-After": "5"}
            )
        return ok(request, HealthOut("ok"))
