"""The job use cases wired for tests: the adapters under test plus fakes for the rest.

``WorkflowKit`` is what an adapter author supplies (a unit-of-work factory and a planner, and
optionally the rules, prices and URL importer); ``WorkflowServices`` wires every job use case
to it, with a stepping clock, sequential ids, a task runner the test drives and a renderer
and video archive that need no encoder.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import attrs

from v3core.costs import PriceTable
from v3core.model import Asset, AssetType, Client, Job, User
from v3core.ports.planner import ScenePlanner
from v3core.ports.storage import UnitOfWorkFactory
from v3core.services.jobs import (
    ApplyJobAction,
    CreateJob,
    DeleteScene,
    EditScene,
    PlanStoryboard,
    RegenerateScene,
    RenderVideo,
    RunJobTask,
)
from v3core.services.jobs.ports import UrlAssetImporter
from v3core.storyboard import PlanningRules
from v3core.testing.fakes import (
    FakeRenderer,
    FakeVideoArchive,
    FlakyPlanner,
    RecordingTaskRunner,
    SequentialIds,
    SteppingClock,
    StoringUrlImporter,
)


@attrs.frozen
class WorkflowKit:
    """The adapters under test."""

    uow: UnitOfWorkFactory
    planner: ScenePlanner
    rules: PlanningRules = PlanningRules()
    prices: PriceTable = PriceTable()
    importer: UrlAssetImporter | None = None
    """URL imports of briefs; by default ``StoringUrlImporter`` (succeeds, no network)."""
    close: Callable[[], Awaitable[None]] | None = None
    """Called on the machine's loop when a run ends (close the storage the kit opened)."""


class WorkflowServices:
    """The job use cases wired with ``kit`` and fakes for time, ids, tasks and rendering.

    ``planner`` wraps the kit's planner so a test can make the next plan fail
    (``planner.fail_next``); ``renderer.fail_with`` does the same for renders.
    """

    def __init__(self, kit: WorkflowKit) -> None:
        self.kit = kit
        self.clock = SteppingClock()
        self.ids = SequentialIds()
        self.tasks = RecordingTaskRunner()
        self.renderer = FakeRenderer()
        self.planner = FlakyPlanner(kit.planner)
        self.archive = FakeVideoArchive(self.ids, self.clock)
        self.importer: UrlAssetImporter = kit.importer or StoringUrlImporter(kit.uow, self.clock, self.ids)
        self.create = CreateJob(kit.uow, self.clock, self.ids, self.tasks, kit.rules, kit.prices)
        self.regenerate = RegenerateScene(kit.uow, self.clock, self.planner, kit.rules, kit.prices)
        self.act = ApplyJobAction(kit.uow, self.clock, self.tasks, self.regenerate)
        self.edit = EditScene(kit.uow, self.clock)
        self.delete = DeleteScene(kit.uow, self.clock)
        plan = PlanStoryboard(
            kit.uow, self.clock, self.ids, self.planner, self.importer, kit.rules, kit.prices
        )
        render = RenderVideo(kit.uow, self.clock, self.renderer, self.archive, kit.prices)
        self.tasks.handler = RunJobTask(kit.uow, self.clock, plan, render).execute

    async def seed_owner(self) -> tuple[str, str]:
        """A user and one of its clients; returns (owner_id, client_id)."""
        now = self.clock.now()
        owner = User(id=self.ids.new_id(), email=f"{self.ids.new_id()}@example.test", created_at=now)
        client = Client(id=self.ids.new_id(), owner_id=owner.id, name="Acme", created_at=now, updated_at=now)
        async with self.kit.uow() as uow:
            await uow.users.add(owner)
            await uow.clients.add(client)
            await uow.commit()
        return owner.id, client.id

    async def seed_asset(self, owner_id: str, client_id: str, kind: AssetType, name: str) -> Asset:
        """An asset record of the owner's library (as an upload would leave it, without bytes)."""
        now = self.clock.now()
        fmt, content_type = {AssetType.VIDEO: ("mp4", "video/mp4")}.get(kind, ("png", "image/png"))
        asset = Asset(
            id=self.ids.new_id(),
            owner_id=owner_id,
            name=name,
            type=kind,
            format=fmt,
            content_type=content_type,
            size=1,
            checksum="0" * 64,
            blob_id="0" * 64,
            created_at=now,
            updated_at=now,
            client_id=client_id,
        )
        async with self.kit.uow() as uow:
            await uow.assets.add(asset)
            await uow.commit()
        return asset

    async def job(self, owner_id: str, job_id: str) -> Job:
        """The stored job."""
        async with self.kit.uow() as uow:
            job = await uow.jobs.get(owner_id, job_id)
        assert job is not None
        return job
