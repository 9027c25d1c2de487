"""The committed rows of the in-memory store and the journal a unit of work keeps over them."""

from __future__ import annotations

import builtins
import copy
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar, cast

import attrs

from v3core.errors import Conflict, StaleVersion
from v3core.events import JobEvent
from v3core.model import ApiKey, Asset, Campaign, Client, Job, Scene, User
from v3core.ports.storage import Page, PageRequest
from v3core.webhooks import Webhook, WebhookDelivery

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
    job_events: dict[str, list[JobEvent]] = attrs.Factory(dict)
    """Each job's log, in sequence order (``seq`` = position + 1)."""
    webhooks: dict[str, Webhook] = attrs.Factory(dict)
    webhook_deliveries: dict[str, WebhookDelivery] = attrs.Factory(dict)


FAILED = (
    "a constraint violation aborted this unit of work (as it aborts a PostgreSQL transaction): "
    "roll back or leave it, and use a new one"
)


@attrs.define
class Health:
    """Whether a constraint violation has aborted the unit of work."""

    failed: bool = False

    def check(self) -> None:
        if self.failed:
            raise RuntimeError(FAILED)

    def conflict(self, message: str) -> Conflict:
        self.failed = True
        return Conflict(message)


class View(Generic[V]):
    """One table as a unit of work sees it: committed rows overlaid with its own changes."""

    def __init__(self, base: dict[str, V], health: Health) -> None:
        self.base = base
        self.health = health
        self.changes: dict[str, V | None] = {}

    def get(self, key: str) -> V | None:
        self.health.check()
        return self.changes[key] if key in self.changes else self.base.get(key)

    def put(self, key: str, value: V) -> None:
        self.health.check()
        self.changes[key] = as_stored(copy.deepcopy(value))

    def remove(self, key: str) -> None:
        self.health.check()
        self.changes[key] = None

    def rows(self) -> Iterator[V]:
        self.health.check()
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


def as_stored(row: V) -> V:
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


def copy_of(row: V | None) -> V | None:
    return copy.deepcopy(row)


def newest_first(rows: Iterable[Any]) -> builtins.list[Any]:
    return sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)


def page_of(rows: Iterable[V], page: PageRequest) -> Page[V]:
    ordered = newest_first(rows)
    items = ordered[page.offset : page.offset + page.limit]
    return Page(items=[copy.deepcopy(r) for r in items], total=len(ordered))


def require(view: View[Any], key: str | None, what: str) -> None:
    if key is not None and view.get(key) is None:
        raise view.health.conflict(f"{what} {key!r} does not exist")


def insert(view: View[V], key: str, row: V, what: str) -> None:
    if view.get(key) is not None:
        raise view.health.conflict(f"{what} {key!r} already exists")
    view.put(key, row)


class Tables:
    """Every table's view for one unit of work, plus the optimistic checks to redo at commit."""

    def __init__(self, store: InMemoryStore) -> None:
        self.health = Health()
        self.users = View(store.users, self.health)
        self.api_keys = View(store.api_keys, self.health)
        self.clients = View(store.clients, self.health)
        self.campaigns = View(store.campaigns, self.health)
        self.assets = View(store.assets, self.health)
        self.blob_refs = View(store.blob_refs, self.health)
        self.jobs = View(store.jobs, self.health)
        self.scenes = View(store.scenes, self.health)
        self.webhooks = View(store.webhooks, self.health)
        self.webhook_deliveries = View(store.webhook_deliveries, self.health)
        self.store = store
        self.expected: dict[tuple[str, str], int] = {}
        self.blob_delta: dict[str, int] = {}
        self.blob_new: dict[str, tuple[int, str]] = {}
        self.store = store
        self.new_events: list[tuple[str, str, dict[str, Any], datetime]] = []
        """Events appended by this unit of work; numbered at commit, after the rows they describe
        (as SQL numbers them in commit order: a concurrent writer waits for the row lock)."""

    def apply_events(self) -> None:
        for job_id, kind, data, at in self.new_events:
            job = self.store.jobs.get(job_id)
            if job is None:
                continue  # deleted in the same unit of work: its log went with it
            log = self.store.job_events.setdefault(job_id, [])
            log.append(JobEvent(job_id, job.owner_id, len(log) + 1, kind, data, at))
        for job_id in [j for j in self.store.job_events if j not in self.store.jobs]:
            del self.store.job_events[job_id]

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
        self.health.failed = False
        for view in self.all():
            view.changes.clear()
        self.expected.clear()
        self.blob_delta.clear()
        self.blob_new.clear()
        self.new_events.clear()

    def all(self) -> tuple[View[Any], ...]:
        return (
            self.users,
            self.api_keys,
            self.clients,
            self.campaigns,
            self.assets,
            self.blob_refs,
            self.jobs,
            self.scenes,
            self.webhooks,
            self.webhook_deliveries,
        )

    def remember_version(self, kind: str, view: View[Any], key: str, version: int) -> None:
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
        for job in [j for j in self.jobs.rows() if j.campaign_id == campaign_id]:
            context = attrs.evolve(job.brief.context, campaign_id=None)
            brief = attrs.evolve(job.brief, context=context)
            self.jobs.put(job.id, attrs.evolve(job, campaign_id=None, brief=brief))
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
    def _set_null(view: View[Any], field: str, value: str) -> None:
        for row in [r for r in view.rows() if getattr(r, field) == value]:
            view.put(row.id, attrs.evolve(row, **{field: None}))
