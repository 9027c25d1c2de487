"""Wiring of the voice and music adapters from ``Settings`` (SPEC §8 "Sound").

``TTS_PROVIDER`` unset means the local espeak-ng voice when its binary is installed, else no
voice. ``MUSIC_PROVIDER`` ``local`` synthesises the bed offline. SDKs and numpy-heavy modules
are imported inside the factories, so they cost nothing until a render needs them.
"""

from __future__ import annotations

from entrypoints.media import replicate_predictions, secret_value
from entrypoints.settings import MusicProvider, Settings, SpeechProvider
from v3core.ports.blobs import BlobFetcher, ContentInspector, FileStager
from v3core.ports.media import MusicGenerator, SpeechSynthesizer
from v3core.services.jobs.sound_stage import SoundStage

DEFAULT_VOICES = {SpeechProvider.OPENAI: "alloy", SpeechProvider.ESPEAK: "default"}


def speech_provider(settings: Settings) -> SpeechProvider:
    """``TTS_PROVIDER``, or espeak when unset and the binary is on this machine."""
    if settings.tts_provider is not None:
        return settings.tts_provider
    from adapters.audio.speech import EspeakSynthesizer

    return SpeechProvider.ESPEAK if EspeakSynthesizer.available() else SpeechProvider.NONE


def voice(settings: Settings) -> str:
    """``TTS_VOICE`` or the provider's default voice."""
    return settings.tts_voice or DEFAULT_VOICES.get(speech_provider(settings), "default")


def make_speech_synthesizer(
    settings: Settings, stager: FileStager, inspector: ContentInspector
) -> SpeechSynthesizer | None:
    """The voice of ``TTS_PROVIDER`` (``None``: videos have no voiceover)."""
    provider = speech_provider(settings)
    if provider is SpeechProvider.OPENAI:
        from adapters.audio.speech import OpenAISpeechSynthesizer

        return OpenAISpeechSynthesizer(
            api_key=secret_value(settings.openai_api_key),
            model=settings.openai_tts_model,
            stager=stager,
            inspector=inspector,
            base_url=settings.openai_base_url,
            price_per_1k_chars=settings.media_price(settings.openai_tts_model),
            timeout_seconds=settings.media_timeout_seconds,
        )
    if provider is SpeechProvider.ESPEAK:
        from adapters.audio.speech import EspeakSynthesizer

        return EspeakSynthesizer(stager, inspector)
    return None


def make_music_generator(
    settings: Settings, fetcher: BlobFetcher, stager: FileStager, inspector: ContentInspector
) -> MusicGenerator:
    """The music bed of ``MUSIC_PROVIDER``."""
    if settings.music_provider is MusicProvider.REPLICATE:
        from adapters.media.outputs import OutputStaging
        from adapters.media.replicate_media import ReplicateMusicGenerator

        return ReplicateMusicGenerator(
            replicate_predictions(settings),
            settings.replicate_music_model,
            OutputStaging(fetcher, stager, inspector),
            unit_price=settings.media_price(settings.replicate_music_model),
            timeout_seconds=settings.media_timeout_seconds,
        )
    from adapters.audio.music import LocalMusicGenerator

    return LocalMusicGenerator(stager, inspector)


def speech_price_per_1k_chars(settings: Settings) -> float:
    """USD per 1 000 characters of script (0.0 when speech is local or off)."""
    model = settings.speech_model
    return settings.media_price(model) if model else 0.0


def music_price_per_second(settings: Settings) -> float:
    """USD per second of music (0.0 for the local bed)."""
    model = settings.music_model
    return settings.media_price(model) if model else 0.0


def make_sound_stage(
    settings: Settings,
    stager: FileStager,
    speech: SpeechSynthesizer | None,
    music: MusicGenerator,
) -> SoundStage:
    """The render's soundtrack step: the configured voice (spoken when the brief asks for audio,
    or always when ``TTS_PROVIDER`` is set) and the music bed."""
    return SoundStage(
        stager, speech, music, voice=voice(settings), speak_always=settings.tts_provider is not None
    )


async def close_sound(adapter: object) -> None:
    """Close a voice or music adapter's SDK connections (app shutdown); no-op without any."""
    aclose = getattr(adapter, "aclose", None)
    if aclose is not None:
        await aclose()
