"""The real app with adapters that hold or fail on cue, so a test can put a job in any status.

The cue is the brief's product name: ``hold-pending`` (planning never starts),
``hold-planning`` (the planner never answers), ``fail-planning`` (the planner fails upstream),
``hold-render`` (the render reports progress until the job is cancelled), ``fail-render``
(the renderer fails), ``step-render`` (the render reports each scene, then waits until the
job has been read twice more, so an SSE listener sees every step, then renders for real).
Any other product plans with the template planner and renders with the real animatic renderer.
Held work ends when its job is cancelled (its task is cancelled).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import attrs
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.planners.template import TemplateScenePlanner
from adapters.rendering.deferred import DeferredRenderer
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from entrypoints.http.job_reads import JobReads
from entrypoints.http.objects import HttpObjects
from entrypoints.jobs import make_renderer
from tests.e2e.conftest import Api, e2e_settings
from v3core.errors import UpstreamError
from v3core.ports.planner import PlannerReply, PlanRequest, ScenePlanner
from v3core.ports.renderer import CancelCheck, ProgressCallback, RenderCancelled, RenderedVideo, RenderRequest
from v3core.ports.storage import UnitOfWorkFactory
from v3core.ports.tasks import TaskKind
from v3core.services.jobs import JobView, RunJobTask

FOREVER = 3600.0


class CuedPlanner(ScenePlanner):
    """The template planner, except for the ``hold-planning`` and ``fail-planning`` cues."""

    name = "cued"

    def __init__(self) -> None:
        self.inner = TemplateScenePlanner()

    async def plan(self, request: PlanRequest) -> PlannerReply:
        cue = request.brief.ad_basics.product
        if cue == "hold-planning":
            await asyncio.sleep(FOREVER)
        if cue == "fail-planning":
            raise UpstreamError("cued planner is down")
        return await self.inner.plan(request)


@attrs.frozen
class CountingReads(JobReads):
    """The app's job reads, counting how often a job was read (``reads[0]``)."""

    reads: list[int] = attrs.field(factory=lambda: [0])

    async def view(self, owner_id: str, job_id: str) -> JobView:
        self.reads[0] += 1
        return await super().view(owner_id, job_id)

    async def read_twice_more(self) -> None:
        """Wait until the job was read twice after now (so once after the last commit)."""
        wanted = self.reads[0] + 2
        for _ in range(1000):
            if self.reads[0] >= wanted:
                return
            await asyncio.sleep(0.01)


async def _unreported(done: int, total: int, message: str) -> None:
    return None


@attrs.define
class CuedRenderer:
    """The real renderer, except for the ``hold-render``, ``fail-render`` and ``step-render`` cues."""

    inner: DeferredRenderer
    reads: CountingReads

    async def render(
        self, request: RenderRequest, progress: ProgressCallback, cancelled: CancelCheck
    ) -> RenderedVideo:
        if request.title == "fail-render":
            raise UpstreamError("cued renderer gave up")
        while request.title == "hold-render":
            await progress(0, len(request.scenes), "held")
            if cancelled():
                raise RenderCancelled(request.job_id)
            await asyncio.sleep(0.2)
        if request.title == "step-render":
            for done in range(1, len(request.scenes) + 1):
                await progress(done, len(request.scenes), f"step {done} of {len(request.scenes)}")
            return await self.inner.render(request, _unreported, cancelled)  # the steps were reported
        return await self.inner.render(request, progress, cancelled)


@attrs.define
class CuedWorker:
    """Runs job tasks, except that ``hold-pending`` jobs never start planning."""

    inner: RunJobTask
    uow: UnitOfWorkFactory

    async def execute(self, kind: TaskKind, job_id: str) -> None:
        async with self.uow() as uow:
            job = await uow.jobs.get_any(job_id)
        if (
            job is not None
            and kind == TaskKind.PLAN_STORYBOARD
            and job.brief.ad_basics.product == "hold-pending"
        ):
            await asyncio.sleep(FOREVER)
        await self.inner.execute(kind, job_id)


