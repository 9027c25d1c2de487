"""Storage ports: repositories grouped in a unit of work.

Every query is scoped by ``owner_id`` (the tenant). Repositories never commit; the
use case calls ``UnitOfWork.commit()`` and leaving the ``async with`` block without
it rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Generic, Protocol, Self, TypeVar

import attrs

from v3core.events import JobEvent
from v3core.model import ApiKey, Asset, Campaign, Client, Job, JobStatus, Scene, User

if TYPE_CHECKING:
    from v3core.ports.webhooks import WebhookDeliveryRepository, WebhookRepository

T = TypeVar("T")


@attrs.frozen
class PageRequest:
    """``limit`` 1..1000 and ``offset`` >= 0 (validated at the boundary)."""

    limit: int = 100
    offset: int = 0


@attrs.frozen
class Page(Generic[T]):
    """One page of results and the total number matching the filters."""

    items: Sequence[T]
    total: int


@attrs.frozen
class ClientStats:
    """Aggregates of one client (USD)."""

    campaign_count: int
    job_count: int
    video_count: int
    total_spend: float


@attrs.frozen
class CampaignStats:
    """Aggregates of one campaign (USD); ``avg_cost`` is 0 without videos."""

    job_count: int
    video_count: int
    total_spend: float
    avg_cost: float


@attrs.frozen
class ClientDependents:
    """What still hangs on a client."""

    campaigns: int
    assets: int
    jobs: int

    @property
    def any(self) -> bool:
        """Whether anything depends on the client."""
        return bool(self.campaigns or self.assets or self.jobs)


class UserRepository(Protocol):
    """Users (tenants)."""

    async def add(self, user: User) -> None: ...
    async def get(self, user_id: str) -> User | None: ...
    async def get_by_email(self, email: str) -> User | None: ...


class ApiKeyRepository(Protocol):
    """API keys, looked up by the hash of the presented secret."""

    async def add(self, key: ApiKey) -> None: ...
    async def get_by_hash(self, key_hash: str) -> ApiKey | None: ...
    async def list_for_user(self, user_id: str) -> Sequence[ApiKey]: ...
    async def update(self, key: ApiKey) -> None: ...


class ClientRepository(Protocol):
    """Clients of one owner."""

    async def add(self, client: Client) -> None: ...
    async def get(self, owner_id: str, client_id: str) -> Client | None: ...
    async def update(self, client: Client) -> None: ...
    async def delete(self, owner_id: str, client_id: str) -> bool:
        """Remove the owner's client; whether this call removed it."""
        ...

    async def list(self, owner_id: str, page: PageRequest) -> Page[Client]: ...
    async def stats(self, owner_id: str, client_id: str) -> ClientStats: ...
    async def dependents(self, owner_id: str, client_id: str) -> ClientDependents: ...


class CampaignRepository(Protocol):
    """Campaigns of one owner."""

    async def add(self, campaign: Campaign) -> None: ...
    async def get(self, owner_id: str, campaign_id: str) -> Campaign | None: ...
    async def update(self, campaign: Campaign) -> None: ...
    async def delete(self, owner_id: str, campaign_id: str) -> None: ...
    async def list(
        self, owner_id: str, page: PageRequest, *, client_id: str | None = None, status: str | None = None
    ) -> Page[Campaign]: ...
    async def stats(self, owner_id: str, campaign_id: str) -> CampaignStats: ...


class AssetRepository(Protocol):
    """Asset records of one owner."""

    async def add(self, asset: Asset) -> None: ...
    async def get(self, owner_id: str, asset_id: str) -> Asset | None: ...
    async def get_many(
        self, owner_id: str, asset_ids: Sequence[str], *, lock: bool = False
    ) -> Sequence[Asset]:
        """The owner's assets among ``asset_ids``, in that order; ``lock`` keeps the found
        ones from being deleted until this unit of work ends (they are being referenced)."""
        ...

    async def update(self, asset: Asset) -> None: ...
    async def delete(self, owner_id: str, asset_id: str) -> str | None:
        """Remove the owner's asset; the ``blob_id`` of the row this call removed, or ``None``
        when there was none to remove (missing, or a concurrent delete removed it first)."""
        ...

    async def delete_for_client(self, owner_id: str, client_id: str) -> Sequence[str]:
        """Remove the client's assets and the assets of the client's jobs; one ``blob_id``
        per row this call removed (a blob appears once per asset that used it)."""
        ...

    async def list(
        self,
        owner_id: str,
        page: PageRequest,
        *,
        client_id: str | None = None,
        campaign_id: str | None = None,
        type: str | None = None,
        tag: str | None = None,
    ) -> Page[Asset]: ...
    async def ids_for_client(self, owner_id: str, client_id: str) -> Sequence[str]: ...
    async def list_for_job(self, owner_id: str, job_id: str) -> Sequence[Asset]:
        """The assets a job made (``job_id`` set: imports, generated media, renders), oldest first."""
        ...


