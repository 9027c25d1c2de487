"""The HTTP service: ``create_app(container=None)`` (from ``entrypoints.http.app``) builds the app.

``create_app`` is imported lazily so that modules of this package (DTOs) can be used by
the composition root without importing the app, which imports the container.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from entrypoints.http.app import create_app

        return create_app
    raise AttributeError(name)
