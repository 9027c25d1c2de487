"""``/api/v3/jobs``: create (202 + background planning), dry run, read, actions, events, video."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, head, post
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import ServerSentEvent

from adapters.audio.captions import webvtt_text
from entrypoints.http.asset_dto import AssetLinks, AssetOut
from entrypoints.http.auth import owner_id
from entrypoints.http.di import Inject
from entrypoints.http.envelope import Envelope, ok, ok_page
from entrypoints.http.headers import IdempotencyKey, LastEventId, Prefer
from entrypoints.http.job_dto import (
    ActionBody,
    EstimateOut,
    JobCreate,
    JobEventOut,
    JobOut,
    ProgressOut,
    SceneOut,
    SceneRegenerated,
)
from entrypoints.http.job_reads import JobReads
from entrypoints.http.pagination import either
from entrypoints.http.streaming import serve_blob
from v3core.errors import NotFound
from v3core.lifecycle import parse_status
from v3core.model import Job, JobStatus
from v3core.ports.blobs import BlobStore
from v3core.ports.storage import PageRequest
from v3core.services.assets.queries import GetAsset
from v3core.services.jobs import (
    ApplyJobAction,
    CreateJob,
    CreateJobCommand,
    EstimateJobCost,
    JobActionCommand,
    JobFilters,
    JobView,
    ListJobAssets,
)
from v3core.voiceover import storyboard_captions

AnyRequest = Request[Any, Any, Any]
MAX_WAIT_SECONDS = 60.0
POLL_SECONDS = 0.05
EVENT_POLL_SECONDS = 0.25
_PREFER_WAIT = re.compile(r"(?:^|[,;\s])wait\s*=\s*(\d+(?:\.\d+)?)", re.IGNORECASE)
_PLANNING = (JobStatus.PENDING, JobStatus.STORYBOARD_PROCESSING)


def prefer_wait(header: str | None) -> float:
    """Seconds asked for by ``Prefer: wait=N`` (0 without it; at most 60)."""
    match = _PREFER_WAIT.search(header or "")
    return min(float(match.group(1)), MAX_WAIT_SECONDS) if match else 0.0


async def wait_for_storyboard(reads: JobReads, owner: str, job_id: str, seconds: float) -> JobView | None:
    """The job once planning is over, or ``None`` if it still plans after ``seconds``."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        view = await reads.view(owner, job_id)
        if view.job.status not in _PLANNING:
            return view
        if asyncio.get_running_loop().time() >= deadline:
            return None
        await asyncio.sleep(POLL_SECONDS)


def _event(job: Job, reads: JobReads) -> JobEventOut:
    p = job.progress
    return JobEventOut(
        job_id=job.id,
        status=job.status.value,
        progress=ProgressOut(p.stage, p.percent, p.message, p.current_step, p.total_steps),
        error=job.error.message if job.error else None,
        error_code=job.error.code if job.error else None,
        video_url=reads.video_url(job),
        version=job.version,
        updated_at=job.updated_at,
    )


