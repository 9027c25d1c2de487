"""The storage port's contract (unit of work and repositories) as one pytest base class.

Subclass ``StorageContract`` and supply a ``uow_factory`` fixture returning the
``UnitOfWorkFactory`` of your storage; every test of the parts below runs against it::

    class TestMyStorage(StorageContract):
        @pytest.fixture
        def uow_factory(self) -> UnitOfWorkFactory:
            return MyUnitOfWork.factory(...)

Each part is also a class of its own, for a storage that is still growing.
"""

from __future__ import annotations

from v3core.testing.contracts.storage_base import StorageFixtures
from v3core.testing.contracts.storage_generated_media import GeneratedMediaStorageContract
from v3core.testing.contracts.storage_jobs import JobStorageContract
from v3core.testing.contracts.storage_lists import ListStorageContract
from v3core.testing.contracts.storage_machine import StorageModelContract
from v3core.testing.contracts.storage_references import ReferenceStorageContract
from v3core.testing.contracts.storage_scenes_and_blobs import SceneStorageContract
from v3core.testing.contracts.storage_transactions import TransactionStorageContract

__all__ = [
    "GeneratedMediaStorageContract",
    "JobStorageContract",
    "ListStorageContract",
    "ReferenceStorageContract",
    "SceneStorageContract",
    "StorageContract",
    "StorageFixtures",
    "StorageModelContract",
    "TransactionStorageContract",
]


class StorageContract(
    TransactionStorageContract,
    JobStorageContract,
    SceneStorageContract,
    ListStorageContract,
    ReferenceStorageContract,
    GeneratedMediaStorageContract,
    StorageModelContract,
):
    """Every storage contract test; needs the fixture ``uow_factory``."""
