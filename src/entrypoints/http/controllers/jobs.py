"""``/api/v3/jobs``: create (202 + background planning), dry run, read, actions, events, video."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, head, post
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage

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
    SceneOut,
    SceneRegenerated,
)
from entrypoints.http.job_reads import JobReads
from entrypoints.http.pagination import either
from entrypoints.http.streaming import serve_blob
from v3core.errors import NotFound
from v3core.lifecycle import parse_status
from v3core.model import JobStatus
from v3core.ports.blobs import BlobStore
from v3core.ports.storage import PageRequest
from v3core.services.assets.queries import GetAsset
from v3core.services.jobs import (
    ApplyJobAction,
    CreateJob,
    CreateJobCommand,
    EstimateJobCost,
    FollowJobEvents,
    JobActionCommand,
    JobFilters,
    JobHistory,
    ListJobAssets,
    WaitForStoryboard,
)
from v3core.voiceover import storyboard_captions

AnyRequest = Request[Any, Any, Any]
MAX_WAIT_SECONDS = 60.0
_PREFER_WAIT = re.compile(r"(?:^|[,;\s])wait\s*=\s*(\d+(?:\.\d+)?)", re.IGNORECASE)
MAX_SEQ = 2**31 - 1
"""The largest sequence number a log holds (a 32-bit column); a larger ``Last-Event-ID`` means
"after everything"."""
_SEQ = re.compile(r"\s*(\d{1,18})\s*")


def prefer_wait(header: str | None) -> float:
    """Seconds asked for by ``Prefer: wait=N`` (0 without it; at most 60)."""
    match = _PREFER_WAIT.search(header or "")
    return min(float(match.group(1)), MAX_WAIT_SECONDS) if match else 0.0


def last_seen(last_event_id: str | None) -> int:
    """The sequence number a reconnecting client saw last (``Last-Event-ID``; 0 when absent or
    not a number, so the stream starts from the first event)."""
    match = _SEQ.fullmatch(last_event_id or "")
    return min(int(match.group(1)), MAX_SEQ) if match else 0


async def _sse(events: AsyncIterator[Any], base_url: str) -> AsyncIterator[ServerSentEventMessage]:
    """The event log as SSE messages: ``id`` the sequence number, ``event`` the type; a comment
    line for each keep-alive tick."""
    async for event in events:
        if event is None:
            yield ServerSentEventMessage(comment="keep-alive", data=None)  # no empty event
            continue
        body = msgspec.json.encode(JobEventOut.of(event, base_url)).decode()
        yield ServerSentEventMessage(data=body, event=event.type, id=str(event.seq))


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
        wait_for_storyboard: Inject[WaitForStoryboard],
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
            waited = await wait_for_storyboard.execute(owner, view.job.id, wait)
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
        summary="Server-Sent Events: every event of the job's log, in order, live",
        description="Each SSE event carries `id` = the event's sequence number, `event` = its type "
        "and `data` = the event as `GET /jobs/{id}/history` lists it. The stream sends every event "
        "from the first (or from after `Last-Event-ID`, to resume without gaps or repeats), then "
        "each new one as it is committed, and ends after a terminal event (job.completed, "
        "job.failed, job.cancelled). An idle stream gets a `: keep-alive` comment line every "
        "15 seconds.",
        media_type="text/event-stream",
    )
    async def events(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        follow_job_events: Inject[FollowJobEvents],
        job_reads: Inject[JobReads],
        last_event_id: LastEventId = None,
    ) -> ServerSentEvent:
        owner = owner_id(request)
        await follow_job_events.check(owner, job_id)
        events = follow_job_events.follow(owner, job_id, last_seen(last_event_id))
        return ServerSentEvent(_sse(events, job_reads.base_url), headers={"Cache-Control": "no-cache"})

    @get(
        "/{job_id:str}/history",
        operation_id="listJobEvents",
        summary="The job's event log as JSON, oldest first (paged)",
        description="The same events `GET /jobs/{id}/events` streams, numbered by `seq` from 1.",
    )
    async def history(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        page: Inject[PageRequest],
        job_history: Inject[JobHistory],
        job_reads: Inject[JobReads],
    ) -> Response[Envelope[list[JobEventOut]]]:
        found = await job_history.execute(owner_id(request), job_id, page)
        items = [JobEventOut.of(e, job_reads.base_url) for e in found.items]
        return ok_page(request, items, found.total, page)

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
        return Response(await _captions(request, job_id, job_reads), media_type="text/vtt")

    @head(
        "/{job_id:str}/captions.vtt",
        operation_id="headJobCaptions",
        summary="The headers GET /captions.vtt would answer (size, type), without the body",
        media_type="text/vtt",
    )
    async def head_captions_vtt(
        self, request: AnyRequest, job_id: FromPath[str], job_reads: Inject[JobReads]
    ) -> Response[None]:
        size = len((await _captions(request, job_id, job_reads)).encode())
        response: Response[None] = Response(
            content=None, media_type="text/vtt", headers={"Content-Length": str(size)}
        )
        return response

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


async def _captions(request: AnyRequest, job_id: str, job_reads: JobReads) -> str:
    view = await job_reads.view(owner_id(request), job_id)
    if view.job.video_asset_id is None:
        raise NotFound("captions of job", job_id)
    return webvtt_text(storyboard_captions(view.scenes))


async def _serve_video(
    request: AnyRequest, job_id: str, job_reads: JobReads, get_asset: GetAsset, blob_store: BlobStore
) -> Response[Any]:
    owner = owner_id(request)
    job = (await job_reads.view(owner, job_id)).job
    if job.video_asset_id is None:
        raise NotFound("video of job", job_id)
    return await serve_blob(request, blob_store, await get_asset.data(owner, job.video_asset_id))
