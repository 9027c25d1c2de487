"""In-memory storage: the fake of every repository port, with the SQL adapters' semantics.

``InMemoryStore`` holds the committed rows; each ``InMemoryUnitOfWork`` keeps its
changes in a journal that ``commit()`` applies and leaving without commit discards.
Reads see committed data plus the unit's own changes (read committed). The store only
ever holds private copies, so callers mutating an entity change nothing until they
``update`` and commit. Constraints mirror the SQL schema: unique keys, references
(an unknown reference raises ``Conflict``) and ON DELETE cascades / SET NULL.
Lists are newest first (``created_at`` then ``id``, both descending).
"""

from __future__ import annotations

import builtins
import copy
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, cast

import attrs

from v3core.errors import Conflict, NotFound, StaleVersion
from v3core.model import ApiKey, Asset, Campaign, Client, Job, JobStatus, Scene, User
from v3core.ports.storage import (
    ApiKeyRepository,
    AssetRepository,
    BlobRefRepository,
    CampaignRepository,
    CampaignStats,
    ClientDependents,
    ClientRepository,
    ClientStats,
    JobRepository,
    Page,
    PageRequest,
    SceneRepository,
    UnitOfWork,
    UserRepository,
)

V = TypeVar("V")


@attrs.define
class BlobRef:
    """A blob's reference record."""

    blob_id: str
    size: int
    content_type: str
    refcount: int


@attrs.define
class InMemoryStore:
    """The committed state shared by every unit of work made from it."""

    users: dict[str, User] = attrs.Factory(dict)
    api_keys: dict[str, ApiKey] = attrs.Factory(dict)
    clients: dict[str, Client] = attrs.Factory(dict)
    campaigns: dict[str, Campaign] = attrs.Factory(dict)
    assets: dict[str, Asset] = attrs.Factory(dict)
    blob_refs: dict[str, BlobRef] = attrs.Factory(dict)
    jobs: dict[str, Job] = attrs.Factory(dict)
    scenes: dict[str, Scene] = attrs.Factory(dict)


class _View(Generic[V]):
    """One table as a unit of work sees it: committed rows overlaid with its own changes."""

    def __init__(self, base: dict[str, V]) -> None:
        self.base = base
        self.changes: dict[str, V | None] = {}

    def get(self, key: str) -> V | None:
        return self.changes[key] if key in self.changes else self.base.get(key)

    def put(self, key: str, value: V) -> None:
        self.changes[key] = _as_stored(copy.deepcopy(value))

    def remove(self, key: str) -> None:
        self.changes[key] = None

    def rows(self) -> Iterator[V]:
        for key, row in self.base.items():
            if key not in self.changes:
                yield row
        for changed in self.changes.values():
            if changed is not None:
                yield changed

    def apply(self) -> None:
        for key, row in self.changes.items():
            if row is None:
                self.base.pop(key, None)
            else:
                self.base[key] = row
        self.changes.clear()


def _as_stored(row: V) -> V:
    """``row`` as the SQL stores give it back: datetimes in UTC (naive ones refused) and
    mappings through JSON (tuples become lists; what JSON cannot hold is refused)."""
    for field in attrs.fields(cast(Any, type(row))):
        value = getattr(row, field.name)
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError("naive datetime given where a UTC-aware one is required")
            object.__setattr__(row, field.name, value.astimezone(UTC))
        elif isinstance(value, Mapping):
            object.__setattr__(row, field.name, json.loads(json.dumps(value)))
    return row


def _copy(row: V | None) -> V | None:
    return copy.deepcopy(row)


def _newest_first(rows: Iterable[Any]) -> builtins.list[Any]:
    return sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)


def _page(rows: Iterable[V], page: PageRequest) -> Page[V]:
    ordered = _newest_first(rows)
    items = ordered[page.offset : page.offset + page.limit]
    return Page(items=[copy.deepcopy(r) for r in items], total=len(ordered))


def _require(view: _View[Any], key: str | None, what: str) -> None:
    if key is not None and view.get(key) is None:
        raise Conflict(f"{what} {key!r} does not exist")


def _insert(view: _View[V], key: str, row: V, what: str) -> None:
    if view.get(key) is not None:
        raise Conflict(f"{what} {key!r} already exists")
    view.put(key, row)


