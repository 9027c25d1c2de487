"""Camera moves over a still image, chosen by the scene's shot type (pure arithmetic).

A move is a zoom (1 = the image exactly covers the frame) and where the window sits
inside the zoomed image (``x``, ``y`` from 0 = left/top edge to 1 = right/bottom
edge, 0.5 = centred), both linear in the scene's progress, so every frame moves:

| shot type | move |
| --- | --- |
| close-up, extreme-close-up | slow push-in: zoom 1 → 1.15, centred |
| wide, establishing, aerial | slow pull-out: zoom 1.15 → 1, centred |
| product | slow pan left → right at zoom 1.15 |
| anything else | gentle Ken Burns: zoom 1.04 → 1.12 drifting from upper left to lower right |
"""

from __future__ import annotations

import attrs

MAX_ZOOM = 1.15
"""The closest any move gets; images are prepared at this scale so zooming never upsamples."""


@attrs.frozen
class Framing:
    """How the image is shown on one frame."""

    zoom: float
    x: float
    y: float


@attrs.frozen
class Move:
    """A linear move from ``start`` to ``end`` over the scene."""

    name: str
    start: Framing
    end: Framing

    def at(self, progress: float) -> Framing:
        """The framing at ``progress`` (0 = first frame, 1 = last), held outside [0, 1]."""
        share = max(0.0, min(1.0, progress))
        return Framing(
            _mix(self.start.zoom, self.end.zoom, share),
            _mix(self.start.x, self.end.x, share),
            _mix(self.start.y, self.end.y, share),
        )


PUSH_IN = Move("push-in", Framing(1.0, 0.5, 0.5), Framing(MAX_ZOOM, 0.5, 0.5))
PULL_OUT = Move("pull-out", Framing(MAX_ZOOM, 0.5, 0.5), Framing(1.0, 0.5, 0.5))
PAN = Move("pan", Framing(MAX_ZOOM, 0.0, 0.5), Framing(MAX_ZOOM, 1.0, 0.5))
KEN_BURNS = Move("ken-burns", Framing(1.04, 0.3, 0.35), Framing(1.12, 0.7, 0.65))

MOVES: dict[str, Move] = {
    "close-up": PUSH_IN,
    "extreme-close-up": PUSH_IN,
    "wide": PULL_OUT,
    "establishing": PULL_OUT,
    "aerial": PULL_OUT,
    "product": PAN,
}


def move_for(shot_type: str) -> Move:
    """The camera move of ``shot_type`` (the gentle Ken Burns for other or unknown shots)."""
    return MOVES.get(shot_type.strip().lower(), KEN_BURNS)


def window(
    framing: Framing, canvas: tuple[int, int], size: tuple[int, int]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where to cut ``size`` from ``canvas`` (the image prepared at ``MAX_ZOOM`` x ``size``).

    Returns the size to scale the canvas to (``zoom`` x ``size``, at least ``size``) and
    the top-left corner of the ``size`` window inside the scaled canvas.
    """
    width, height = size
    zoom = max(1.0, min(MAX_ZOOM, framing.zoom))
    scaled_w = min(canvas[0], max(width, round(width * zoom)))
    scaled_h = min(canvas[1], max(height, round(height * zoom)))
    left = round((scaled_w - width) * max(0.0, min(1.0, framing.x)))
    top = round((scaled_h - height) * max(0.0, min(1.0, framing.y)))
    return (scaled_w, scaled_h), (left, top)


def canvas_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size an image is prepared at for ``size`` output: ``MAX_ZOOM`` larger, even sides."""
    width, height = size
    return 2 * round(width * MAX_ZOOM / 2), 2 * round(height * MAX_ZOOM / 2)


def _mix(start: float, end: float, share: float) -> float:
    return start + (end - start) * share
