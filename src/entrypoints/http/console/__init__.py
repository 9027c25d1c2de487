"""The review console at ``/app`` (SPEC §12): a server-rendered page shell, a script and a style
sheet served by this process (no CDN, no build step). The script calls the same ``/api/v3`` with
the key the person signed in with (kept in the browser session, sent as a header: no cookies,
so no CSRF surface); it writes every value with ``textContent``, never as HTML."""

from __future__ import annotations

from pathlib import Path

from litestar import Router, get
from litestar.datastructures import ResponseHeader
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from entrypoints.http.auth import PUBLIC_OPT
from entrypoints.http.request import BROWSER_QUERY_OPT

HERE = Path(__file__).parent

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "media-src 'self' blob:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
"""No inline script or style may run; everything comes from this origin."""

_HEADERS = [
    ResponseHeader(name="Content-Security-Policy", value=CONTENT_SECURITY_POLICY),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Referrer-Policy", value="no-referrer"),
]


@get(
    ["/", "/{path:path}"],
    opt={PUBLIC_OPT: True, BROWSER_QUERY_OPT: True},
    include_in_schema=False,
    sync_to_thread=False,
)
def console_page() -> Template:
    """The page shell; the script renders the view the path and query name (so a reload of
    ``/app/jobs?status=failed&offset=20`` shows that page again)."""
    return Template(template_name="console.html.j2")


def console_router() -> Router:
    """``/app`` pages and ``/app/static`` files, each with the console's security headers."""
    static = create_static_files_router(
        path="/static", directories=[HERE / "static"], opt={PUBLIC_OPT: True}, include_in_schema=False
    )
    return Router(path="/app", route_handlers=[static, console_page], response_headers=_HEADERS)


def console_templates() -> TemplateConfig:  # type: ignore[type-arg]
    """Jinja templates of the console."""
    from litestar.plugins.jinja import JinjaTemplateEngine

    return TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine)
