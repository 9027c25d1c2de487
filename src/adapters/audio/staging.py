"""Hand generated audio to the rest of the system as a staged, inspected file.

numpy and the signal helpers are imported by ``wav_bytes`` (run in a worker thread), so
importing a synthesizer costs nothing at start-up.
"""

from __future__ import annotations

import asyncio
import io
import wave
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import attrs

from v3core.errors import UpstreamError
from v3core.ports.blobs import ContentInspector, FileStager, StagedFile

if TYPE_CHECKING:
    from .signal import Audio

_CHUNK = 1 << 20
_AUDIO_FORMATS = frozenset({"wav", "mp3", "ogg", "aac", "m4a", "flac"})


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), _CHUNK):
        yield data[start : start + _CHUNK]


async def stage_audio_bytes(
    data: bytes, stager: FileStager, inspector: ContentInspector, *, provider: str, name: str
) -> StagedFile:
    """Stage ``data`` and check it really is audio (an HTML error page is an upstream error)."""
    staged = await stager.stage(_chunks(data), filename=name)
    info = await inspector.inspect(staged)
    if not info.mime.startswith("audio/") and info.format not in _AUDIO_FORMATS:
        await stager.discard(staged)
        raise UpstreamError(f"{provider} sent {info.mime} where audio was expected")
    return attrs.evolve(staged, info=info)


def wav_bytes(audio: Audio) -> bytes:
    """``audio`` as a 16-bit PCM WAV file at ``RATE``."""
    import numpy as np

    from .signal import RATE

    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


async def stage_audio(
    audio: Audio, stager: FileStager, inspector: ContentInspector, *, provider: str, name: str
) -> StagedFile:
    """Stage synthesised samples as a WAV file."""
    data = await asyncio.to_thread(wav_bytes, audio)
    return await stage_audio_bytes(data, stager, inspector, provider=provider, name=name)
