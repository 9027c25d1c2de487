"""SQLAlchemy repositories of jobs and scenes, with optimistic version checks."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from adapters.sqlalchemy.base import Transaction, by_id, newest_first, owned, page_of
from adapters.sqlalchemy.clients import changeable
from adapters.sqlalchemy.mappers import job_from_row, job_values, scene_from_row, scene_values
from adapters.sqlalchemy.tables import jobs, scenes
from v3core.errors import NotFound, StaleVersion
from v3core.model import Job, JobStatus, Scene
from v3core.ports.storage import JobRepository, Page, PageRequest, SceneRepository

_TERMINAL = [s.value for s in JobStatus if s.is_terminal]


class SqlAlchemyJobRepository(JobRepository):
    """Jobs in SQL; ``update`` is ``UPDATE ... WHERE version = :seen`` (no lost update)."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def _one(self, *where: sa.ColumnElement[bool]) -> Job | None:
        row = (await self._tx.execute(sa.select(jobs).where(*where))).first()
        return job_from_row(row) if row is not None else None

    async def add(self, job: Job) -> None:
        await self._tx.execute(sa.insert(jobs).values(job_values(job)))

    async def get(self, owner_id: str, job_id: str) -> Job | None:
        row = await self._tx.fetch_first(by_id(jobs, "owner_id"), {"id": job_id, "scope": owner_id})
        return job_from_row(row) if row is not None else None

    async def get_any(self, job_id: str) -> Job | None:
        row = (await self._tx.execute(by_id(jobs), {"id": job_id})).first()
        return job_from_row(row) if row is not None else None

    async def update(self, job: Job) -> None:
        # a job never changes its client or campaign; not writing them keeps a campaign
        # deleted meanwhile (ON DELETE SET NULL) detached instead of breaking the foreign key
        values = changeable(job_values(job)) | {"version": job.version + 1}
        del values["client_id"], values["campaign_id"]
        mine = (jobs.c.id == job.id, jobs.c.owner_id == job.owner_id)
        statement = sa.update(jobs).where(*mine, jobs.c.version == job.version).values(values)
        if (await self._tx.execute(statement)).rowcount == 1:
            job.version += 1
            return
        actual = await self._tx.scalar(sa.select(jobs.c.version).where(*mine))
        if actual is None:
            raise NotFound("job", job.id)
        raise StaleVersion("job", job.id, job.version, int(actual))

    async def delete(self, owner_id: str, job_id: str) -> None:
        await self._tx.execute(sa.delete(jobs).where(jobs.c.id == job_id, jobs.c.owner_id == owner_id))

    async def list(
        self,
        owner_id: str,
        page: PageRequest,
        *,
        client_id: str | None = None,
        campaign_id: str | None = None,
        status: str | None = None,
    ) -> Page[Job]:
        where = owned(jobs, owner_id, client_id=client_id, campaign_id=campaign_id, status=status)
        return await page_of(self._tx, jobs, where, page, job_from_row)

    async def find_by_idempotency_key(self, owner_id: str, key: str) -> Job | None:
        return await self._one(jobs.c.owner_id == owner_id, jobs.c.idempotency_key == key)

    async def list_in_status(self, statuses: Sequence[JobStatus]) -> Sequence[Job]:
        if not statuses:
            return []
        query = (
            sa.select(jobs)
            .where(jobs.c.status.in_([JobStatus(s).value for s in statuses]))
            .order_by(jobs.c.created_at, jobs.c.id)
        )
        return [job_from_row(r) for r in await self._tx.execute(query)]

    async def ids_for_client(self, owner_id: str, client_id: str) -> Sequence[str]:
        query = (
            sa.select(jobs.c.id)
            .where(jobs.c.owner_id == owner_id, jobs.c.client_id == client_id)
            .order_by(*newest_first(jobs))
        )
        return list((await self._tx.execute(query)).scalars())

    async def uses_asset(self, owner_id: str, asset_id: str, unfinished_only: bool = True) -> bool:
        where = [jobs.c.owner_id == owner_id, self._lists(asset_id)]
        if unfinished_only:
            where.append(jobs.c.status.not_in(_TERMINAL))
        return bool(await self._tx.scalar(sa.select(sa.exists().where(*where))))

    async def with_video(self, owner_id: str, asset_id: str) -> str | None:
        query = sa.select(jobs.c.id).where(jobs.c.owner_id == owner_id, jobs.c.video_asset_id == asset_id)
        found = await self._tx.scalar(query.order_by(jobs.c.id).limit(1))
        return None if found is None else str(found)

    def _lists(self, asset_id: str) -> sa.ColumnElement[bool]:
        if self._tx.dialect == "postgresql":
            return sa.type_coerce(jobs.c.asset_ids, postgresql.JSONB).contains([asset_id])
        element = sa.func.json_each(jobs.c.asset_ids).table_valued("value")
        return sa.exists().select_from(element).where(element.c.value == asset_id)


@functools.cache
def _scenes_of_job() -> sa.Select[Any]:
    query = sa.select(scenes).where(scenes.c.job_id == sa.bindparam("job_id"))
    return query.order_by(scenes.c.number, scenes.c.id)


class SqlAlchemySceneRepository(SceneRepository):
    """Scenes in SQL, ordered by number; ``update`` is guarded by ``version``."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def list_for_job(self, job_id: str) -> Sequence[Scene]:
        return [scene_from_row(r) for r in await self._tx.fetch_all(_scenes_of_job(), {"job_id": job_id})]

    async def get(self, job_id: str, scene_id: str) -> Scene | None:
        row = (await self._tx.execute(by_id(scenes, "job_id"), {"id": scene_id, "scope": job_id})).first()
        return scene_from_row(row) if row is not None else None

    async def add_many(self, new: Sequence[Scene]) -> None:
        if new:
            await self._tx.execute(sa.insert(scenes), [scene_values(s) for s in new])

    async def replace_all(self, job_id: str, new: Sequence[Scene]) -> None:
        await self._tx.execute(sa.delete(scenes).where(scenes.c.job_id == job_id))
        await self.add_many(new)

    async def update(self, scene: Scene, expected_version: int) -> None:
        values = {k: v for k, v in scene_values(scene).items() if k not in ("id", "job_id", "created_at")}
        mine = (scenes.c.id == scene.id, scenes.c.job_id == scene.job_id)
        statement = sa.update(scenes).where(*mine, scenes.c.version == expected_version).values(values)
        if (await self._tx.execute(statement)).rowcount == 1:
            return
        actual = await self._tx.scalar(sa.select(scenes.c.version).where(*mine))
        if actual is None:
            raise NotFound("scene", scene.id)
        raise StaleVersion("scene", scene.id, expected_version, int(actual))

    async def delete(self, job_id: str, scene_id: str) -> None:
        await self._tx.execute(sa.delete(scenes).where(scenes.c.id == scene_id, scenes.c.job_id == job_id))
