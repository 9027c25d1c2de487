"""Where ``v3 demo`` keeps its data: never in the service's database, whatever the environment says."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.demo.command import demo_settings
from entrypoints.settings import AiProvider, BlobStorageType, TaskRunnerKind


def test_the_demo_ignores_the_services_database_and_adapters_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/production")
    monkeypatch.setenv("TASK_RUNNER", "procrastinate")
    monkeypatch.setenv("AI_PROVIDER", "openai")
    monkeypatch.setenv("BLOB_STORAGE_TYPE", "filesystem")

    settings = demo_settings(None, tmp_path)

    assert settings.database_url == f"sqlite:///{tmp_path / 'demo.db'}"
    assert settings.data_dir == tmp_path
    assert settings.ai_provider is AiProvider.TEMPLATE
    assert settings.task_runner is TaskRunnerKind.INPROCESS
    assert settings.blob_storage_type is BlobStorageType.DATABASE


def test_an_explicit_database_url_keeps_the_demos_data_there(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kept.db'}"

    assert demo_settings(url, tmp_path).database_url == url
