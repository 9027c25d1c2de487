"""In-memory jobs and scenes, with their version checks."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import attrs

from adapters.memory.state import (
    Tables,
    copy_of,
    insert,
    newest_first,
    page_of,
    require,
)
from v3core.errors import NotFound, StaleVersion
from v3core.model import Job, JobStatus, Scene
from v3core.ports.storage import (
    JobRepository,
    Page,
    PageRequest,
    SceneRepository,
)


class InMemoryJobRepository(JobRepository):
    """Jobs in memory, with the version check of ``update``."""

    def __init__(self, t: Tables) -> None:
        self._t = t

    def _check_refs(self, job: Job) -> None:
        require(self._t.users, job.owner_id, "user")
        require(self._t.clients, job.client_id, "client")
        require(self._t.campaigns, job.campaign_id, "campaign")
        key = job.idempotency_key
        if key is not None and any(
            j.idempotency_key == key and j.owner_id == job.owner_id and j.id != job.id
            for j in self._t.jobs.rows()
        ):
            raise self._t.health.conflict(f"a job with idempotency key {key!r} already exists")

    async def add(self, job: Job) -> None:
        self._check_refs(job)
        insert(self._t.jobs, job.id, job, "job")

    async def get(self, owner_id: str, job_id: str) -> Job | None:
        row = self._t.jobs.get(job_id)
        return copy.deepcopy(row) if row is not None and row.owner_id == owner_id else None

    async def get_any(self, job_id: str) -> Job | None:
        return copy_of(self._t.jobs.get(job_id))

    async def update(self, job: Job) -> None:
        stored = self._t.jobs.get(job.id)
        if stored is None or stored.owner_id != job.owner_id:
            raise NotFound("job", job.id)
        if stored.version != job.version:
            raise StaleVersion("job", job.id, job.version, stored.version)
        # the client and campaign stay as stored (a deleted campaign stays detached)
        kept = attrs.evolve(job, client_id=stored.client_id, campaign_id=stored.campaign_id)
        kept.brief = attrs.evolve(job.brief, context=stored.brief.context)
        self._check_refs(kept)
        self._t.remember_version("job", self._t.jobs, job.id, stored.version)
        self._t.jobs.put(job.id, attrs.evolve(kept, created_at=stored.created_at, version=job.version + 1))
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
        return page_of(rows, page)

    async def find_by_idempotency_key(self, owner_id: str, key: str) -> Job | None:
        found = (j for j in self._t.jobs.rows() if j.owner_id == owner_id and j.idempotency_key == key)
        return copy_of(next(found, None))

    async def list_in_status(self, statuses: Sequence[JobStatus]) -> Sequence[Job]:
        rows = sorted(
            (j for j in self._t.jobs.rows() if j.status in statuses), key=lambda j: (j.created_at, j.id)
        )
        return [copy.deepcopy(j) for j in rows]

    async def ids_for_client(self, owner_id: str, client_id: str) -> Sequence[str]:
        rows = (j for j in self._t.jobs.rows() if j.owner_id == owner_id and j.client_id == client_id)
        return [j.id for j in newest_first(rows)]

    async def uses_asset(self, owner_id: str, asset_id: str, unfinished_only: bool = True) -> bool:
        return any(
            j.owner_id == owner_id
            and asset_id in j.asset_ids
            and not (unfinished_only and j.status.is_terminal)
            for j in self._t.jobs.rows()
        )

    async def with_video(self, owner_id: str, asset_id: str) -> str | None:
        return next(
            (j.id for j in self._t.jobs.rows() if j.owner_id == owner_id and j.video_asset_id == asset_id),
            None,
        )


class InMemorySceneRepository(SceneRepository):
    """Scenes in memory, with the version check of ``update``."""

    def __init__(self, t: Tables) -> None:
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
            require(self._t.jobs, scene.job_id, "job")
            insert(self._t.scenes, scene.id, scene, "scene")

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
