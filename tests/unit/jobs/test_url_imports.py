"""A brief's URL assets: imported before planning, once each, with their role hints kept."""

from __future__ import annotations

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.planners.template import TemplateScenePlanner
from v3core.errors import UpstreamError
from v3core.model import Asset, AssetType, JobStatus
from v3core.services.jobs import CreateJobCommand, JobActionCommand, UrlAssetImporter, UrlImport
from v3core.testing.fakes import ScriptedPlanner
from v3core.testing.workflow import WorkflowKit, WorkflowServices

from .conftest import SEED_BODY


class RedirectingImporter(UrlAssetImporter):
    """Stores an image per URL, recording the final URL after a redirect; fails URLs in ``down``."""

    def __init__(self, services: list[WorkflowServices]) -> None:
        self.services = services
        self.calls: list[str] = []
        self.down: set[str] = set()

    async def import_url(self, request: UrlImport) -> Asset:
        self.calls.append(request.url)
        if request.url in self.down:
            raise UpstreamError(f"{request.url} answered HTTP 503")
        svc = self.services[0]
        now = svc.clock.now()
        asset = Asset(
            id=svc.ids.new_id(),
            owner_id=request.owner_id,
            name=request.url.rsplit("/", 1)[-1],
            type=AssetType.IMAGE,
            format="png",
            content_type="image/png",
            size=1,
            checksum="0" * 64,
            blob_id="0" * 64,
            created_at=now,
            updated_at=now,
            client_id=request.client_id,
            source_url=request.url + "?after-redirect",
            job_id=request.job_id,
        )
        async with svc.kit.uow() as uow:
            await uow.assets.add(asset)
            await uow.commit()
        return asset


async def test_imports_resume_after_a_failure_and_keep_each_role() -> None:
    holder: list[WorkflowServices] = []
    importer = RedirectingImporter(holder)
    planner = ScriptedPlanner(TemplateScenePlanner())
    kit = WorkflowKit(uow=InMemoryUnitOfWork.factory(InMemoryStore()), planner=planner, importer=importer)
    svc = WorkflowServices(kit)
    holder.append(svc)
    owner, client = await svc.seed_owner()
    logo, product = "https://cdn.example/logo.png", "https://cdn.example/shoe.png"
    body = {**SEED_BODY, "context": {"clientId": client}}
    body["creative"] = {
        **SEED_BODY["creative"],
        "assets": [
            {"url": logo, "type": "image", "role": "logo"},
            {"url": product, "type": "image", "role": "product_shot"},
        ],
    }
    importer.down.add(product)
    job_id = (await svc.create.execute(CreateJobCommand(owner, body))).job.id
    await svc.tasks.run_all()
    failed = await svc.job(owner, job_id)
    assert failed.status is JobStatus.FAILED
    assert failed.error is not None
    assert (failed.error.step, failed.error.code) == ("asset_import", "upstream_error")

    importer.down.clear()
    await svc.act.execute(JobActionCommand(owner, job_id, "retry"))
    await svc.tasks.run_all()

    assert importer.calls == [logo, product, product], "the logo is not imported twice"
    ready = await svc.job(owner, job_id)
    assert ready.status is JobStatus.STORYBOARD_READY
    roles = {a.name: a.role for a in planner.requests[-1].assets}
    assert roles == {"logo.png": "logo", "shoe.png": "product_shot"}
