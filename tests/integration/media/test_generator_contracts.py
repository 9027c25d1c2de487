"""The harness's fake generators and the offline ones (procedural music, espeak-ng), through
the contracts adapter authors use (``v3core.testing.contracts``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.audio.music import LocalMusicGenerator
from adapters.audio.speech import EspeakSynthesizer
from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.staging import TempFileStager
from tests.media_samples import sample_clip
from v3core.ports.media import ImageGenerator, MusicGenerator, SpeechSynthesizer, VideoGenerator
from v3core.testing.contracts import (
    ImageGeneratorContract,
    MusicGeneratorContract,
    SpeechSynthesizerContract,
    VideoGeneratorContract,
)
from v3core.testing.media_fakes import FakeImageGenerator, FakeVideoGenerator
from v3core.testing.sound_fakes import FakeMusicGenerator, FakeSpeechSynthesizer


@pytest.fixture
def stager(tmp_path: Path) -> TempFileStager:
    return TempFileStager(8 * 1024 * 1024, str(tmp_path / "staging"))


class TestFakeImageGenerator(ImageGeneratorContract):
    @pytest.fixture
    def image_generator(self, stager: TempFileStager) -> ImageGenerator:
        return FakeImageGenerator(stager)


class TestFakeVideoGenerator(VideoGeneratorContract):
    @pytest.fixture
    def video_generator(self, stager: TempFileStager) -> VideoGenerator:
        return FakeVideoGenerator(stager, sample_clip(seconds=0.5))


class TestFakeSpeechSynthesizer(SpeechSynthesizerContract):
    @pytest.fixture
    def speech_synthesizer(self, stager: TempFileStager) -> SpeechSynthesizer:
        return FakeSpeechSynthesizer(stager, cost_per_char=0.001)


class TestFakeMusicGenerator(MusicGeneratorContract):
    @pytest.fixture
    def music_generator(self, stager: TempFileStager) -> MusicGenerator:
        return FakeMusicGenerator(stager, cost_per_second=0.01)


class TestLocalMusicGenerator(MusicGeneratorContract):
    @pytest.fixture
    def music_generator(self, stager: TempFileStager) -> MusicGenerator:
        return LocalMusicGenerator(stager, MediaContentInspector())


@pytest.mark.skipif(not EspeakSynthesizer.available(), reason="espeak-ng is not installed")
class TestEspeakSynthesizer(SpeechSynthesizerContract):
    @pytest.fixture
    def speech_synthesizer(self, stager: TempFileStager) -> SpeechSynthesizer:
        return EspeakSynthesizer(stager, MediaContentInspector())
