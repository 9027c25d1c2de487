"""Frame-exact timing of a video: scene frame ranges, output size and transitions.

Pure arithmetic, no media libraries, so the rules are easy to read and test.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from v3core.errors import ErrorDetail, ValidationFailed

SIZES: dict[str, tuple[int, int]] = {
    "16:9": (1280, 720),
    "9:16": (720, 1280),
    "1:1": (1080, 1080),
    "4:5": (1080, 1350),
}
"""Default output size per aspect ratio (SPEC §8 "Encoding"; even sides, as yuv420p needs)."""

TRANSITION_KINDS: dict[str, str] = {
    "cut": "cut",
    "fade": "fade",
    "dissolve": "dissolve",
    "wipe": "dissolve",
    "zoom": "dissolve",
    "slide": "dissolve",
}
"""How each storyboard transition is drawn; unknown names are drawn as a cut."""

TRANSITION_SECONDS = 0.5
"""Longest transition; it never takes more than a quarter of either scene."""

MAX_SIDE = 3840
_RESOLUTION = re.compile(r"^\s*(\d{2,5})\s*[xX\u00d7]\s*(\d{2,5})\s*$")


def output_size(aspect: str, resolution: str | None) -> tuple[int, int]:
    """The frame size for ``aspect``; ``resolution`` ("1920x1080") wins only when it matches it.

    A requested resolution of another ratio, with odd sides or beyond 3840 px is ignored.
    """
    if aspect not in SIZES:
        raise ValidationFailed(
            f"unsupported aspect ratio {aspect!r}",
            [ErrorDetail(("format",), f"expected one of {', '.join(SIZES)}")],
        )
    default = SIZES[aspect]
    match = _RESOLUTION.match(resolution or "")
    if match is None:
        return default
    width, height = int(match.group(1)), int(match.group(2))
    ratio_w, ratio_h = (int(part) for part in aspect.split(":"))
    fits = width * ratio_h == height * ratio_w and width % 2 == 0 and height % 2 == 0
    return (width, height) if fits and 16 <= max(width, height) <= MAX_SIDE else default


def scene_ranges(durations: Sequence[float], fps: int) -> list[tuple[int, int]]:
    """Frame range ``[start, end)`` of each scene, cut at the rounded cumulative times.

    The last end is ``round(sum(durations) * fps)``: the video lasts as long as the
    storyboard to within one frame, and rounding errors never accumulate.
    """
    ranges: list[tuple[int, int]] = []
    elapsed = 0.0
    start = 0
    for duration in durations:
        elapsed += duration
        end = max(start, round(elapsed * fps))
        ranges.append((start, end))
        start = end
    return ranges


@attrs.frozen
class Boundary:
    """A drawn transition centred on frame ``frame``: ``half`` frames each side.

    ``after`` is None for the fade to black that ends the video (then the window
    is the last ``half`` frames of scene ``before``).
    """

    frame: int
    half: int
    kind: str
    before: int
    after: int | None

    @property
    def first(self) -> int:
        """First frame the transition draws."""
        return self.frame - self.half

    @property
    def last(self) -> int:
        """One past the last frame the transition draws."""
        return self.frame if self.after is None else self.frame + self.half


def boundaries(ranges: Sequence[tuple[int, int]], transitions: Sequence[str], fps: int) -> list[Boundary]:
    """The transitions to draw: a scene's transition leads out of it into the next one.

    The last scene's ``fade`` fades the video out to black; any other last transition
    ends on a cut. Cuts and transitions too short to draw leave no boundary.
    """
    longest = round(TRANSITION_SECONDS / 2 * fps)
    drawn: list[Boundary] = []
    for index, (start, end) in enumerate(ranges):
        kind = TRANSITION_KINDS.get(transitions[index].strip().lower(), "cut")
        if kind == "cut":
            continue
        if index + 1 < len(ranges):
            next_start, next_end = ranges[index + 1]
            half = min(longest, (end - start) // 4, (next_end - next_start) // 4)
            if half > 0:
                drawn.append(Boundary(end, half, kind, index, index + 1))
        elif kind == "fade":
            half = min(longest, (end - start) // 4)
            if half > 0:
                drawn.append(Boundary(end, half, "fade", index, None))
    return drawn
