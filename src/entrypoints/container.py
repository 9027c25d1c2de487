"""The composition root: one dependency-injector container built from ``Settings``.

Nothing is created at import time; ``build_container()`` makes a container, providers
build their objects on first use. Tests swap whole adapters with
``container.uow_factory.override(providers.Object(...))`` (or any other provider)
before the app is created. Every provider is reachable from Litestar handlers by
name (see ``entrypoints.http.di``). The container builds no HTTP object and never imports
``entrypoints.http`` (``entrypoints.http.objects`` holds those), so the worker and the CLI
do not load Litestar.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from dependency_injector import containers, providers

from adapters.generated_media import IngestingMediaStore
from adapters.rendering.deferred import DeferredRenderer
from adapters.security import Argon2PasswordHasher, PyJwtTokenIssuer, TokenUrlsafeSecretGenerator
from adapters.system import SystemUtcClock, Uuid4Generator
from adapters.video_archive import IngestingVideoArchive
from adapters.webhooks.signing import StandardWebhooksSigner
from entrypoints import assets as asset_wiring
from entrypoints import events as event_wiring
from entrypoints import jobs as job_wiring
from entrypoints import log_redaction
from entrypoints import media as media_wiring
from entrypoints import sound as sound_wiring
from entrypoints import webhooks as webhook_wiring
from entrypoints.settings import RATE_LIMITS_AUTO, Settings
from entrypoints.storage import Storage, open_storage
from entrypoints.teardown import Teardown, closing
from v3core.ports.events import DeliverableEvents, JobEvents
from v3core.services import accounts, campaigns, clients, jobs, webhooks
from v3core.services import assets as asset_cases
from v3core.services.jobs.library import AssetLibraryImporter

if TYPE_CHECKING:
    from adapters.login_throttle import LimitsLoginThrottle
    from adapters.sqlalchemy.login_failures import PostgresLoginThrottle


def _jwt_secret(settings: Settings) -> str:
    return settings.resolved_jwt_secret()


def _jwt_lifetime(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.jwt_lifetime_minutes)


def _login_throttle(settings: Settings, storage: Storage) -> LimitsLoginThrottle | PostgresLoginThrottle:
    """Budgets in the PostgreSQL database (shared by every process on it), else in ``limits``'
    storage (``memory://``: this process alone; ``redis://``: shared)."""
    if settings.login_budgets_in_database and storage.engine is not None:
        from adapters.sqlalchemy.login_failures import PostgresLoginThrottle  # loads on the first login

        return PostgresLoginThrottle(
            storage.engine,
            per_account=settings.login_failures_per_account,
            per_address=settings.login_failures_per_address,
        )
    from adapters.login_throttle import LimitsLoginThrottle

    return LimitsLoginThrottle(
        per_account=settings.login_failures_per_account,
        per_address=settings.login_failures_per_address,
        storage_url="memory://"
        if settings.rate_limit_storage_url == RATE_LIMITS_AUTO
        else settings.rate_limit_storage_url,
    )


def _storage(settings: Settings, wakeups: JobEvents, deliverable: DeliverableEvents) -> Storage:
    settings.ensure_database_directory()
    return open_storage(settings.database_url, wakeups, deliverable)


async def _close_storage(storage: Storage) -> None:
    await storage.close()


def _close_renderer(renderer: DeferredRenderer) -> None:
    renderer.close()


def _close_hasher(hasher: Argon2PasswordHasher) -> None:
    hasher.close()


async def _shutdown_runner(runner: job_wiring.AnyTaskRunner) -> None:
    await runner.shutdown()


class Container(containers.DeclarativeContainer):
    """Adapters, then use cases wired to them. Provider names are the names handlers ask for."""

    settings = providers.Dependency(instance_of=Settings)

    # adapters
    clock = providers.Singleton(SystemUtcClock)
    ids = providers.Singleton(Uuid4Generator)
    secrets = providers.Singleton(TokenUrlsafeSecretGenerator)
    teardown = providers.Singleton(Teardown)
    password_hasher = providers.Singleton(
        closing,
        teardown,
        providers.Factory(
            Argon2PasswordHasher,
            concurrency=providers.Callable(lambda s: s.password_hash_concurrency, settings),
        ),
        _close_hasher,
    )
    token_issuer = providers.Singleton(
        PyJwtTokenIssuer,
        secret=providers.Callable(_jwt_secret, settings),
        lifetime=providers.Callable(_jwt_lifetime, settings),
    )
    job_events = providers.Singleton(
        closing,
        teardown,
        providers.Factory(event_wiring.make_job_events, settings),
        event_wiring.close_job_events,
    )
    _late_deliverable_events = providers.Factory(webhook_wiring.LateDeliverableEvents)
    deliverable_events = providers.Singleton(
        closing, teardown, _late_deliverable_events, webhook_wiring.close_deliverable, first=True
    )
    """Told after each commit of the jobs with new webhook events (its target is set below)."""
    storage = providers.Singleton(
        closing,
        teardown,
        providers.Factory(_storage, settings, job_events, deliverable_events),
        _close_storage,
    )
    uow_factory = providers.Callable(lambda storage: storage.uow_factory, storage)
    login_throttle = providers.Singleton(_login_throttle, settings, storage)

    # accounts
    create_user = providers.Singleton(
        accounts.CreateUser, uow_factory=uow_factory, clock=clock, ids=ids, hasher=password_hasher
    )
    issue_api_key = providers.Singleton(
        accounts.IssueApiKey, uow_factory=uow_factory, clock=clock, ids=ids, secrets=secrets
    )
    revoke_api_key = providers.Singleton(accounts.RevokeApiKey, uow_factory=uow_factory, clock=clock)
    list_api_keys = providers.Singleton(accounts.ListApiKeys, uow_factory=uow_factory)
    login = providers.Singleton(
        accounts.Login,
        uow_factory=uow_factory,
        clock=clock,
        hasher=password_hasher,
        tokens=token_issuer,
        throttle=login_throttle,
    )
    authenticate = providers.Singleton(
        accounts.Authenticate,
        api_keys=providers.Singleton(accounts.AuthenticateApiKey, uow_factory=uow_factory, clock=clock),
        tokens=providers.Singleton(accounts.AuthenticateToken, tokens=token_issuer, clock=clock),
    )

    # clients
    create_client = providers.Singleton(clients.CreateClient, uow_factory=uow_factory, clock=clock, ids=ids)
    get_client = providers.Singleton(clients.GetClient, uow_factory=uow_factory)
    list_clients = providers.Singleton(clients.ListClients, uow_factory=uow_factory)
    update_client = providers.Singleton(clients.UpdateClient, uow_factory=uow_factory, clock=clock)
    get_client_stats = providers.Singleton(clients.GetClientStats, uow_factory=uow_factory)

    # campaigns
    create_campaign = providers.Singleton(
        campaigns.CreateCampaign, uow_factory=uow_factory, clock=clock, ids=ids
    )
    get_campaign = providers.Singleton(campaigns.GetCampaign, uow_factory=uow_factory)
    list_campaigns = providers.Singleton(campaigns.ListCampaigns, uow_factory=uow_factory)
    update_campaign = providers.Singleton(campaigns.UpdateCampaign, uow_factory=uow_factory, clock=clock)
    delete_campaign = providers.Singleton(campaigns.DeleteCampaign, uow_factory=uow_factory)
    get_campaign_stats = providers.Singleton(campaigns.GetCampaignStats, uow_factory=uow_factory)

    # assets (adapters chosen in entrypoints.assets)
    blob_store = providers.Singleton(asset_wiring.make_blob_store, settings, storage)
    blob_fetcher = providers.Singleton(
        closing, teardown, providers.Factory(asset_wiring.make_fetcher, settings), asset_wiring.close_fetcher
    )
    blob_guard = providers.Singleton(
        closing,
        teardown,
        providers.Factory(asset_wiring.make_blob_guard, settings, storage),
        asset_wiring.close_blob_guard,
    )
    asset_context = providers.Singleton(
        asset_wiring.make_asset_context, settings, storage, blob_store, blob_fetcher, clock, ids, blob_guard
    )
    upload_asset = providers.Singleton(asset_cases.UploadAsset, asset_context)
    ingest_asset = providers.Singleton(asset_cases.IngestAsset, asset_context)
    import_asset_from_url = providers.Singleton(asset_cases.ImportAssetFromUrl, asset_context)
    import_assets_from_urls = providers.Singleton(
        asset_cases.ImportAssetsFromUrls,
        asset_context,
        deadline_seconds=providers.Callable(lambda s: s.bulk_import_deadline_seconds, settings),
    )
    list_assets = providers.Singleton(asset_cases.ListAssets, asset_context)
    get_asset = providers.Singleton(asset_cases.GetAsset, asset_context)
    delete_asset = providers.Singleton(asset_cases.DeleteAsset, asset_context)
    get_asset_thumbnail = providers.Singleton(asset_cases.GetAssetThumbnail, asset_context)
    delete_client = providers.Singleton(
        clients.DeleteClient, uow_factory=uow_factory, delete_asset=delete_asset
    )

    # jobs (planner, renderer and runner chosen in entrypoints.jobs)
    planner = providers.Singleton(
        closing, teardown, providers.Factory(job_wiring.make_planner, settings), job_wiring.close_planner
    )
    planning_rules = providers.Singleton(job_wiring.make_rules, settings)
    prices = providers.Singleton(job_wiring.make_prices, settings)
    renderer = providers.Singleton(
        closing, teardown, providers.Factory(job_wiring.make_renderer, settings, blob_store), _close_renderer
    )
    url_importer = providers.Singleton(AssetLibraryImporter, import_asset_from_url)
    output_stager = providers.Singleton(asset_wiring.make_output_stager, settings)
    video_archive = providers.Singleton(
        IngestingVideoArchive, stager=output_stager, ingest=ingest_asset, delete=delete_asset
    )

    # generated media (providers chosen in entrypoints.media; None = local)
    media_inspector = providers.Callable(lambda ctx: ctx.inspector, asset_context)
    image_generator = providers.Singleton(
        closing,
        teardown,
        providers.Factory(
            media_wiring.make_image_generator, settings, blob_fetcher, output_stager, media_inspector
        ),
        media_wiring.close_generator,
    )
    video_generator = providers.Singleton(
        closing,
        teardown,
        providers.Factory(
            media_wiring.make_video_generator, settings, blob_fetcher, output_stager, media_inspector
        ),
        media_wiring.close_generator,
    )
    media_generators = providers.Singleton(
        jobs.MediaGenerators,
        image=image_generator,
        video=video_generator,
        concurrency=providers.Callable(lambda s: s.media_concurrency, settings),
    )
    media_store = providers.Singleton(IngestingMediaStore, ingest_asset, blob_store, output_stager)
    scene_media = providers.Singleton(jobs.SceneMedia, uow_factory, clock, media_store, media_generators)
    media_stage = providers.Singleton(jobs.MediaStage, scene_media)

    # soundtrack (entrypoints.sound: espeak voice only when installed, local music bed offline)
    speech_synthesizer = providers.Singleton(
        closing,
        teardown,
        providers.Factory(sound_wiring.make_speech_synthesizer, settings, output_stager, media_inspector),
        sound_wiring.close_sound,
    )
    music_generator = providers.Singleton(
        closing,
        teardown,
        providers.Factory(
            sound_wiring.make_music_generator, settings, blob_fetcher, output_stager, media_inspector
        ),
        sound_wiring.close_sound,
    )
    sound_stage = providers.Singleton(
        sound_wiring.make_sound_stage, settings, output_stager, speech_synthesizer, music_generator
    )

    plan_storyboard = providers.Singleton(
        jobs.PlanStoryboard,
        uow_factory,
        clock,
        ids,
        planner,
        url_importer,
        planning_rules,
        prices,
        scene_media,
    )
    render_video = providers.Singleton(
        jobs.RenderVideo, uow_factory, clock, renderer, video_archive, prices, media_stage, sound_stage
    )
    run_job_task = providers.Singleton(jobs.RunJobTask, uow_factory, clock, plan_storyboard, render_video)

    # webhooks (entrypoints.webhooks: the guarded sender, the retry schedule, task routing)
    webhook_signer = providers.Singleton(StandardWebhooksSigner)
    webhook_sender = providers.Singleton(
        closing,
        teardown,
        providers.Factory(webhook_wiring.make_sender, settings),
        webhook_wiring.close_sender,
    )
    webhook_schedule = providers.Singleton(webhook_wiring.make_schedule, settings)
    deliver_webhook = providers.Singleton(
        webhooks.DeliverWebhook, uow_factory, clock, webhook_signer, webhook_sender, webhook_schedule
    )

    task_runner = providers.Singleton(
        closing,
        teardown,
        providers.Factory(
            job_wiring.bind_worker,
            providers.Factory(job_wiring.make_task_runner, settings),
            run_job_task,
            uow_factory,
            deliver_webhook,
        ),
        _shutdown_runner,
        first=True,
    )
    import_target_check = providers.Singleton(asset_wiring.make_import_target_check, settings)
    estimate_job_cost = providers.Singleton(
        jobs.EstimateJobCost, planning_rules, prices, clock, import_target_check
    )
    create_job = providers.Singleton(
        jobs.CreateJob, uow_factory, clock, ids, task_runner, planning_rules, prices, import_target_check
    )
    get_job = providers.Singleton(jobs.GetJob, uow_factory)
    list_jobs = providers.Singleton(jobs.ListJobs, uow_factory)
    list_job_assets = providers.Singleton(jobs.ListJobAssets, uow_factory)
    job_history = providers.Singleton(jobs.JobHistory, uow_factory)
    follow_job_events = providers.Singleton(
        jobs.FollowJobEvents,
        uow_factory,
        job_events,
        providers.Callable(lambda s: s.sse_keepalive_seconds, settings),
    )
    wait_for_storyboard = providers.Singleton(jobs.WaitForStoryboard, get_job, job_events)
    regenerate_scene = providers.Singleton(
        jobs.RegenerateScene, uow_factory, clock, planner, planning_rules, prices, scene_media
    )
    apply_job_action = providers.Singleton(
        jobs.ApplyJobAction, uow_factory, clock, task_runner, regenerate_scene
    )
    list_scenes = providers.Singleton(jobs.ListScenes, uow_factory)
    edit_scene = providers.Singleton(jobs.EditScene, uow_factory, clock, scene_media)
    delete_scene = providers.Singleton(jobs.DeleteScene, uow_factory, clock)
    resume_unfinished_jobs = providers.Singleton(jobs.ResumeUnfinishedJobs, uow_factory, task_runner)

    create_webhook = providers.Singleton(webhooks.CreateWebhook, uow_factory, clock, ids, webhook_signer)
    get_webhook = providers.Singleton(webhooks.GetWebhook, uow_factory)
    list_webhooks = providers.Singleton(webhooks.ListWebhooks, uow_factory)
    delete_webhook = providers.Singleton(webhooks.DeleteWebhook, uow_factory)
    rotate_webhook_secret = providers.Singleton(
        webhooks.RotateWebhookSecret, uow_factory, clock, webhook_signer
    )
    list_webhook_deliveries = providers.Singleton(webhooks.ListWebhookDeliveries, uow_factory)
    redeliver_webhook = providers.Singleton(webhooks.RedeliverWebhook, uow_factory, clock, task_runner)
    webhook_dispatcher = providers.Singleton(webhooks.WebhookDispatcher, uow_factory, clock, ids, task_runner)
    """``dispatch(event)`` after a job event commits: records and queues its deliveries."""
    dispatch_committed_events = providers.Singleton(
        webhooks.DispatchCommittedEvents, uow_factory, webhook_dispatcher
    )
    _late_deliverable_events.add_kwargs(target=dispatch_committed_events.provider)
    resume_webhook_deliveries = providers.Singleton(
        webhooks.ResumeWebhookDeliveries,
        uow_factory,
        clock,
        webhook_dispatcher,
        providers.Factory(webhook_wiring.when_idle, task_runner),
    )


async def start_container(container: Container) -> None:
    """Start background work: resume the jobs and webhook deliveries a previous process left
    unfinished (in-process runner) or open the task queue (procrastinate; ``v3 worker`` processes
    recover)."""
    await job_wiring.start_background_work(container.task_runner(), container.resume_unfinished_jobs())
    await webhook_wiring.start_deliveries(container.task_runner(), container.resume_webhook_deliveries())


def build_container(settings: Settings | None = None) -> Container:
    """A container for ``settings`` (read from the environment when omitted). Log records of the
    process get their URLs redacted from now on (``entrypoints.log_redaction``)."""
    log_redaction.install()
    container = Container()
    container.settings.override(providers.Object(settings or Settings()))
    return container


async def close_container(container: Container) -> None:
    """Release what the container built (background work first, then connections); safe to call
    twice. Nothing is built just to be closed."""
    await container.teardown().run()
    container.reset_singletons()
