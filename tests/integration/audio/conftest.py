"""Real stager and inspector for audio adapter tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.ingest.inspection import MediaContentInspector
from adapters.ingest.staging import TempFileStager


@pytest.fixture
def stager(tmp_path: Path) -> TempFileStager:
    return TempFileStager(50 * 1024 * 1024, str(tmp_path))


@pytest.fixture
def inspector() -> MediaContentInspector:
    return MediaContentInspector()
