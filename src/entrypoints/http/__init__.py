"""The HTTP service: ``create_app(container=None)`` builds the Litestar app."""

from entrypoints.http.app import create_app

__all__ = ["create_app"]
