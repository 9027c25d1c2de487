"""Wiring of the job pipeline: which planner, renderer and task runner the settings choose."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TypeAlias

from adapters.planners.template import TemplateScenePlanner
from adapters.rendering.deferred import DeferredRenderer
from adapters.rendering.files import sweep_stale
from adapters.tasks.idle import SubmitWhenIdle
from adapters.tasks.inprocess import InProcessTaskRunner
from entrypoints import media as media_wiring
from entrypoints import sound as sound_wiring
from entrypoints import webhooks as webhook_wiring
from entrypoints.settings import AiProvider, Settings, TaskRunnerKind
from v3core.costs import PriceTable
from v3core.ports.blobs import BlobStore
from v3core.ports.planner import ScenePlanner
from v3core.ports.storage import UnitOfWorkFactory
from v3core.ports.tasks import TaskKind
from v3core.services.jobs import ResumeUnfinishedJobs, RunJobTask
from v3core.services.webhooks import DeliverWebhook
from v3core.storyboard import PlanningRules

WATCHDOG_SECONDS = 60.0
"""How often the embedded runner looks for unfinished jobs that have no task."""

STALE_RENDER_SECONDS = 3600.0
"""Scratch files of renders untouched this long belong to a process that died."""

if TYPE_CHECKING:  # procrastinate is imported only when TASK_RUNNER chooses it
    from adapters.rendering.animatic import AnimaticRenderer
    from adapters.tasks.procrastinate_runner import ProcrastinateTaskRunner

DEFAULT_MODELS = {AiProvider.OPENAI: "gpt-4o-mini", AiProvider.ANTHROPIC: "claude-sonnet-4-5"}


def make_planner(settings: Settings) -> ScenePlanner:
    """The planner ``AI_PROVIDER`` names; the AI ones need ``AI_API_KEY``."""
    if settings.ai_provider == AiProvider.TEMPLATE:
        return TemplateScenePlanner()
    if settings.ai_api_key is None:
        raise ValueError(f"AI_PROVIDER={settings.ai_provider.value} needs AI_API_KEY")
    options = {
        "api_key": settings.ai_api_key.get_secret_value(),
        "model": settings.ai_model or DEFAULT_MODELS[settings.ai_provider],
        "base_url": settings.ai_base_url,
        "timeout_seconds": settings.ai_timeout_seconds,
        "max_retries": settings.ai_max_retries,
    }
    # The SDKs are imported only when chosen: importing both costs seconds of start-up.
    if settings.ai_provider == AiProvider.OPENAI:
        from adapters.planners.openai_planner import OpenAIScenePlanner

        return OpenAIScenePlanner(**options)  # type: ignore[arg-type]
    from adapters.planners.anthropic_planner import AnthropicScenePlanner

    return AnthropicScenePlanner(**options)  # type: ignore[arg-type]


async def close_planner(planner: object) -> None:
    """Close an SDK client's connection pool (app shutdown); also used for the generators."""
    aclose = getattr(planner, "aclose", None)
    if aclose is not None:
        await aclose()


def make_rules(settings: Settings) -> PlanningRules:
    """``SCENES_PER_VIDEO_MIN``..``MAX``."""
    return PlanningRules(settings.scenes_per_video_min, settings.scenes_per_video_max)


def make_prices(settings: Settings) -> PriceTable:
    """The price table (defaults; the planning model named for token prices; the configured
    generation providers' image and per-second video prices and the clip lengths the video
    model bills, the sound providers' speech (per 1 000 characters) and music (per second)
    prices; 0 for ``local``)."""
    model = "template" if settings.ai_provider == AiProvider.TEMPLATE else None
    return PriceTable(
        planning_model=model or settings.ai_model or DEFAULT_MODELS[settings.ai_provider],
        image_per_frame=media_wiring.image_price(settings),
        video_per_second=media_wiring.video_price_per_second(settings),
        video_clip_lengths=media_wiring.video_clip_lengths(settings),
        speech_per_1k_chars=sound_wiring.speech_price_per_1k_chars(settings),
        music_per_second=sound_wiring.music_price_per_second(settings),
    )


def make_renderer(settings: Settings, blobs: BlobStore) -> DeferredRenderer:
    """The local animatic renderer, working under ``DATA_DIR/render`` (stale scratch files are
    swept now). It is built on the first render: numpy, PyAV and Pillow stay off start-up."""
    work_dir = settings.data_dir / "render"
    work_dir.mkdir(parents=True, exist_ok=True)
    sweep_stale(work_dir, older_than_seconds=STALE_RENDER_SECONDS, now=time.time())

    def animatic() -> AnimaticRenderer:
        from adapters.rendering.animatic import AnimaticRenderer

        return AnimaticRenderer(blobs, work_dir)

    return DeferredRenderer(animatic)


AnyTaskRunner: TypeAlias = "InProcessTaskRunner | ProcrastinateTaskRunner"


def make_task_runner(settings: Settings) -> AnyTaskRunner:
    """``TASK_RUNNER``: in-process (planning bounded by ``WORKER_CONCURRENCY``, one render at a
    time; on PostgreSQL, job leases let several ``v3 serve`` processes share the work) or
    procrastinate queues in the PostgreSQL database, worked by ``v3 worker``. Queue workers claim
    the same leases, so a serving process left on the in-process runner next to them never runs
    a step they run (decision 0116)."""
    leases = None
    if settings.is_postgresql:
        from adapters.tasks.pg_leases import PostgresJobLeases

        leases = PostgresJobLeases(settings.database_url)
    if settings.task_runner == TaskRunnerKind.PROCRASTINATE:
        from adapters.tasks.procrastinate_runner import ProcrastinateTaskRunner

        return ProcrastinateTaskRunner(settings.database_url, leases=leases)
    limits = {
        TaskKind.PLAN_STORYBOARD: settings.worker_concurrency,
        TaskKind.RENDER_VIDEO: 1,
        TaskKind.DELIVER_WEBHOOK: settings.webhook_concurrency,
    }
    return InProcessTaskRunner(limits, leases=leases)


def bind_worker(
    runner: AnyTaskRunner, worker: RunJobTask, uow: UnitOfWorkFactory, deliver: DeliverWebhook
) -> AnyTaskRunner:
    """Close the loop runner → worker → use cases → runner (the use cases submit follow-up work);
    webhook delivery attempts go to ``deliver`` (``entrypoints.webhooks.route_tasks``).

    The queue engine also gets its periodic resubmission scan: unfinished jobs with no
    queued or running task (``ResumeUnfinishedJobs`` through ``when_idle()``)."""
    runner.bind(webhook_wiring.route_tasks(worker, deliver, runner))
    if not isinstance(runner, InProcessTaskRunner):
        runner.bind_reconcile(ResumeUnfinishedJobs(uow, runner.when_idle()).execute)
    return runner


async def start_background_work(runner: AnyTaskRunner, resume: ResumeUnfinishedJobs) -> None:
    """At ``v3 serve`` start. In-process: resubmit what is unfinished, then every minute anything
    unfinished without a task here (on PostgreSQL, job leases make each step run in one of
    several serving processes; SQLite is served by one process).
    Queue engine: open the queue; ``v3 worker`` does recovery."""
    if not isinstance(runner, InProcessTaskRunner):
        await runner.open()
        return
    await resume.execute()
    runner.watch(ResumeUnfinishedJobs(resume.uow, SubmitWhenIdle(runner)).execute, every=WATCHDOG_SECONDS)