class _Tables:
    """Every table's view for one unit of work, plus the optimistic checks to redo at commit."""

    def __init__(self, store: InMemoryStore) -> None:
        self.users = _View(store.users)
        self.api_keys = _View(store.api_keys)
        self.clients = _View(store.clients)
        self.campaigns = _View(store.campaigns)
        self.assets = _View(store.assets)
        self.blob_refs = _View(store.blob_refs)
        self.jobs = _View(store.jobs)
        self.scenes = _View(store.scenes)
        self.expected: dict[tuple[str, str], int] = {}
        self.blob_delta: dict[str, int] = {}
        self.blob_new: dict[str, tuple[int, str]] = {}

    def apply_blob_deltas(self) -> None:
        refs = self.blob_refs.base
        for blob_id, delta in self.blob_delta.items():
            row = refs.get(blob_id)
            if row is None:
                size, content_type = self.blob_new.get(blob_id, (0, "application/octet-stream"))
                row = BlobRef(blob_id, size, content_type, 0)
            left = max(row.refcount + delta, 0)
            if left:
                refs[blob_id] = attrs.evolve(row, refcount=left)
            else:
                refs.pop(blob_id, None)

    def clear(self) -> None:
        for view in self.all():
            view.changes.clear()
        self.expected.clear()
        self.blob_delta.clear()
        self.blob_new.clear()

    def all(self) -> tuple[_View[Any], ...]:
        return (
            self.users,
            self.api_keys,
            self.clients,
            self.campaigns,
            self.assets,
            self.blob_refs,
            self.jobs,
            self.scenes,
        )

    def remember_version(self, kind: str, view: _View[Any], key: str, version: int) -> None:
        """Note the committed version an update started from, to check again at commit."""
        if key not in view.changes:
            self.expected.setdefault((kind, key), version)

    def check_versions(self) -> None:
        for (kind, key), expected in self.expected.items():
            committed = (self.jobs if kind == "job" else self.scenes).base.get(key)
            actual = committed.version if committed is not None else 0
            if actual != expected:
                raise StaleVersion(kind, key, expected, actual)

    def delete_scenes_of(self, job_id: str) -> None:
        for scene in [s for s in self.scenes.rows() if s.job_id == job_id]:
            self.scenes.remove(scene.id)

    def delete_job(self, job_id: str) -> None:
        self.delete_scenes_of(job_id)
        self._set_null(self.assets, "job_id", job_id)
        self.jobs.remove(job_id)

    def delete_campaign(self, campaign_id: str) -> None:
        self._set_null(self.jobs, "campaign_id", campaign_id)
        self._set_null(self.assets, "campaign_id", campaign_id)
        self.campaigns.remove(campaign_id)

    def delete_client(self, client_id: str) -> None:
        for job in [j for j in self.jobs.rows() if j.client_id == client_id]:
            self.delete_job(job.id)
        for campaign in [c for c in self.campaigns.rows() if c.client_id == client_id]:
            self.delete_campaign(campaign.id)
        self._set_null(self.assets, "client_id", client_id)
        self.clients.remove(client_id)

    @staticmethod
    def _set_null(view: _View[Any], field: str, value: str) -> None:
        for row in [r for r in view.rows() if getattr(r, field) == value]:
            view.put(row.id, attrs.evolve(row, **{field: None}))


class InMemoryUserRepository(UserRepository):
    """Users in memory."""

    def __init__(self, t: _Tables) -> None:
        self._t = t

    async def add(self, user: User) -> None:
        if any(u.email == user.email for u in self._t.users.rows()):
            raise Conflict(f"user {user.email!r} already exists")
        _insert(self._t.users, user.id, user, "user")

    async def get(self, user_id: str) -> User | None:
        return _copy(self._t.users.get(user_id))

    async def get_by_email(self, email: str) -> User | None:
        return _copy(next((u for u in self._t.users.rows() if u.email == email), None))


class InMemoryApiKeyRepository(ApiKeyRepository):
    """API keys in memory."""

    def __init__(self, t: _Tables) -> None:
        self._t = t

    async def add(self, key: ApiKey) -> None:
        _require(self._t.users, key.user_id, "user")
        if any(k.key_hash == key.key_hash for k in self._t.api_keys.rows()):
            raise Conflict("an API key with this hash already exists")
        _insert(self._t.api_keys, key.id, key, "api key")

    async def get_by_hash(self, key_hash: str) -> ApiKey | None:
        return _copy(next((k for k in self._t.api_keys.rows() if k.key_hash == key_hash), None))

    async def list_for_user(self, user_id: str) -> Sequence[ApiKey]:
        rows = _newest_first(k for k in self._t.api_keys.rows() if k.user_id == user_id)
        return [copy.deepcopy(k) for k in rows]

    async def update(self, key: ApiKey) -> None:
        stored = self._t.api_keys.get(key.id)
        if stored is None or stored.user_id != key.user_id:
            raise NotFound("api key", key.id)
        self._t.api_keys.put(key.id, attrs.evolve(key, created_at=stored.created_at))


