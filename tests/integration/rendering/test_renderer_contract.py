"""The animatic renderer through the contract adapter authors use (``RendererContract``)."""

from __future__ import annotations

import pytest

from v3core.ports.blobs import BlobStore
from v3core.testing.contracts import RendererContract

from .conftest import FakeBlobStore


class TestAnimaticRenderer(RendererContract):
    @pytest.fixture
    def renderer_blobs(self, blobs: FakeBlobStore) -> BlobStore:
        return blobs
