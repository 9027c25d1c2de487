"""The dry run prices speech and music from the configured sound providers (SPEC §8), through
the settings a deployment sets (``TTS_PROVIDER``, ``MUSIC_PROVIDER``, ``MEDIA_PRICES``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from entrypoints.container import build_container, close_container
from entrypoints.http.app import create_app
from tests.e2e.conftest import Api
from tests.sealed import SealedSettings

SPEECH_PER_1K_CHARS = 0.015
MUSIC_PER_SECOND = 0.002
BODY = {
    "context": {"clientId": "any"},
    "adBasics": {"product": "P", "targetAudience": "A", "keyMessage": "M", "callToAction": "C"},
    "creative": {"direction": {"style": "S"}, "videoSpecs": {"duration": 20}},
}


async def _app(backend_url: str, data_dir: Path, **sound: Any) -> AsyncIterator[Api]:
    settings = SealedSettings(
        database_url=backend_url, data_dir=data_dir, jwt_secret="test-secret-" + "x" * 32, **sound
    )
    container = build_container(settings)
    try:
        client: AsyncTestClient[Litestar]
        async with AsyncTestClient(create_app(container)) as client:
            api = Api(client, container, {}, {})
            api.alice = await api.new_tenant("sound")
            yield api
    finally:
        await close_container(container)


@pytest.fixture
async def paid(backend_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    """The app with OpenAI speech and Replicate music priced in ``MEDIA_PRICES`` (never called)."""
    async for api in _app(
        backend_url,
        tmp_path / "data",
        tts_provider="openai",
        openai_api_key="sk-test",
        openai_tts_model="gpt-4o-mini-tts",
        music_provider="replicate",
        replicate_api_token="r8-test",
        replicate_music_model="meta/musicgen",
        media_prices={"gpt-4o-mini-tts": SPEECH_PER_1K_CHARS, "meta/musicgen": MUSIC_PER_SECOND},
    ):
        yield api


async def test_the_dry_run_prices_speech_and_music_from_the_paid_providers(paid: Api) -> None:
    response = await paid.client.post("/api/v3/jobs/dry-run", json=BODY, headers=paid.alice)

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    # 20 s spoken at 2.7 words/s = 54 words x 6 characters = 324 characters.
    assert data["assumptions"]["speechCharacters"] == 324
    assert data["breakdown"]["speech"] == pytest.approx(324 / 1000 * SPEECH_PER_1K_CHARS)
    assert data["breakdown"]["music"] == pytest.approx(20 * MUSIC_PER_SECOND)
    assert data["estimatedCost"] == pytest.approx(sum(data["breakdown"].values()), abs=1e-5)


async def test_local_sound_adds_no_line_to_the_dry_run(api: Api) -> None:
    response = await api.client.post("/api/v3/jobs/dry-run", json=BODY, headers=api.alice)

    assert response.status_code == 200, response.text
    breakdown = response.json()["data"]["breakdown"]
    assert "speech" not in breakdown
    assert "music" not in breakdown
