"""Local animatic rendering with PyAV and Pillow (the default ``Renderer`` adapter)."""

from .animatic import AnimaticRenderer

__all__ = ["AnimaticRenderer"]