def cued_container(
    database_url: str, data_dir: Path, built: list[DeferredRenderer]
) -> tuple[Container, HttpObjects]:
    """The app's container on ``database_url`` with the cued planner, renderer and worker, and
    its HTTP objects with counting job reads (the real renderer it builds is appended to
    ``built``, for the caller to close)."""
    container = build_container(e2e_settings(database_url, data_dir))
    container.planner.override(providers.Singleton(CuedPlanner))

    http = HttpObjects(core=container)
    http.job_reads.override(
        providers.Singleton(
            CountingReads,
            container.get_job,
            container.list_jobs,
            providers.Callable(lambda links: links.base_url.rstrip("/"), http.asset_links),
        )
    )

    def renderer(settings: Any, blobs: Any, reads: CountingReads) -> CuedRenderer:
        built.append(make_renderer(settings, blobs))
        return CuedRenderer(built[-1], reads)

    container.renderer.override(
        providers.Singleton(renderer, container.settings, container.blob_store, http.job_reads)
    )
    container.run_job_task.override(
        providers.Singleton(
            lambda uow, clock, plan, render: CuedWorker(RunJobTask(uow, clock, plan, render), uow),
            container.uow_factory,
            container.clock,
            container.plan_storyboard,
            container.render_video,
        )
    )
    return container, http


@attrs.define
class Staged:
    """The cued app and one tenant with a client."""

    client: AsyncTestClient[Litestar]
    container: Container
    headers: dict[str, str]
    client_id: str
    jobs: list[str] = attrs.field(factory=list)

    def body(self, product: str, duration: float = 5) -> dict[str, Any]:
        """A brief cued by ``product`` (a 5 s video by default: a render takes about a second)."""
        return {
            "context": {"clientId": self.client_id},
            "adBasics": {
                "product": product,
                "targetAudience": "Runners",
                "keyMessage": "Light and fast",
                "callToAction": "Buy Now",
            },
            "creative": {"direction": {"style": "Bright"}, "videoSpecs": {"duration": duration}},
        }

    async def create(self, product: str = "Shoe", **headers: str) -> dict[str, Any]:
        """POST /jobs; returns the job."""
        response = await self.client.post(
            "/api/v3/jobs", json=self.body(product), headers={**self.headers, **headers}
        )
        assert response.status_code in (201, 202), response.text
        job: dict[str, Any] = response.json()["data"]
        self.jobs.append(job["id"])
        return job

    async def job(self, job_id: str) -> dict[str, Any]:
        """GET /jobs/{id}."""
        response = await self.client.get(f"/api/v3/jobs/{job_id}", headers=self.headers)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    async def wait(self, job_id: str, *statuses: str) -> dict[str, Any]:
        """The job once it is in one of ``statuses`` (fails after about 2 minutes: a liveness
        bound for a loaded machine, not a timing assertion)."""
        for _ in range(2400):
            job = await self.job(job_id)
            if job["status"] in statuses:
                return job
            await asyncio.sleep(0.05)
        raise AssertionError(f"job {job_id} stayed {job['status']}, wanted {statuses}")

    async def act(self, job_id: str, action: str, **fields: Any) -> Any:
        """POST /jobs/{id}/actions; returns the response."""
        return await self.client.post(
            f"/api/v3/jobs/{job_id}/actions", json={"action": action, **fields}, headers=self.headers
        )

    async def cancel_leftovers(self) -> None:
        """Cancel every job of this tenant that is not finished, so no held work outlives a test."""
        for job_id in self.jobs:
            if (await self.job(job_id))["status"] not in ("completed", "failed", "cancelled"):
                await self.act(job_id, "cancel")
        self.jobs.clear()


async def staged_app(database_url: str, data_dir: Path) -> AsyncIterator[Staged]:
    """The cued app with a fresh tenant and client (an async generator for a fixture)."""
    built: list[DeferredRenderer] = []
    container, http = cued_container(database_url, data_dir, built)
    async with AsyncTestClient(create_app(container, http)) as client:
        api = Api(client, container, {}, {})
        headers = await api.new_tenant("staged")
        created = await api.create_client(headers)
        staged = Staged(client, container, headers, created["id"])
        yield staged
        await staged.cancel_leftovers()
    for real in built:
        real.close()
