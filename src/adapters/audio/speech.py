"""Speech synthesizers: OpenAI's speech API (official SDK) and a local ``espeak-ng`` binary."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path
from typing import Any

from adapters.planners.replies import sdk_error
from v3core.errors import UpstreamError, UpstreamTimeout
from v3core.ports.blobs import ContentInspector, FileStager
from v3core.ports.media import GeneratedMedia, SpeechRequest, SpeechSynthesizer

from .staging import stage_audio_bytes

ESPEAK_WORDS_PER_MINUTE = 160
"""espeak-ng's pace at speed 1.0 (its default of 175 sounds hurried in an ad)."""


class OpenAISpeechSynthesizer(SpeechSynthesizer):
    """``audio.speech`` of the official ``openai`` SDK; ``base_url`` reaches compatible servers."""

    provider = "openai"

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        stager: FileStager,
        inspector: ContentInspector,
        base_url: str | None = None,
        price_per_1k_chars: float = 0.015,
        timeout_seconds: float = 60.0,
        max_retries: int = 2,
    ) -> None:
        import openai  # imported when wired, so `v3 serve` does not pay for it otherwise

        self._openai = openai
        self._model = model
        self._key = api_key
        self._stager, self._inspector = stager, inspector
        self._price = price_per_1k_chars
        self._timeout, self._retries = timeout_seconds, max_retries
        self._client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout_seconds, max_retries=max_retries
        )

    @property
    def model(self) -> str:
        """The speech model (``gpt-4o-mini-tts`` by default)."""
        return self._model

    def price(self, request: SpeechRequest) -> float:
        """USD per 1 000 characters of text."""
        return round(len(request.text) / 1000 * self._price, 6)

    async def synthesize(self, request: SpeechRequest) -> GeneratedMedia:
        """One WAV file of the text spoken; SDK failures become domain errors."""
        try:
            response: Any = await self._client.audio.speech.create(
                model=self._model,
                voice=request.voice,
                input=request.text,
                response_format="wav",
                speed=request.speed,
            )
            data = await response.aread()
        except self._openai.OpenAIError as error:
            raise sdk_error(
                self._openai,
                error,
                provider="OpenAI speech",
                timeout=self._timeout,
                retries=self._retries,
                secret=self._key,
            ) from None
        staged = await stage_audio_bytes(
            data, self._stager, self._inspector, provider="OpenAI speech", name="voice.wav"
        )
        return GeneratedMedia(staged, self.provider, self._model, self.price(request))

    async def close(self) -> None:
        """Close the SDK's HTTP connections."""
        await self._client.close()


class EspeakSynthesizer(SpeechSynthesizer):
    """The local ``espeak-ng`` binary: a robotic but honest voice that needs no network."""

    provider = "espeak"
    model = "espeak-ng"

    def __init__(self, stager: FileStager, inspector: ContentInspector, binary: str = "espeak-ng") -> None:
        self._stager, self._inspector = stager, inspector
        self._binary = binary

    @staticmethod
    def available(binary: str = "espeak-ng") -> bool:
        """Whether the binary is installed on this machine."""
        return shutil.which(binary) is not None

    def price(self, request: SpeechRequest) -> float:
        """Free: it runs here."""
        return 0.0

    async def synthesize(self, request: SpeechRequest) -> GeneratedMedia:
        """Speak the text (read from stdin, never as a command-line argument)."""
        words_per_minute = str(round(ESPEAK_WORDS_PER_MINUTE * request.speed))
        with tempfile.TemporaryDirectory(prefix="v3-espeak-") as folder:
            out = Path(folder) / "voice.wav"
            command = [self._binary, "-s", words_per_minute, "-w", str(out)]
            if request.voice and request.voice != "default":
                command += ["-v", request.voice]
            process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            try:
                _, errors = await asyncio.wait_for(process.communicate(request.text.encode()), 60)
            except TimeoutError:
                process.kill()
                raise UpstreamTimeout("espeak-ng did not finish within 60 s") from None
            if process.returncode != 0 or not out.exists():
                detail = errors.decode(errors="replace").strip()[:200]
                raise UpstreamError(f"espeak-ng failed (exit {process.returncode}): {detail}")
            data = out.read_bytes()
        staged = await stage_audio_bytes(
            data, self._stager, self._inspector, provider="espeak-ng", name="voice.wav"
        )
        return GeneratedMedia(staged, self.provider, self.model, 0.0)
