"""The renderer port: an approved storyboard in, a video file out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

import attrs

from v3core.voiceover import Cue


@attrs.frozen
class RenderAsset:
    """The visual a scene shows: an image or video blob of the library."""

    asset_id: str
    blob_id: str
    type: str  # "image" | "video"
    content_type: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None


@attrs.frozen
class RenderScene:
    """One scene to render, in order."""

    number: int
    duration: float
    description: str
    script: str
    shot_type: str
    transition: str
    visual: RenderAsset | None = None


@attrs.frozen
class RenderAudio:
    """A staged audio file (a scene's voice) and the second of the video it starts at."""

    start: float
    path: str


@attrs.frozen
class RenderRequest:
    """A storyboard to render at an aspect ratio (``16:9``, ``9:16``, ``1:1``, ``4:5``)."""

    job_id: str
    scenes: tuple[RenderScene, ...]
    format: str = "16:9"
    resolution: str | None = None
    title: str = ""
    brand_colors: tuple[str, ...] = ()
    call_to_action: str = ""
    """Shown on screen over the last scene (SPEC §8: on-screen text is the script and the CTA)."""
    voices: tuple[RenderAudio, ...] = ()
    """Voiceovers (local audio files) placed on the video's timeline."""
    music: str | None = None
    """A music bed (local audio file) under the whole video; ``None``: no music."""
    captions: tuple[Cue, ...] | None = None
    """The captions burned in, on the video's timeline (the cues ``captions.vtt`` serves);
    ``None``: each scene's script shown over the whole scene."""

    @property
    def has_sound(self) -> bool:
        """True when the video gets an audio stream (a voice or a music bed)."""
        return bool(self.voices) or self.music is not None


@attrs.frozen
class RenderedVideo:
    """A finished video on local disk, ready to be stored as a blob; the caller removes it."""

    path: str
    duration: float
    width: int
    height: int
    size: int
    content_type: str = "video/mp4"


ProgressCallback = Callable[[int, int, str], Awaitable[None]]
"""``(scenes_done, total_scenes, message)`` reported as rendering advances."""

CancelCheck = Callable[[], bool]
"""Returns True when the job was cancelled and rendering should stop."""


class Renderer(Protocol):
    """Renders a storyboard. Runs its heavy work off the event loop."""

    async def render(
        self, request: RenderRequest, progress: ProgressCallback, cancelled: CancelCheck
    ) -> RenderedVideo:
        """Render ``request``; raise ``RenderCancelled`` if ``cancelled()`` turns true."""
        ...


class RenderCancelled(Exception):
    """Rendering stopped because the job was cancelled."""