class InMemoryClientRepository(ClientRepository):
    """Clients in memory."""

    def __init__(self, t: _Tables) -> None:
        self._t = t

    async def add(self, client: Client) -> None:
        _require(self._t.users, client.owner_id, "user")
        _insert(self._t.clients, client.id, client, "client")

    async def get(self, owner_id: str, client_id: str) -> Client | None:
        row = self._t.clients.get(client_id)
        return copy.deepcopy(row) if row is not None and row.owner_id == owner_id else None

    async def update(self, client: Client) -> None:
        stored = await self.get(client.owner_id, client.id)
        if stored is None:
            raise NotFound("client", client.id)
        self._t.clients.put(client.id, attrs.evolve(client, created_at=stored.created_at))

    async def delete(self, owner_id: str, client_id: str) -> None:
        if await self.get(owner_id, client_id) is not None:
            self._t.delete_client(client_id)

    async def list(self, owner_id: str, page: PageRequest) -> Page[Client]:
        return _page((c for c in self._t.clients.rows() if c.owner_id == owner_id), page)

    async def stats(self, owner_id: str, client_id: str) -> ClientStats:
        jobs = [j for j in self._t.jobs.rows() if j.owner_id == owner_id and j.client_id == client_id]
        campaigns = [
            c for c in self._t.campaigns.rows() if c.owner_id == owner_id and c.client_id == client_id
        ]
        return ClientStats(
            campaign_count=len(campaigns),
            job_count=len(jobs),
            video_count=sum(1 for j in jobs if j.status == JobStatus.COMPLETED),
            total_spend=float(sum(j.cost.actual for j in jobs)),
        )

    async def dependents(self, owner_id: str, client_id: str) -> ClientDependents:
        def count(rows: Iterable[Any]) -> int:
            return sum(1 for r in rows if r.owner_id == owner_id and r.client_id == client_id)

        return ClientDependents(
            campaigns=count(self._t.campaigns.rows()),
            assets=count(self._t.assets.rows()),
            jobs=count(self._t.jobs.rows()),
        )


class InMemoryCampaignRepository(CampaignRepository):
    """Campaigns in memory."""

    def __init__(self, t: _Tables) -> None:
        self._t = t

    def _check_refs(self, campaign: Campaign) -> None:
        _require(self._t.users, campaign.owner_id, "user")
        _require(self._t.clients, campaign.client_id, "client")

    async def add(self, campaign: Campaign) -> None:
        self._check_refs(campaign)
        _insert(self._t.campaigns, campaign.id, campaign, "campaign")

    async def get(self, owner_id: str, campaign_id: str) -> Campaign | None:
        row = self._t.campaigns.get(campaign_id)
        return copy.deepcopy(row) if row is not None and row.owner_id == owner_id else None

    async def update(self, campaign: Campaign) -> None:
        stored = await self.get(campaign.owner_id, campaign.id)
        if stored is None:
            raise NotFound("campaign", campaign.id)
        self._check_refs(campaign)
        self._t.campaigns.put(campaign.id, attrs.evolve(campaign, created_at=stored.created_at))

    async def delete(self, owner_id: str, campaign_id: str) -> None:
        if await self.get(owner_id, campaign_id) is not None:
            self._t.delete_campaign(campaign_id)

    async def list(
        self, owner_id: str, page: PageRequest, *, client_id: str | None = None, status: str | None = None
    ) -> Page[Campaign]:
        rows = (
            c
            for c in self._t.campaigns.rows()
            if c.owner_id == owner_id
            and (client_id is None or c.client_id == client_id)
            and (status is None or c.status == status)
        )
        return _page(rows, page)

    async def stats(self, owner_id: str, campaign_id: str) -> CampaignStats:
        jobs = [j for j in self._t.jobs.rows() if j.owner_id == owner_id and j.campaign_id == campaign_id]
        videos = [j.cost.actual for j in jobs if j.status == JobStatus.COMPLETED]
        return CampaignStats(
            job_count=len(jobs),
            video_count=len(videos),
            total_spend=float(sum(j.cost.actual for j in jobs)),
            avg_cost=float(sum(videos) / len(videos)) if videos else 0.0,
        )