class JobController(Controller):
    """Jobs of the authenticated user."""

    path = "/jobs"
    tags = ["jobs"]

    @post(
        "/dry-run",
        operation_id="estimateJobCost",
        summary="Estimate a job's cost without creating it",
        status_code=200,
    )
    async def dry_run(
        self, request: AnyRequest, data: JSONBody[JobCreate], estimate_job_cost: Inject[EstimateJobCost]
    ) -> Response[Envelope[EstimateOut]]:
        return ok(request, EstimateOut.of(estimate_job_cost.execute(data.raw())))

    @post(
        operation_id="createJob",
        summary="Create a job from a brief (202; `Prefer: wait=N` waits for the storyboard)",
        status_code=202,
        responses={
            200: ResponseSpec(Envelope[JobOut], description="Idempotency-Key replay: the job made before"),
            201: ResponseSpec(Envelope[JobOut], description="Storyboard ready within `Prefer: wait=N`"),
        },
    )
    async def create_job(
        self,
        request: AnyRequest,
        data: JSONBody[JobCreate],
        create_job: Inject[CreateJob],
        job_reads: Inject[JobReads],
        idempotency_key: IdempotencyKey = None,
        prefer: Prefer = None,
    ) -> Response[Envelope[JobOut]]:
        owner = owner_id(request)
        key = idempotency_key.strip() if idempotency_key else None
        view = await create_job.execute(CreateJobCommand(owner, data.raw(), key or None))
        headers = {"Location": f"/api/v3/jobs/{view.job.id}"}
        if not view.created:
            headers["Idempotent-Replayed"] = "true"
        status = 202 if view.created else 200
        wait = prefer_wait(prefer)
        if wait > 0:
            waited = await wait_for_storyboard(job_reads, owner, view.job.id, wait)
            if waited is not None:
                view, status = waited, 201
                headers["Preference-Applied"] = f"wait={wait:g}"
        response = ok(request, job_reads.out(view.job, view.scenes), status)
        response.headers.update(headers)
        return response

    @get(operation_id="listJobs", summary="List jobs")
    async def list_jobs(
        self,
        request: AnyRequest,
        page: Inject[PageRequest],
        job_reads: Inject[JobReads],
        client_id: Annotated[
            str | None, QueryParameter(name="clientId", description="Only this client's")
        ] = None,
        client_id_snake: Annotated[str | None, QueryParameter(name="client_id", description="Alias")] = None,
        campaign_id: Annotated[
            str | None, QueryParameter(name="campaignId", description="Only this campaign's")
        ] = None,
        campaign_id_snake: Annotated[
            str | None, QueryParameter(name="campaign_id", description="Alias")
        ] = None,
        status: Annotated[
            str | None,
            QueryParameter(
                description="Only in this status (also the older names storyboard_review, "
                "in_progress, rendering)",
                examples=[Example(value=s.value) for s in JobStatus],
            ),
        ] = None,
    ) -> Response[Envelope[list[JobOut]]]:
        filters = JobFilters(
            client_id=either(client_id, client_id_snake, "clientId"),
            campaign_id=either(campaign_id, campaign_id_snake, "campaignId"),
            status=parse_status(status).value if status else None,
        )
        found = await job_reads.list_jobs.execute(owner_id(request), page, filters)
        items = [job_reads.out(j) for j in found.items]
        return ok_page(request, items, found.total, page)

    @get("/{job_id:str}", operation_id="getJob", summary="Get a job with its scenes")
    async def get_job(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        job_reads: Inject[JobReads],
    ) -> Response[Envelope[JobOut]]:
        view = await job_reads.view(owner_id(request), job_id)
        return ok(request, job_reads.out(view.job, view.scenes))

    @post(
        "/{job_id:str}/actions",
        operation_id="applyJobAction",
        summary="Approve, reject, regenerate, cancel, retry",
        description="Answers the updated job, except `regenerate_scene`: `{jobId, scene}`.",
        status_code=200,
    )
    async def apply_action(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        data: JSONBody[ActionBody],
        apply_job_action: Inject[ApplyJobAction],
        job_reads: Inject[JobReads],
    ) -> Response[Envelope[JobOut | SceneRegenerated]]:
        command = JobActionCommand(owner_id(request), job_id, data.action, data.fields())
        result = await apply_job_action.execute(command)
        if result.scene is not None:
            return ok(request, SceneRegenerated(job_id, SceneOut.of(result.scene, job_reads.base_url)))
        return ok(request, job_reads.out(result.view.job, result.view.scenes))

    @get(
        "/{job_id:str}/assets",
        operation_id="listJobAssets",
        summary="The assets a job made: imports, generated frames and clips (with their scene "
        "number, provider, model and prompt hash), the rendered video",
    )
    async def job_assets(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        list_job_assets: Inject[ListJobAssets],
        asset_links: Inject[AssetLinks],
    ) -> Response[Envelope[list[AssetOut]]]:
        found = await list_job_assets.execute(owner_id(request), job_id)
        items = [AssetOut.of(a, asset_links) for a in found]
        return ok_page(request, items, len(items), PageRequest(limit=max(1, len(items)), offset=0))

    @get(
        "/{job_id:str}/events",
        operation_id="streamJobEvents",
        summary="Server-Sent Events of status and progress",
    )
    async def events(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        job_reads: Inject[JobReads],
        last_event_id: LastEventId = None,
    ) -> ServerSentEvent:
        owner = owner_id(request)
        first = await job_reads.view(owner, job_id)
        seen = int(last_event_id) if last_event_id and last_event_id.strip().isdigit() else None
        return ServerSentEvent(_job_events(job_reads, owner, first.job, seen))

    @get(
        "/{job_id:str}/video",
        operation_id="getJobVideo",
        summary="The rendered MP4 (Range, ETag)",
        media_type="video/mp4",
    )
    async def video(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        job_reads: Inject[JobReads],
        get_asset: Inject[GetAsset],
        blob_store: Inject[BlobStore],
    ) -> Response[Any]:
        return await _serve_video(request, job_id, job_reads, get_asset, blob_store)

    @get(
        "/{job_id:str}/captions.vtt",
        operation_id="getJobCaptions",
        summary="The scripts timed to the voice, as WebVTT (once the video is rendered)",
        description="One cue per scene script (a long script is split into cues of at most 12 "
        "words). A spoken scene's cues run from its voice's start to its end (the scene's "
        "`voiceover`); a silent scene's span the scene. Every cue stays inside its scene's time "
        "span, and the same cues are burned into the video. Cue text is escaped. 404 until the "
        "job has a rendered video (`videoAssetId`), and for another tenant's job.",
        media_type="text/vtt",
    )
    async def captions_vtt(
        self, request: AnyRequest, job_id: FromPath[str], job_reads: Inject[JobReads]
    ) -> Response[str]:
        view = await job_reads.view(owner_id(request), job_id)
        if view.job.video_asset_id is None:
            raise NotFound("captions of job", job_id)
        return Response(webvtt_text(storyboard_captions(view.scenes)), media_type="text/vtt")

    @head(
        "/{job_id:str}/video",
        operation_id="headJobVideo",
        summary="The headers GET /video would answer (size, type, ETag, ranges), without the body",
        media_type="video/mp4",
    )
    async def head_video(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        job_reads: Inject[JobReads],
        get_asset: Inject[GetAsset],
        blob_store: Inject[BlobStore],
    ) -> Response[None]:
        response: Response[None] = await _serve_video(request, job_id, job_reads, get_asset, blob_store)
        return response


async def _serve_video(
    request: AnyRequest, job_id: str, job_reads: JobReads, get_asset: GetAsset, blob_store: BlobStore
) -> Response[Any]:
    owner = owner_id(request)
    job = (await job_reads.view(owner, job_id)).job
    if job.video_asset_id is None:
        raise NotFound("video of job", job_id)
    return await serve_blob(request, blob_store, await get_asset.data(owner, job.video_asset_id))


async def _job_events(
    reads: JobReads, owner: str, job: Job, last_event_id: int | None = None
) -> AsyncIterator[dict[str, str]]:
    """One event per observed change of status/progress; ends after a terminal state. Versions up
    to ``last_event_id`` (the client's ``Last-Event-ID``) were seen already and are not sent again."""
    last: tuple[int, str, Any] | None = None
    while True:
        seen = (job.version, job.status.value, job.progress)
        if seen != last and (last_event_id is None or job.version > last_event_id):
            last = seen
            yield {
                "event": "job",
                "id": str(job.version),
                "data": msgspec.json.encode(_event(job, reads)).decode(),
            }
        if job.status.is_terminal:
            return
        await asyncio.sleep(EVENT_POLL_SECONDS)
        try:
            job = (await reads.view(owner, job.id)).job
        except NotFound:
            return
