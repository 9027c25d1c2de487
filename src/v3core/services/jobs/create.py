"""Creating jobs and estimating their cost."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import attrs

from v3core.brief import Brief, UrlCheck, brief_to_dict, parse_brief
from v3core.costs import CostEstimate, PriceTable, estimate
from v3core.errors import Conflict, NotFound, ValidationFailed
from v3core.media.budget import max_cost
from v3core.model import Job, JobCost, JobStatus, Scene
from v3core.ports.storage import UnitOfWork, UnitOfWorkFactory
from v3core.ports.system import Clock, IdGenerator
from v3core.ports.tasks import TaskKind, TaskRunner
from v3core.services.jobs.common import PROGRESS_BY_STATUS, direct_asset_ids
from v3core.storyboard import PlanningRules


@attrs.frozen
class CreateJobCommand:
    """A raw camelCase brief from ``owner_id``, optionally with an idempotency key."""

    owner_id: str
    body: Mapping[str, Any]
    idempotency_key: str | None = None


@attrs.frozen
class JobView:
    """A job with its scenes (ordered); ``created`` is False for an idempotent replay."""

    job: Job
    scenes: tuple[Scene, ...] = ()
    created: bool = True


def brief_fingerprint(brief: Brief) -> str:
    """A stable hash of the normalised brief, to tell an idempotent retry from a new request."""
    canonical = json.dumps(brief_to_dict(brief), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@attrs.frozen
class EstimateJobCost:
    """The dry run: what a brief would cost, without creating anything."""

    rules: PlanningRules
    prices: PriceTable
    clock: Clock
    url_check: UrlCheck | None = None
    """The fetcher's host rule without the network (``ImportTargetCheck``); ``None``: none."""

    def execute(self, body: Mapping[str, Any]) -> CostEstimate:
        """Validate the brief like ``CreateJob`` does and price it (deterministic)."""
        brief = parse_brief(body, self.url_check)
        max_cost(brief)
        return estimate(brief, self.rules, self.prices, self.clock.now())


@attrs.frozen
class CreateJob:
    """Accepts a brief: validates references, records a pending job, queues planning."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    tasks: TaskRunner
    rules: PlanningRules
    prices: PriceTable
    url_check: UrlCheck | None = None
    """The fetcher's host rule without the network (``ImportTargetCheck``): a brief asset URL
    it refuses is a 422 at creation, not a failed import later. ``None``: no such check."""

    async def execute(self, command: CreateJobCommand) -> JobView:
        """The new job (or, for a replayed idempotency key, the job it created before)."""
        brief = parse_brief(command.body, self.url_check)
        max_cost(brief)
        fingerprint = brief_fingerprint(brief)
        try:
            async with self.uow() as uow:
                replayed = await self._previous(uow, command, fingerprint)
                if replayed is not None:
                    return replayed
                asset_ids = await self._check_references(uow, command.owner_id, brief)
                job = self._new_job(command, brief, fingerprint, asset_ids)
                await uow.jobs.add(job)
                await uow.commit()
        except Conflict:
            # A concurrent request with the same Idempotency-Key won the insert: answer with its job.
            if not command.idempotency_key:
                raise
            async with self.uow() as uow:
                replayed = await self._previous(uow, command, fingerprint)
            if replayed is None:
                raise
            return replayed
        await self.tasks.submit(TaskKind.PLAN_STORYBOARD, job.id)
        return JobView(job=job)

    async def _previous(self, uow: UnitOfWork, command: CreateJobCommand, fingerprint: str) -> JobView | None:
        if not command.idempotency_key:
            return None
        previous = await uow.jobs.find_by_idempotency_key(command.owner_id, command.idempotency_key)
        return None if previous is None else await self._replay(uow, previous, fingerprint)

    async def _replay(self, uow: UnitOfWork, job: Job, fingerprint: str) -> JobView:
        if job.request_hash != fingerprint:
            raise Conflict("this Idempotency-Key was already used with a different request body")
        scenes = tuple(await uow.scenes.list_for_job(job.id))
        return JobView(job=job, scenes=scenes, created=False)

    async def _check_references(self, uow: UnitOfWork, owner_id: str, brief: Brief) -> tuple[str, ...]:
        client = await uow.clients.get(owner_id, brief.context.client_id)
        if client is None:
            raise NotFound("client", brief.context.client_id, field="context.clientId")
        campaign_id = brief.context.campaign_id
        if campaign_id is not None:
            campaign = await uow.campaigns.get(owner_id, campaign_id)
            if campaign is None:
                raise NotFound("campaign", campaign_id, field="context.campaignId")
            if campaign.client_id != client.id:
                raise ValidationFailed.at(
                    ("context", "campaignId"), f"campaign {campaign_id!r} belongs to another client"
                )
        wanted = [(i, a.asset_id) for i, a in enumerate(brief.creative.assets) if a.asset_id]
        # locked: a concurrent delete of one of them waits for this job, then sees it (409)
        found = {a.id for a in await uow.assets.get_many(owner_id, [aid for _, aid in wanted], lock=True)}
        for index, asset_id in wanted:
            if asset_id not in found:
                raise NotFound("asset", asset_id, field=f"creative.assets[{index}].assetId")
        return direct_asset_ids(brief)

    def _new_job(
        self, command: CreateJobCommand, brief: Brief, fingerprint: str, asset_ids: tuple[str, ...]
    ) -> Job:
        now = self.clock.now()
        quote = estimate(brief, self.rules, self.prices, now)
        return Job(
            id=self.ids.new_id(),
            owner_id=command.owner_id,
            client_id=brief.context.client_id,
            campaign_id=brief.context.campaign_id,
            brief=brief,
            created_at=now,
            updated_at=now,
            asset_ids=asset_ids,
            progress=PROGRESS_BY_STATUS[JobStatus.PENDING],
            cost=JobCost(estimated=quote.estimated_cost, currency=quote.currency),
            idempotency_key=command.idempotency_key,
            request_hash=fingerprint,
        )