class InMemoryAssetRepository(AssetRepository):
    """Asset records in memory."""

    def __init__(self, t: _Tables) -> None:
        self._t = t

    def _check_refs(self, asset: Asset) -> None:
        _require(self._t.users, asset.owner_id, "user")
        _require(self._t.clients, asset.client_id, "client")
        _require(self._t.campaigns, asset.campaign_id, "campaign")
        _require(self._t.jobs, asset.job_id, "job")

    async def add(self, asset: Asset) -> None:
        self._check_refs(asset)
        _insert(self._t.assets, asset.id, asset, "asset")

    async def get(self, owner_id: str, asset_id: str) -> Asset | None:
        row = self._t.assets.get(asset_id)
        return copy.deepcopy(row) if row is not None and row.owner_id == owner_id else None

    async def get_many(self, owner_id: str, asset_ids: Sequence[str]) -> Sequence[Asset]:
        found = [await self.get(owner_id, i) for i in dict.fromkeys(asset_ids)]
        return [a for a in found if a is not None]

    async def update(self, asset: Asset) -> None:
        stored = await self.get(asset.owner_id, asset.id)
        if stored is None:
            raise NotFound("asset", asset.id)
        self._check_refs(asset)
        self._t.assets.put(asset.id, attrs.evolve(asset, created_at=stored.created_at))

    async def delete(self, owner_id: str, asset_id: str) -> None:
        if await self.get(owner_id, asset_id) is not None:
            self._t.assets.remove(asset_id)

    async def list(
        self,
        owner_id: str,
        page: PageRequest,
        *,
        client_id: str | None = None,
        campaign_id: str | None = None,
        type: str | None = None,
        tag: str | None = None,
    ) -> Page[Asset]:
        rows = (
            a
            for a in self._t.assets.rows()
            if a.owner_id == owner_id
            and (client_id is None or a.client_id == client_id)
            and (campaign_id is None or a.campaign_id == campaign_id)
            and (type is None or a.type == type)
            and (tag is None or tag in a.tags)
        )
        return _page(rows, page)

    async def ids_for_client(self, owner_id: str, client_id: str) -> Sequence[str]:
        rows = (a for a in self._t.assets.rows() if a.owner_id == owner_id and a.client_id == client_id)
        return [a.id for a in _newest_first(rows)]


class InMemoryBlobRefRepository(BlobRefRepository):
    """Blob reference counts in memory; changes are deltas applied at commit (like SQL's
    ``refcount = refcount + 1``), and a count reaching 0 drops the record."""

    def __init__(self, t: _Tables) -> None:
        self._t = t

    async def incref(self, blob_id: str, size: int, content_type: str) -> int:
        self._t.blob_new.setdefault(blob_id, (size, content_type))
        self._t.blob_delta[blob_id] = self._t.blob_delta.get(blob_id, 0) + 1
        return await self.count(blob_id)

    async def decref(self, blob_id: str) -> int:
        if await self.count(blob_id) > 0:
            self._t.blob_delta[blob_id] = self._t.blob_delta.get(blob_id, 0) - 1
        return await self.count(blob_id)

    async def count(self, blob_id: str) -> int:
        row = self._t.blob_refs.get(blob_id)
        return (row.refcount if row is not None else 0) + self._t.blob_delta.get(blob_id, 0)


class InMemoryJobRepository(JobRepository):
    """Jobs in memory, with the version check of ``update``."""

    def __init__(self, t: _Tables) -> None:
        self._t = t

    def _check_refs(self, job: Job) -> None:
        _require(self._t.users, job.owner_id, "user")
        _require(self._t.clients, job.client_id, "client")
        _require(self._t.campaigns, job.campaign_id, "campaign")
        key = job.idempotency_key
        if key is not None and any(
            j.idempotency_key == key and j.owner_id == job.owner_id and j.id != job.id
            for j in self._t.jobs.rows()
        ):
            raise Conflict(f"a job with idempotency key {key!r} already exists")

    async def add(self, job: Job) -> None:
        self._check_refs(job)
        _insert(self._t.jobs, job.id, job, "job")

    async def get(self, owner_id: str, job_id: str) -> Job | None:
        row = self._t.jobs.get(job_id)
        return copy.deepcopy(row) if row is not None and row.owner_id == owner_id else None

    async def get_any(self, job_id: str) -> Job | None:
        return _copy(self._t.jobs.get(job_id))

    async def update(self, job: Job) -> None:
        stored = self._t.jobs.get(job.id)
        if stored is None or stored.owner_id != job.owner_id:
            raise NotFound("job", job.id)
        if stored.version != job.version:
            raise StaleVersion("job", job.id, job.version, stored.version)
        self._check_refs(job)
        self._t.remember_version("job", self._t.jobs, job.id, stored.version)
        self._t.jobs.put(job.id, attrs.evolve(job, created_at=stored.created_at, version=job.version + 1))
        job.version += 1

    async def delete(self, owner_id: str, job_id: str) -> None:
        if await self.get(owner_id, job_id) is not None:
            self._t.delete_job(job_id)

    async def list(
        self,
        owner_id: str,
        page: PageRequest,
        *,
        client_id: str | None = None,
        campaign_id: str | None = None,
        status: str | None = None,
    ) -> Page[Job]:
        rows = (
            j
            for j in self._t.jobs.rows()
            if j.owner_id == owner_id
            and (client_id is None or j.client_id == client_id)
            and (campaign_id is None or j.campaign_id == campaign_id)
            and (status is None or j.status == status)
        )
        return _page(rows, page)

    async def find_by_idempotency_key(self, owner_id: str, key: str) -> Job | None:
        found = (j for j in self._t.jobs.rows() if j.owner_id == owner_id and j.idempotency_key == key)
        return _copy(next(found, None))

    async def list_in_status(self, statuses: Sequence[JobStatus]) -> Sequence[Job]:
        rows = sorted(
            (j for j in self._t.jobs.rows() if j.status in statuses), key=lambda j: (j.created_at, j.id)
        )
        return [copy.deepcopy(j) for j in rows]

    async def ids_for_client(self, owner_id: str, client_id: str) -> Sequence[str]:
        rows = (j for j in self._t.jobs.rows() if j.owner_id == owner_id and j.client_id == client_id)
        return [j.id for j in _newest_first(rows)]

    async def uses_asset(self, owner_id: str, asset_id: str, unfinished_only: bool = True) -> bool:
        return any(
            j.owner_id == owner_id
            and asset_id in j.asset_ids
            and not (unfinished_only and j.status.is_terminal)
            for j in self._t.jobs.rows()
        )


