"""The offline music bed: procedural synthesis shaped by the style (no network, no cost)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from v3core.ports.blobs import ContentInspector, FileStager
from v3core.ports.media import GeneratedMedia, MusicGenerator, MusicRequest

from .staging import stage_audio

if TYPE_CHECKING:
    from .signal import Audio


class LocalMusicGenerator(MusicGenerator):
    """``MUSIC_PROVIDER=local``: chords, bass, arpeggios and drums synthesised per style."""

    provider = "local"
    model = "procedural"

    def __init__(self, stager: FileStager, inspector: ContentInspector) -> None:
        self._stager, self._inspector = stager, inspector

    def price(self, request: MusicRequest) -> float:
        """Free: it runs here."""
        return 0.0

    async def compose(self, request: MusicRequest) -> GeneratedMedia:
        """A WAV bed of the requested length (synthesised off the event loop)."""
        audio = await asyncio.to_thread(_synthesise, request.style, request.duration, request.seed or 0)
        staged = await stage_audio(
            audio, self._stager, self._inspector, provider="local music", name="music.wav"
        )
        return GeneratedMedia(staged, self.provider, self.model, 0.0)


def _synthesise(style: str, duration: float, seed: int) -> Audio:
    """The procedural bed (imported here, in the worker thread: numpy and scipy stay off start-up)."""
    from .procedural import compose

    return compose(style, duration, seed)
