"""Settings from environment variables (SPEC §9 names), read once by the composition root."""

from __future__ import annotations

import os
import secrets
from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class AiProvider(StrEnum):
    """Which scene planner is wired."""

    TEMPLATE = "template"
    OPENAI = "openai"
    ANTHROPIC = "anthropic"


class BlobStorageType(StrEnum):
    """Where blob bytes live (``postgres`` is accepted as a spelling of ``database``)."""

    DATABASE = "database"
    FILESYSTEM = "filesystem"
    S3 = "s3"


class TaskRunnerKind(StrEnum):
    """Where background job work runs: in ``v3 serve`` (embedded) or in ``v3 worker`` processes."""

    INPROCESS = "inprocess"
    PROCRASTINATE = "procrastinate"


class JobEventsKind(StrEnum):
    """How readers of job events are woken: ``auto`` is ``postgres`` on PostgreSQL, else ``inprocess``."""

    AUTO = "auto"
    INPROCESS = "inprocess"
    POSTGRES = "postgres"


RATE_LIMITS_AUTO = "auto"
RATE_LIMITS_IN_DATABASE = "database"
"""``RATE_LIMIT_STORAGE_URL`` values besides a ``limits`` storage URL (``memory://``, ``redis://``)."""


class ImageProvider(StrEnum):
    """Who draws still images (``local``: nothing is generated; the renderer draws offline)."""

    LOCAL = "local"
    REPLICATE = "replicate"
    OPENAI = "openai"


class VideoProvider(StrEnum):
    """Who makes video clips (``local``: nothing is generated; procedural visuals offline)."""

    LOCAL = "local"
    REPLICATE = "replicate"
    GOOGLE = "google"


class SpeechProvider(StrEnum):
    """Who speaks the scripts (``none``: silent voiceover; ``espeak``: the local espeak-ng binary)."""

    NONE = "none"
    OPENAI = "openai"
    ESPEAK = "espeak"


class MusicProvider(StrEnum):
    """Who makes the music bed (``local``: procedural synthesis, offline)."""

    LOCAL = "local"
    REPLICATE = "replicate"


DEFAULT_MEDIA_PRICES: dict[str, float] = {
    "black-forest-labs/flux-schnell": 0.003,
    "meta/musicgen": 0.002,
    "gpt-4o-mini-tts": 0.015,
    "google/veo-3.1": 0.20,
    "gpt-image-1": 0.063,
    "veo-3.1-generate-preview": 0.40,
}
"""USD per image (image models), per second of video or music (video and music models) or per
1 000 characters of script (speech models): list prices for the way the adapters call them
(Flux-Schnell per image; Veo 3.1 on Replicate without audio; gpt-image-1 at medium quality in a
1536-pixel size; Veo 3.1 on the Gemini API, which always renders sound; MusicGen's GPU time per
second of music, approximate; gpt-4o-mini-tts, approximate).
Override with ``MEDIA_PRICES`` when a price list changes."""


