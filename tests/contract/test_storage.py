"""The project's storage backends (memory, SQLite inline and aiosqlite, PostgreSQL) through
the storage contract that adapter authors use (``v3core.testing.contracts.StorageContract``).

``uow_factory`` comes from ``tests/contract/conftest.py``, parametrised over the backends.
"""

from __future__ import annotations

from v3core.testing.contracts import StorageContract


class TestStorage(StorageContract):
    pass
