"""``create_app(container=None)``: the Litestar app, wired from the composition root.

Adding a resource is one line in ``CONTROLLERS``; its handlers get use cases from the
container by naming a parameter after the provider (see ``entrypoints.http.di``).
"""

from __future__ import annotations

from litestar import Litestar, Router, get
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ControllerRouterHandler

from entrypoints.container import Container, build_container, close_container, start_container
from entrypoints.http.auth import PUBLIC_OPT, auth_middleware
from entrypoints.http.console import console_router, console_templates
from entrypoints.http.controllers.assets import AssetController
from entrypoints.http.controllers.auth import ApiKeyController, AuthController
from entrypoints.http.controllers.campaigns import CampaignController
from entrypoints.http.controllers.clients import ClientController
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.jobs import JobController
from entrypoints.http.controllers.scenes import SceneController
from entrypoints.http.controllers.webhooks import WebhookController
from entrypoints.http.di import container_dependencies
from entrypoints.http.docs import SCHEMA_URL, docs_router
from entrypoints.http.envelope import echo_request_id
from entrypoints.http.errors import EXCEPTION_HANDLERS
from entrypoints.http.objects import HttpObjects
from entrypoints.http.openapi_failures import DocumentedJsonRenderPlugin
from entrypoints.http.pagination import PAGE_DEPENDENCY
from entrypoints.http.request import V3Request, check_request
from entrypoints.http.uploads import MAX_JSON_BYTES

API_PREFIX = "/api/v3"

CONTROLLERS: list[ControllerRouterHandler] = [
    HealthController,
    AuthController,
    ApiKeyController,
    ClientController,
    CampaignController,
    AssetController,
    JobController,
    SceneController,
    WebhookController,
]
"""Everything served under ``/api/v3``. Add a controller here."""

SECURITY_SCHEMES = {
    "BearerAuth": SecurityScheme(type="http", scheme="bearer", description="API key (v3_...) or JWT"),
    "ApiKeyHeader": SecurityScheme(type="apiKey", name="X-API-Key", security_scheme_in="header"),
}


@get("/bench/hello", include_in_schema=False, opt={PUBLIC_OPT: True}, sync_to_thread=False)
def bench_hello() -> dict[str, str]:
    """A bare route for the HTTP benchmark (enabled by ENABLE_BENCH_ROUTE)."""
    return {"hello": "world"}


def openapi_config() -> OpenAPIConfig:
    """OpenAPI 3.1 at ``/schema/openapi.json``; the interactive page is ``/docs``."""
    return OpenAPIConfig(
        title="V3 ad-video platform API",
        version="3.0.0",
        description="Clients, campaigns, assets and jobs: brief → storyboard → review → video. "
        f"Interactive docs at /docs; schema at {SCHEMA_URL}.",
        path="/schema",
        render_plugins=[DocumentedJsonRenderPlugin()],
        components=Components(security_schemes=SECURITY_SCHEMES),  # type: ignore[arg-type]
        security=[{"BearerAuth": []}, {"ApiKeyHeader": []}],
        use_handler_docstrings=False,
    )


def create_app(container: Container | None = None, http: HttpObjects | None = None) -> Litestar:
    """The HTTP service for ``container`` (built from the environment when omitted); ``http``
    holds the HTTP-only objects (made over ``container`` when omitted)."""
    container = container or build_container()
    http = http or HttpObjects(core=container)
    settings = container.settings()
    api = Router(path=API_PREFIX, route_handlers=CONTROLLERS)
    root_health = Router(path="/", route_handlers=[HealthController], include_in_schema=False)
    handlers: list[ControllerRouterHandler] = [api, root_health, docs_router(), console_router()]
    if settings.enable_bench_route:
        handlers.append(bench_hello)

    async def startup() -> None:
        await start_container(container)

    async def shutdown() -> None:
        await close_container(container)

    app = Litestar(
        route_handlers=handlers,
        dependencies={**container_dependencies(container, http), **PAGE_DEPENDENCY},
        middleware=[auth_middleware(container.authenticate())],
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[echo_request_id],
        before_request=check_request,
        on_startup=[startup],
        on_shutdown=[shutdown],
        openapi_config=openapi_config(),
        template_config=console_templates(),
        request_class=V3Request,
        request_max_body_size=MAX_JSON_BYTES,  # uploads stream past it with their own cap
        compression_config=None,
        state=State({"container": container}),
        debug=False,
    )
    return app
