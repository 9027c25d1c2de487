"""Procedural motion backgrounds in the brand colours, for scenes with nothing assigned.

Each frame is a slowly turning gradient of the primary colour (light to deep) with
soft discs in the secondary colour drifting across it. The field is computed with
numpy on a grid an eighth of the frame's size and scaled up by swscale (bicubic),
which also converts it to yuv420p: about a millisecond a frame at 1280x720.
The pattern depends only on the colours, the scene's position and time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs
import av
import numpy as np
import numpy.typing as npt

from .frames import Scaler
from .visuals import DEFAULT_BACKGROUND, parse_colour

GRID_DIVISOR = 8
DEFAULT_SECONDARY = (20, 184, 166)
RGB = tuple[int, int, int]


@attrs.frozen
class Palette:
    """The colours of a background: a primary gradient and the discs' colours."""

    primary: RGB
    secondary: RGB
    accent: RGB

    @classmethod
    def from_brand(cls, colours: Sequence[str]) -> Palette:
        """Primary = first brand colour, discs in the second (and third); defaults when absent."""
        if not colours:
            return cls(DEFAULT_BACKGROUND, DEFAULT_SECONDARY, _lighter(DEFAULT_SECONDARY, 0.4))
        primary = parse_colour(colours[0])
        secondary = _lighter(primary, 0.35)
        secondary = parse_colour(colours[1], secondary) if len(colours) > 1 else secondary
        accent = _lighter(secondary, 0.4)
        accent = parse_colour(colours[2], accent) if len(colours) > 2 else accent
        return cls(primary, secondary, accent)


class ProceduralBackground:
    """Frames of one scene's moving background; ``seed`` (the scene's position) varies the pattern."""

    def __init__(self, palette: Palette, size: tuple[int, int], fps: int, seed: int) -> None:
        width, height = size
        self._size = size
        self._fps = fps
        self._scaled = Scaler("BICUBIC")
        grid_w, grid_h = max(8, width // GRID_DIVISOR), max(8, height // GRID_DIVISOR)
        ys, xs = np.mgrid[0:grid_h, 0:grid_w].astype(np.float32)
        unit = float(max(grid_w, grid_h))
        self._x, self._y = xs / unit, ys / unit
        self._aspect = (grid_w / unit, grid_h / unit)
        self._phase = seed * 2.399963  # the golden angle: neighbouring scenes look different
        self._light = np.array(_mix(palette.primary, (255, 255, 255), 0.12), np.float32)
        self._deep = np.array(_mix(palette.primary, (0, 0, 0), 0.45), np.float32)
        self._discs = [
            (np.array(palette.secondary, np.float32), 0.55, 0.26),
            (np.array(palette.accent, np.float32), 0.4, 0.17),
            (np.array(palette.secondary, np.float32), 0.35, 0.34),
        ]

    def frame(self, index: int) -> av.VideoFrame:
        """The background at frame ``index`` of the scene, as a yuv420p frame of the output size."""
        seconds = index / self._fps
        grid = self._field(seconds)
        return self._scaled(av.VideoFrame.from_ndarray(grid, format="rgb24"), self._size)

    def _field(self, seconds: float) -> npt.NDArray[np.uint8]:
        turn = self._phase + 0.35 * seconds
        along = self._x * math.cos(turn) + self._y * math.sin(turn)
        share = 0.5 + 0.5 * np.sin(2.4 * along + 0.6 * seconds + self._phase)
        picture = self._deep + (self._light - self._deep) * share[..., None]
        for number, (colour, strength, radius) in enumerate(self._discs):
            centre_x, centre_y = self._orbit(number, seconds)
            distance = (self._x - centre_x) ** 2 + (self._y - centre_y) ** 2
            alpha = strength * np.exp(-distance / (radius * radius))[..., None]
            picture += (colour - picture) * alpha
        clipped: npt.NDArray[np.uint8] = np.clip(picture + 0.5, 0, 255).astype(np.uint8)
        return clipped

    def _orbit(self, number: int, seconds: float) -> tuple[float, float]:
        speed = 0.23 + 0.07 * number
        angle = self._phase * (number + 1) + speed * seconds
        width, height = self._aspect
        return (
            width * (0.5 + 0.42 * math.sin(angle)),
            height * (0.5 + 0.38 * math.cos(1.3 * angle + number)),
        )


def _lighter(colour: RGB, share: float) -> RGB:
    return _mix(colour, (255, 255, 255), share)


def _mix(colour: RGB, other: RGB, share: float) -> RGB:
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(colour, other, strict=True))
    return red, green, blue
