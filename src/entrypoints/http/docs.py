"""The interactive API docs at ``/docs``, working offline.

Swagger UI 5 (which renders OpenAPI 3.1) is served from the installed ``swagger-ui-py``
package under ``/docs/static``; the page loads the schema from ``/schema/openapi.json``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from litestar import MediaType, Router, get
from litestar.static_files import create_static_files_router

from entrypoints.http.auth import PUBLIC_OPT

SCHEMA_URL = "/schema/openapi.json"
STATIC_PATH = "/docs/static"

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>V3 API docs</title>
  <link rel="stylesheet" href="{static}/swagger-ui.css">
  <link rel="icon" type="image/png" href="{static}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{static}/swagger-ui-bundle.js"></script>
  <script src="{static}/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
"""

_INIT_JS = f"""window.ui = SwaggerUIBundle({{
  url: "{SCHEMA_URL}",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset.slice(1)],
  layout: "BaseLayout"
}});
"""


def swagger_ui_directory() -> Path:
    """Where the installed swagger-ui-py package keeps Swagger UI's JavaScript and CSS."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


@get(
    "/docs", media_type=MediaType.HTML, include_in_schema=False, opt={PUBLIC_OPT: True}, sync_to_thread=False
)
def docs_page() -> str:
    """The Swagger UI page."""
    return _PAGE.format(static=STATIC_PATH)


@get(
    "/docs/init.js",
    media_type="text/javascript",
    include_in_schema=False,
    opt={PUBLIC_OPT: True},
    sync_to_thread=False,
)
def docs_initializer() -> str:
    """Starts Swagger UI on our schema (a file, not inline script, so a strict CSP can apply)."""
    return _INIT_JS


def docs_router() -> Router:
    """``/docs`` and its static assets."""
    static = create_static_files_router(
        path=STATIC_PATH,
        directories=[swagger_ui_directory()],
        include_in_schema=False,
        opt={PUBLIC_OPT: True},
        name="docs-static",
    )
    return Router(path="/", route_handlers=[docs_page, docs_initializer, static], include_in_schema=False)
