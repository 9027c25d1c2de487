"""The bridge from the dependency-injector container into Litestar's own DI (``Provide``).

Every provider of the container becomes a Litestar dependency of the same name, so a
handler asks for a use case by naming a parameter after its provider::

    async def get_one(self, request: Request, client_id: str, get_client: GetClient) -> ...

Adding a use case is one provider in ``Container``; no wiring here changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dependency_injector import providers
from litestar.di import Provide

from entrypoints.container import Container

RESERVED = frozenset({"settings"})
"""Providers not exposed to handlers (configuration stays in the composition root)."""


def _resolver(provider: providers.Provider[Any]) -> Callable[[], Any]:
    def resolve() -> Any:
        return provider()

    return resolve


def container_dependencies(container: Container) -> dict[str, Provide]:
    """One ``Provide`` per container provider, resolved on each request that asks for it."""
    return {
        name: Provide(_resolver(provider), sync_to_thread=False)
        for name, provider in container.providers.items()
        if name not in RESERVED
    }