class InMemorySceneRepository(SceneRepository):
    """Scenes in memory, with the version check of ``update``."""

    def __init__(self, t: _Tables) -> None:
        self._t = t

    async def list_for_job(self, job_id: str) -> Sequence[Scene]:
        rows = sorted(
            (s for s in self._t.scenes.rows() if s.job_id == job_id), key=lambda s: (s.number, s.id)
        )
        return [copy.deepcopy(s) for s in rows]

    async def get(self, job_id: str, scene_id: str) -> Scene | None:
        row = self._t.scenes.get(scene_id)
        return copy.deepcopy(row) if row is not None and row.job_id == job_id else None

    async def add_many(self, scenes: Sequence[Scene]) -> None:
        for scene in scenes:
            _require(self._t.jobs, scene.job_id, "job")
            _insert(self._t.scenes, scene.id, scene, "scene")

    async def replace_all(self, job_id: str, scenes: Sequence[Scene]) -> None:
        self._t.delete_scenes_of(job_id)
        await self.add_many(scenes)

    async def update(self, scene: Scene, expected_version: int) -> None:
        stored = self._t.scenes.get(scene.id)
        if stored is None or stored.job_id != scene.job_id:
            raise NotFound("scene", scene.id)
        if stored.version != expected_version:
            raise StaleVersion("scene", scene.id, expected_version, stored.version)
        self._t.remember_version("scene", self._t.scenes, scene.id, stored.version)
        self._t.scenes.put(scene.id, attrs.evolve(scene, created_at=stored.created_at))

    async def delete(self, job_id: str, scene_id: str) -> None:
        if await self.get(job_id, scene_id) is not None:
            self._t.scenes.remove(scene_id)


class InMemoryUnitOfWork(UnitOfWork):
    """A unit of work over an ``InMemoryStore``: commit applies, leaving without commit discards."""

    def __init__(self, store: InMemoryStore) -> None:
        self.store = store
        self._begin()

    @classmethod
    def factory(cls, store: InMemoryStore) -> Callable[[], UnitOfWork]:
        """A ``UnitOfWorkFactory`` making units of work over ``store``."""
        return lambda: cls(store)

    def _begin(self) -> None:
        self._tables = _Tables(self.store)
        self.users = InMemoryUserRepository(self._tables)
        self.api_keys = InMemoryApiKeyRepository(self._tables)
        self.clients = InMemoryClientRepository(self._tables)
        self.campaigns = InMemoryCampaignRepository(self._tables)
        self.assets = InMemoryAssetRepository(self._tables)
        self.blob_refs = InMemoryBlobRefRepository(self._tables)
        self.jobs = InMemoryJobRepository(self._tables)
        self.scenes = InMemorySceneRepository(self._tables)

    async def __aenter__(self) -> Self:
        await self.rollback()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        try:
            self._tables.check_versions()
        except StaleVersion:
            await self.rollback()
            raise
        for view in self._tables.all():
            view.apply()
        self._tables.apply_blob_deltas()
        self._tables.clear()

    async def rollback(self) -> None:
        self._tables.clear()
