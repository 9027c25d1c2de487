"""Sound settings (SPEC §8 names) and the factories that wire them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from adapters.audio.music import LocalMusicGenerator
from adapters.audio.speech import EspeakSynthesizer, OpenAISpeechSynthesizer
from adapters.fetch.httpx_fetcher import HttpxBlobFetcher
from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.staging import TempFileStager
from adapters.media.replicate_media import ReplicateMusicGenerator
from entrypoints.settings import Settings
from entrypoints.sound import make_music_generator, make_speech_synthesizer, music_price_per_second, voice


def _settings(tmp_path: Path, **fields: object) -> Settings:
    return Settings(database_url="memory://", data_dir=tmp_path, **fields)  # type: ignore[arg-type]


def _ports(tmp_path: Path) -> tuple[HttpxBlobFetcher, TempFileStager, MediaContentInspector]:
    stager = TempFileStager(1 << 20, str(tmp_path))
    return HttpxBlobFetcher(stager), stager, MediaContentInspector()


def test_openai_speech_without_an_openai_key_is_refused_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="TTS_PROVIDER=openai needs OPENAI_API_KEY"):
        _settings(tmp_path, tts_provider="openai")


def test_replicate_music_without_a_token_is_refused_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="MUSIC_PROVIDER=replicate needs REPLICATE_API_TOKEN"):
        _settings(tmp_path, music_provider="replicate")


def test_the_offline_default_is_the_local_bed_and_espeak_when_installed(tmp_path: Path) -> None:
    fetcher, stager, inspector = _ports(tmp_path)
    settings = _settings(tmp_path)
    assert isinstance(make_music_generator(settings, fetcher, stager, inspector), LocalMusicGenerator)
    speech = make_speech_synthesizer(settings, stager, inspector)
    if shutil.which("espeak-ng"):
        assert isinstance(speech, EspeakSynthesizer)
    else:
        assert speech is None
    assert music_price_per_second(settings) == 0.0


def test_tts_none_means_no_voice(tmp_path: Path) -> None:
    _, stager, inspector = _ports(tmp_path)
    assert make_speech_synthesizer(_settings(tmp_path, tts_provider="none"), stager, inspector) is None


def test_hosted_providers_are_wired_with_their_models_voices_and_prices(tmp_path: Path) -> None:
    fetcher, stager, inspector = _ports(tmp_path)
    settings = _settings(
        tmp_path,
        tts_provider="OpenAI",
        openai_api_key="sk-test",
        tts_voice="nova",
        music_provider="replicate",
        replicate_api_token="r8_test",
        media_prices={"meta/musicgen": 0.01},
    )
    speech = make_speech_synthesizer(settings, stager, inspector)
    assert isinstance(speech, OpenAISpeechSynthesizer)
    assert speech.model == "gpt-4o-mini-tts"
    assert voice(settings) == "nova"
    music = make_music_generator(settings, fetcher, stager, inspector)
    assert isinstance(music, ReplicateMusicGenerator)
    assert music.model == "meta/musicgen"
    assert music_price_per_second(settings) == 0.01