class BlobRefRepository(Protocol):
    """Reference counts of content-addressed blobs, changed with the assets that use them."""

    async def incref(self, blob_id: str, size: int, content_type: str) -> int:
        """Add a reference (creating the record at 1); returns the new count."""
        ...

    async def decref(self, blob_id: str, by: int = 1) -> int:
        """Drop ``by`` references in one atomic change (never below 0; the record goes at 0,
        in this unit of work); returns the count left (0 means the bytes may be freed)."""
        ...

    async def count(self, blob_id: str) -> int:
        """Current references (0 when unknown)."""
        ...


class JobRepository(Protocol):
    """Jobs of one owner; ``update`` bumps ``version`` and refuses a stale one."""

    async def add(self, job: Job) -> None: ...
    async def get(self, owner_id: str, job_id: str) -> Job | None: ...
    async def get_any(self, job_id: str) -> Job | None:
        """A job by id whatever its owner (for background workers only)."""
        ...

    async def update(self, job: Job) -> None:
        """Persist ``job`` if its stored version is ``job.version``; then increment it.

        Raises ``StaleVersion`` otherwise.
        """
        ...

    async def delete(self, owner_id: str, job_id: str) -> None: ...
    async def list(
        self,
        owner_id: str,
        page: PageRequest,
        *,
        client_id: str | None = None,
        campaign_id: str | None = None,
        status: str | None = None,
    ) -> Page[Job]: ...
    async def find_by_idempotency_key(self, owner_id: str, key: str) -> Job | None: ...
    async def list_in_status(self, statuses: Sequence[JobStatus]) -> Sequence[Job]:
        """All jobs (any owner) in one of ``statuses`` — for recovery after a restart."""
        ...

    async def ids_for_client(self, owner_id: str, client_id: str) -> Sequence[str]: ...
    async def uses_asset(self, owner_id: str, asset_id: str, unfinished_only: bool = True) -> bool:
        """Whether a job (an unfinished one by default) lists the asset."""
        ...

    async def with_video(self, owner_id: str, asset_id: str) -> str | None:
        """The id of the owner's job whose rendered video is the asset, if any."""
        ...


class SceneRepository(Protocol):
    """Scenes of a job; ``update`` is guarded by ``version``."""

    async def list_for_job(self, job_id: str) -> Sequence[Scene]:
        """Scenes ordered by number."""
        ...

    async def get(self, job_id: str, scene_id: str) -> Scene | None: ...
    async def add_many(self, scenes: Sequence[Scene]) -> None: ...
    async def replace_all(self, job_id: str, scenes: Sequence[Scene]) -> None:
        """Delete every scene of the job and store ``scenes`` instead."""
        ...

    async def update(self, scene: Scene, expected_version: int) -> None:
        """Store ``scene`` (whose ``version`` is already the new one) if the stored one is
        ``expected_version``; raises ``StaleVersion`` otherwise."""
        ...

    async def delete(self, job_id: str, scene_id: str) -> None: ...


class JobEventRepository(Protocol):
    """Each job's event log (SPEC §11), appended in the transaction of the change it describes.

    Sequence numbers start at 1 and grow by one per event of a job, with no gap, in commit
    order: two units of work never share a number (one waits for the other's commit)."""

    async def append(self, job_id: str, type: str, data: Mapping[str, object], created_at: datetime) -> None:
        """Add the job's next event; ``NotFound`` when there is no such job."""
        ...

    async def after(self, owner_id: str, job_id: str, seq: int, limit: int = 1000) -> Sequence[JobEvent]:
        """The owner's job's events numbered above ``seq``, oldest first, at most ``limit``."""
        ...

    async def page(self, owner_id: str, job_id: str, page: PageRequest) -> Page[JobEvent]:
        """One page of the owner's job's events, oldest first, with their total."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository."""

    users: UserRepository
    api_keys: ApiKeyRepository
    clients: ClientRepository
    campaigns: CampaignRepository
    assets: AssetRepository
    blob_refs: BlobRefRepository
    jobs: JobRepository
    scenes: SceneRepository
    job_events: JobEventRepository
    webhooks: WebhookRepository
    webhook_deliveries: WebhookDeliveryRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
"""Makes a fresh unit of work per use-case call."""
