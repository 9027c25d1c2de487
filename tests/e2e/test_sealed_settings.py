"""The apps under test are sealed from the environment: hostile variables change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.planners.template import TemplateScenePlanner
from adapters.tasks.inprocess import InProcessTaskRunner
from entrypoints.container import build_container
from tests.e2e.conftest import e2e_settings
from tests.integration.jobs.conftest import pipeline_settings

HOSTILE = {
    "AI_PROVIDER": "openai",
    "TASK_RUNNER": "procrastinate",
    "ALLOWED_ASSET_DOMAINS": "x",
    "SCENES_PER_VIDEO_MIN": "7",
    "BLOB_STORAGE_TYPE": "s3",
    "database_url": "postgresql://nobody@192.0.2.1/none",
}


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in HOSTILE.items():
        monkeypatch.setenv(name, value)


@pytest.mark.usefixtures("hostile")
def test_the_e2e_app_ignores_a_hostile_environment(tmp_path: Path) -> None:
    settings = e2e_settings("memory://", tmp_path)
    assert settings.database_url == "memory://"
    assert (settings.ai_provider.value, settings.task_runner.value) == ("template", "inprocess")
    assert settings.allowed_domains == ("*",)
    assert (settings.scenes_per_video_min, settings.blob_storage_type.value) == (3, "database")
    container = build_container(settings)
    assert isinstance(container.planner(), TemplateScenePlanner)
    assert isinstance(container.task_runner(), InProcessTaskRunner)


@pytest.mark.usefixtures("hostile")
def test_the_pipeline_app_keeps_only_what_it_asks_for(tmp_path: Path) -> None:
    settings = pipeline_settings("sqlite:///x.db", tmp_path, "http://127.0.0.1:1")
    assert settings.ai_provider.value == "openai"  # asked for explicitly
    assert (settings.task_runner.value, settings.allowed_domains) == ("inprocess", ("*",))
    assert settings.scenes_per_video_min == 3
