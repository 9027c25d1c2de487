"""``v3 demo --providers``: offline by default, provider keys from the environment when asked."""

from __future__ import annotations

import click
import pytest

from entrypoints.demo.command import media_providers


def test_the_default_is_offline_whatever_the_environment_says() -> None:
    environ = {"IMAGE_PROVIDER": "replicate", "VIDEO_PROVIDER": "google", "REPLICATE_API_TOKEN": "r8_x"}
    assert media_providers("local", environ) == {"image_provider": "local", "video_provider": "local"}


def test_replicate_makes_frames_and_clips_on_replicate_with_the_token_from_the_environment() -> None:
    chosen = media_providers("replicate", {"REPLICATE_API_TOKEN": "r8_x"})
    assert chosen == {"image_provider": "replicate", "video_provider": "replicate"}


def test_openai_draws_frames_with_openai_and_clips_with_veo_only_when_a_gemini_key_is_set() -> None:
    assert media_providers("openai", {"OPENAI_API_KEY": "sk"})["video_provider"] == "local"
    with_veo = media_providers("openai", {"OPENAI_API_KEY": "sk", "GEMINI_API_KEY": "g"})
    assert with_veo == {"image_provider": "openai", "video_provider": "google"}


@pytest.mark.parametrize(
    ("choice", "key"), [("replicate", "REPLICATE_API_TOKEN"), ("openai", "OPENAI_API_KEY")]
)
def test_a_missing_key_is_a_usage_error_naming_it(choice: str, key: str) -> None:
    with pytest.raises(click.UsageError, match=key):
        media_providers(choice, {})
