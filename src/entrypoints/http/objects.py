"""The objects only the HTTP service uses, built from the composition root's providers.

``entrypoints.container`` builds adapters and use cases and never imports this package, so
``v3 worker`` and the CLI commands other than ``serve`` do not load Litestar. ``create_app``
makes an ``HttpObjects`` over the container (tests may pass their own, with providers
overridden); handlers ask for these by name like any container provider
(``entrypoints.http.di``).
"""

from __future__ import annotations

from dependency_injector import containers, providers

from entrypoints.http.asset_dto import AssetLinks
from entrypoints.http.job_reads import JobReads
from entrypoints.settings import Settings


def _links(settings: Settings) -> AssetLinks:
    """Absolute links from ``PUBLIC_BASE_URL``."""
    return AssetLinks(settings.public_base_url)


def _base_url(links: AssetLinks) -> str:
    return links.base_url.rstrip("/")


class HttpObjects(containers.DeclarativeContainer):
    """Wire shapes' helpers over the core container (``core``: an ``entrypoints.container.Container``)."""

    core = providers.DependenciesContainer()

    asset_links = providers.Singleton(_links, core.settings)
    job_reads = providers.Singleton(
        JobReads, core.get_job, core.list_jobs, providers.Callable(_base_url, asset_links)
    )
