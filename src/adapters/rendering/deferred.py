"""``DeferredRenderer``: a ``Renderer`` that builds the real one on its first render.

Building the local renderer imports numpy, PyAV and Pillow (about a second of CPU on this
project's machines). A server pays that when it first renders, not at start-up, and not on
its event loop: the first render builds the renderer in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from adapters.deferred import Deferred
from v3core.ports.renderer import CancelCheck, ProgressCallback, RenderedVideo, Renderer, RenderRequest


class ClosableRenderer(Renderer, Protocol):
    """A renderer that holds resources until ``close()``."""

    def close(self) -> None: ...


class DeferredRenderer(Renderer):
    """Renders with ``build()``'s renderer, built once, on the first ``render``."""

    def __init__(self, build: Callable[[], ClosableRenderer]) -> None:
        self._renderer = Deferred(build, "renderer")

    @property
    def built(self) -> ClosableRenderer | None:
        """The real renderer once a render has built it."""
        return self._renderer.built

    async def render(
        self, request: RenderRequest, progress: ProgressCallback, cancelled: CancelCheck
    ) -> RenderedVideo:
        renderer = await self._renderer.get()
        return await renderer.render(request, progress, cancelled)

    def close(self) -> None:
        """Close the real renderer if one was built; no render starts afterwards."""
        built = self._renderer.close()
        if built is not None:
            built.close()
