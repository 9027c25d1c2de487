"""The bridge from the dependency-injector container into Litestar's own DI (``Provide``).

Every provider of the container becomes a Litestar dependency of the same name, so a
handler asks for a use case by naming a parameter after its provider, typed ``Inject[...]``::

    async def get_one(self, request: Request, client_id: FromPath[str], get_client: Inject[GetClient]):

``Inject`` marks the parameter as a named dependency whose value Litestar does not
re-validate (the container built it; stand-ins from ``override`` pass through too).

Adding a use case is one provider in ``Container`` (an HTTP-only object: one provider in
``entrypoints.http.objects.HttpObjects``); no wiring here changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeAlias, TypeVar

from dependency_injector import providers
from litestar.di import Dependency, Provide
from litestar.params import SkipValidationMarker

from entrypoints.container import Container
from entrypoints.http.objects import HttpObjects

T = TypeVar("T")

Inject: TypeAlias = Annotated[T, Dependency(kind="named"), SkipValidationMarker()]
"""A handler parameter resolved by name from the container (or another app dependency)."""

RESERVED = frozenset({"settings", "teardown", "core"})
"""Providers not exposed to handlers (configuration stays in the composition root; ``core`` is
``HttpObjects``' link to the container)."""


def _resolver(provider: providers.Provider[Any]) -> Callable[[], Any]:
    def resolve() -> Any:
        return provider()

    return resolve


def container_dependencies(container: Container, http: HttpObjects) -> dict[str, Provide]:
    """One ``Provide`` per provider of the container and of its HTTP objects, resolved on each
    request that asks for it."""
    found = {**container.providers, **http.providers}
    return {
        name: Provide(_resolver(provider), sync_to_thread=False)
        for name, provider in found.items()
        if name not in RESERVED
    }
