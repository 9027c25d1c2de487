"""Local animatic rendering with PyAV and Pillow (the default ``Renderer`` adapter).

``AnimaticRenderer`` is loaded on first access (PEP 562): importing this package, or a light
module of it such as ``files`` or ``deferred``, does not import numpy, PyAV and Pillow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .animatic import AnimaticRenderer

__all__ = ["AnimaticRenderer"]


def __getattr__(name: str) -> object:
    if name == "AnimaticRenderer":
        from .animatic import AnimaticRenderer

        return AnimaticRenderer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