class Settings(BaseSettings):
    """Every knob of the service; see the configuration table in README.md."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    database_url: str = "sqlite:///./data/v3.db"
    data_dir: Path = Path("./data")
    public_base_url: str = "http://127.0.0.1:8000"
    jwt_secret: SecretStr | None = None
    jwt_lifetime_minutes: int = Field(default=30, ge=1, le=24 * 60)

    ai_provider: AiProvider = AiProvider.TEMPLATE
    ai_api_key: SecretStr | None = None
    ai_model: str | None = None
    ai_base_url: str | None = None
    ai_timeout_seconds: float = Field(default=60.0, gt=0)
    ai_max_retries: int = Field(default=2, ge=0, le=10)

    image_provider: ImageProvider = ImageProvider.LOCAL
    video_provider: VideoProvider = VideoProvider.LOCAL
    replicate_api_token: SecretStr | None = None
    replicate_base_url: str = "https://api.replicate.com"
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    gemini_api_key: SecretStr | None = None
    google_gemini_base_url: str | None = None
    replicate_image_model: str = "black-forest-labs/flux-schnell"
    replicate_video_model: str = "google/veo-3.1"
    openai_image_model: str = "gpt-image-1"
    google_video_model: str = "veo-3.1-generate-preview"
    tts_provider: SpeechProvider | None = None
    """Unset: ``espeak`` when the espeak-ng binary is installed, else ``none``."""
    music_provider: MusicProvider = MusicProvider.LOCAL
    openai_tts_model: str = "gpt-4o-mini-tts"
    tts_voice: str | None = None
    """The voice (OpenAI: ``alloy``, ``nova``...; espeak-ng: ``en-us``...); unset = the provider's default."""
    replicate_music_model: str = "meta/musicgen"
    media_timeout_seconds: float = Field(default=600.0, gt=0)
    media_prices: dict[str, float] = Field(default_factory=dict)
    """JSON ``{"model": USD}`` merged over ``DEFAULT_MEDIA_PRICES`` (per image, or per second of video)."""

    max_asset_download_size_mb: int = Field(default=100, ge=1)
    asset_download_timeout_seconds: float = Field(default=60.0, gt=0)
    allowed_asset_domains: str = "*"
    asset_allow_private_networks: bool = False
    max_upload_size_mb: int = Field(default=100, ge=1)
    bulk_import_deadline_seconds: float = Field(default=120.0, gt=0)
    """Overall deadline of one ``POST /assets/from-urls``; unfinished items then report a timeout."""

    webhook_allow_private_networks: bool = False
    """Let webhook deliveries reach loopback/private hosts (tests, closed networks)."""
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    """Deadline of one delivery attempt (connect, send, answer)."""
    webhook_concurrency: int = Field(default=16, ge=1, le=256)
    """Delivery attempts at once per process (and connections the sender keeps)."""
    webhook_retry_delays: str = "10,30,90,270,810,2430"
    """Seconds to wait before each retry of a failed delivery, comma-separated (one attempt more
    than delays); the default makes 7 attempts over about an hour."""

    login_failures_per_account: str = "5/minute"
    """Failed logins allowed per account (``limits`` notation: ``5/minute``, ``20 per hour``)."""
    login_failures_per_address: str = "20/minute"
    """Failed logins allowed per client address."""
    rate_limit_storage_url: str = "auto"
    """Where login budgets live: ``database`` (a PostgreSQL table, shared by every process on
    the database), ``memory://`` (per process) or ``redis://host:6379`` (shared); ``auto`` is
    ``database`` on PostgreSQL, else ``memory://``."""
    password_hash_concurrency: int = Field(default=2, ge=1, le=64)
    """argon2 hashes computed at once (64 MiB each); further logins wait in line."""

    scenes_per_video_min: int = Field(default=3, ge=1)
    scenes_per_video_max: int = Field(default=7, ge=1)

    blob_storage_type: BlobStorageType = BlobStorageType.DATABASE
    blob_storage_path: Path = Path("./data/blobs")
    s3_bucket_name: str | None = None
    s3_region: str | None = None
    s3_endpoint_url: str | None = None
    """An S3-compatible server (MinIO, R2, ...); unset = AWS S3 (or ``AWS_ENDPOINT_URL``)."""
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    """Both or neither; unset = the standard AWS chain (``AWS_ACCESS_KEY_ID``..., instance roles)."""

    media_concurrency: int = Field(default=8, ge=1, le=64)
    """Generation calls (frames, clips) at once per job."""

    worker_concurrency: int = Field(default=64, ge=1, le=256)
    """Planning tasks at once per process; they wait on the AI, so 100 jobs need few 1 s waves."""
    task_runner: TaskRunnerKind = TaskRunnerKind.INPROCESS
    job_events: JobEventsKind = JobEventsKind.AUTO
    """``JOB_EVENTS``: wake-ups of SSE readers and ``Prefer: wait`` after a commit; ``postgres``
    (LISTEN/NOTIFY) wakes readers in every process on the database."""
    sse_keepalive_seconds: float = Field(default=15.0, gt=0, le=300)
    """``SSE_KEEPALIVE_SECONDS``: a comment line on an idle event stream this often."""
    enable_bench_route: bool = False

    @field_validator("blob_storage_type", mode="before")
    @classmethod
    def _postgres_means_database(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() == "postgres":
            return BlobStorageType.DATABASE
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("login_failures_per_account", "login_failures_per_address")
    @classmethod
    def _rate_is_readable(cls, value: str) -> str:
        from limits import parse  # the notation's own parser (a clear error at start-up)

        parse(value)
        return value

    @field_validator("webhook_retry_delays")
    @classmethod
    def _delays_are_numbers(cls, value: str) -> str:
        cls.parse_delays(value)
        return value

    @staticmethod
    def parse_delays(value: str) -> tuple[float, ...]:
        """``"10,30,90"`` → ``(10.0, 30.0, 90.0)``; ``ValueError`` unless finite numbers ≥ 0."""
        try:
            delays = tuple(float(part) for part in value.split(",") if part.strip())
        except ValueError as error:
            raise ValueError("WEBHOOK_RETRY_DELAYS must be comma-separated seconds, like 10,30,90") from error
        if any(not 0 <= d < float("inf") for d in delays):
            raise ValueError("WEBHOOK_RETRY_DELAYS must be finite numbers of seconds, not negative")
        return delays

    @property
    def webhook_delays(self) -> tuple[float, ...]:
        """``WEBHOOK_RETRY_DELAYS`` as numbers (empty: a single attempt)."""
        return self.parse_delays(self.webhook_retry_delays)

    @model_validator(mode="after")
    def _scene_bounds_are_ordered(self) -> Settings:
        if self.scenes_per_video_min > self.scenes_per_video_max:
            raise ValueError("SCENES_PER_VIDEO_MIN must not exceed SCENES_PER_VIDEO_MAX")
        return self

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self) -> Settings:
        if self.blob_storage_type is BlobStorageType.S3 and not self.s3_bucket_name:
            raise ValueError("BLOB_STORAGE_TYPE=s3 needs S3_BUCKET_NAME")
        if (self.s3_access_key_id is None) != (self.s3_secret_access_key is None):
            raise ValueError("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both or neither")
        return self

    @field_validator("image_provider", "video_provider", "tts_provider", "music_provider", mode="before")
    @classmethod
    def _media_provider_is_case_insensitive(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("media_prices")
    @classmethod
    def _prices_are_not_negative(cls, value: dict[str, float]) -> dict[str, float]:
        negative = sorted(model for model, price in value.items() if price < 0)
        if negative:
            raise ValueError(f"MEDIA_PRICES must not be negative (for {', '.join(negative)})")
        return value

    @model_validator(mode="after")
    def _media_providers_have_keys_and_prices(self) -> Settings:
        keys = {
            "replicate": ("REPLICATE_API_TOKEN", self.replicate_api_token),
            "openai": ("OPENAI_API_KEY", self.openai_api_key),
            "google": ("GEMINI_API_KEY", self.gemini_api_key),
        }
        for setting, provider in (
            ("IMAGE_PROVIDER", self.image_provider),
            ("VIDEO_PROVIDER", self.video_provider),
            ("TTS_PROVIDER", self.tts_provider),
            ("MUSIC_PROVIDER", self.music_provider),
        ):
            if provider is None or provider.value in ("local", "none", "espeak"):
                continue
            key, value = keys[provider.value]
            if value is None or not value.get_secret_value().strip():
                raise ValueError(f"{setting}={provider.value} needs {key}")
        for model in filter(None, (self.image_model, self.video_model, self.speech_model, self.music_model)):
            self.media_price(model)
        return self

    @property
    def image_model(self) -> str | None:
        """The image model of ``IMAGE_PROVIDER`` (``None`` for ``local``)."""
        return {
            ImageProvider.REPLICATE: self.replicate_image_model,
            ImageProvider.OPENAI: self.openai_image_model,
        }.get(self.image_provider)

    @property
    def video_model(self) -> str | None:
        """The video model of ``VIDEO_PROVIDER`` (``None`` for ``local``)."""
        return {
            VideoProvider.REPLICATE: self.replicate_video_model,
            VideoProvider.GOOGLE: self.google_video_model,
        }.get(self.video_provider)

    @property
    def speech_model(self) -> str | None:
        """The priced speech model of ``TTS_PROVIDER`` (``None`` when speech is free or off)."""
        return self.openai_tts_model if self.tts_provider is SpeechProvider.OPENAI else None

    @property
    def music_model(self) -> str | None:
        """The priced music model of ``MUSIC_PROVIDER`` (``None`` for ``local``)."""
        return self.replicate_music_model if self.music_provider is MusicProvider.REPLICATE else None

    def media_price(self, model: str) -> float:
        """USD per image or per second of video for ``model`` (``MEDIA_PRICES`` over the defaults)."""
        prices = {**DEFAULT_MEDIA_PRICES, **self.media_prices}
        if model in prices:
            return prices[model]
        family = model.split(":", 1)[0]
        if family in prices:
            return prices[family]
        raise ValueError(f"MEDIA_PRICES has no price for the model {model!r}; add one")

    @field_validator("task_runner", mode="before")
    @classmethod
    def _task_runner_is_case_insensitive(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("job_events", mode="before")
    @classmethod
    def _job_events_is_case_insensitive(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _listen_notify_needs_postgresql(self) -> Settings:
        if self.job_events == JobEventsKind.POSTGRES and not self.is_postgresql:
            raise ValueError("JOB_EVENTS=postgres needs a PostgreSQL DATABASE_URL (postgresql://...)")
        return self

    @field_validator("rate_limit_storage_url")
    @classmethod
    def _rate_limit_storage_is_known(cls, value: str) -> str:
        value = value.strip()
        if value.lower() in (RATE_LIMITS_AUTO, RATE_LIMITS_IN_DATABASE):
            return value.lower()
        if not value.startswith(("memory://", "redis")):  # redis://, rediss://, redis+sentinel://...
            raise ValueError("RATE_LIMIT_STORAGE_URL is auto, database, memory:// or redis://host:6379")
        return value

    @model_validator(mode="after")
    def _login_budgets_in_the_database_need_postgresql(self) -> Settings:
        if self.rate_limit_storage_url == RATE_LIMITS_IN_DATABASE and not self.is_postgresql:
            raise ValueError(
                "RATE_LIMIT_STORAGE_URL=database needs a PostgreSQL DATABASE_URL (postgresql://...)"
            )
        return self

    @property
    def login_budgets_in_database(self) -> bool:
        """Whether failed-login budgets are counted in the PostgreSQL database (shared by every process)."""
        if self.rate_limit_storage_url == RATE_LIMITS_AUTO:
            return self.is_postgresql
        return self.rate_limit_storage_url == RATE_LIMITS_IN_DATABASE

    @property
    def wakes_across_processes(self) -> bool:
        """Whether job event wake-ups go through PostgreSQL LISTEN/NOTIFY."""
        if self.job_events == JobEventsKind.AUTO:
            return self.is_postgresql
        return self.job_events == JobEventsKind.POSTGRES

    @model_validator(mode="after")
    def _queue_engine_needs_postgresql(self) -> Settings:
        if self.task_runner == TaskRunnerKind.PROCRASTINATE and not self.is_postgresql:
            raise ValueError(
                "TASK_RUNNER=procrastinate needs a PostgreSQL DATABASE_URL (postgresql://...); "
                "the embedded default (SQLite) runs background work inside `v3 serve` "
                "with TASK_RUNNER=inprocess"
            )
        return self

    @property
    def allowed_domains(self) -> tuple[str, ...]:
        """The host allow-list; ``("*",)`` means any public host."""
        return tuple(d.strip().lower() for d in self.allowed_asset_domains.split(",") if d.strip())

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is a SQLite file (or memory)."""
        return self.database_url.startswith("sqlite")

    @property
    def is_postgresql(self) -> bool:
        """Whether the database is PostgreSQL (any driver spelling)."""
        return self.database_url.startswith(("postgres://", "postgresql://", "postgresql+"))

    def resolved_jwt_secret(self) -> str:
        """``JWT_SECRET``, or a random secret kept in ``DATA_DIR/jwt_secret`` (made on first use).

        The file works for one machine; several hosts must share ``JWT_SECRET``.
        """
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        path = self.data_dir / "jwt_secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return path.read_text().strip()
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip()

    def ensure_database_directory(self) -> None:
        """Create the folder of a SQLite database file (no-op for other databases)."""
        prefix, _, rest = self.database_url.partition(":///")
        if not prefix.startswith("sqlite") or not rest or rest.startswith(":memory:"):
            return
        Path(rest.split("?", 1)[0]).parent.mkdir(parents=True, exist_ok=True)
