"""In-memory storage: the fake of every repository port, with the SQL adapters' semantics.

``InMemoryStore`` holds the committed rows; each ``InMemoryUnitOfWork`` keeps its
changes in a journal that ``commit()`` applies and leaving without commit discards.
Reads see committed data plus the unit's own changes (read committed). The store only
ever holds private copies, so callers mutating an entity change nothing until they
``update`` and commit. Constraints mirror the SQL schema: unique keys, references
(an unknown reference raises ``Conflict``) and ON DELETE cascades / SET NULL.
Lists are newest first (``created_at`` then ``id``, both descending).
"""

from adapters.memory.accounts import InMemoryApiKeyRepository, InMemoryUserRepository
from adapters.memory.assets import InMemoryAssetRepository, InMemoryBlobRefRepository
from adapters.memory.jobs import InMemoryJobRepository, InMemorySceneRepository
from adapters.memory.state import BlobRef, InMemoryStore
from adapters.memory.tenants import InMemoryCampaignRepository, InMemoryClientRepository
from adapters.memory.uow import InMemoryUnitOfWork

__all__ = [
    "BlobRef",
    "InMemoryApiKeyRepository",
    "InMemoryAssetRepository",
    "InMemoryBlobRefRepository",
    "InMemoryCampaignRepository",
    "InMemoryClientRepository",
    "InMemoryJobRepository",
    "InMemorySceneRepository",
    "InMemoryStore",
    "InMemoryUnitOfWork",
    "InMemoryUserRepository",
]
