"""The ``v3 demo`` command: settings for a throw-away embedded database, run, report.

Client with brand colours → campaign → a generated product image ingested as an asset →
a job from a brief → storyboard table → one scene regenerated with feedback → approval →
render with a progress bar → the MP4 copied to ``--output``, whose path is the last line.
Runs offline (template planner, local animatic renderer, in-process background work) on a
throw-away SQLite file unless ``--database-url`` names another database.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from sqlalchemy.engine import make_url

from entrypoints.container import Container, build_container, close_container
from entrypoints.settings import AiProvider, BlobStorageType, Settings, TaskRunnerKind
from entrypoints.storage import MEMORY_URL, prepare_database
from v3core.errors import DomainError
from v3core.model import Job

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_OUTPUT = Path("v3-demo.mp4")
ContainerHook = Callable[[Container], None]


PROVIDER_KEYS = {"replicate": ("REPLICATE_API_TOKEN",), "openai": ("OPENAI_API_KEY",)}
"""The environment variable each ``--providers`` choice needs."""


def media_providers(choice: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The generation settings of ``--providers``: ``local`` (offline, the default), ``replicate``
    (images and clips on Replicate, ``REPLICATE_API_TOKEN``) or ``openai`` (images with OpenAI,
    ``OPENAI_API_KEY``; clips with Google Veo when ``GEMINI_API_KEY`` is set, else local).
    Keys, models and base URLs are read from the environment as ``v3 serve`` reads them."""
    missing = [key for key in PROVIDER_KEYS.get(choice, ()) if not environ.get(key)]
    if missing:
        raise click.UsageError(f"--providers {choice} needs {', '.join(missing)} in the environment")
    if choice == "replicate":
        return {"image_provider": "replicate", "video_provider": "replicate"}
    if choice == "openai":
        video = "google" if environ.get("GEMINI_API_KEY") else "local"
        return {"image_provider": "openai", "video_provider": video}
    return {"image_provider": "local", "video_provider": "local"}


def demo_settings(database_url: str | None, work_dir: Path, providers: str = "local") -> Settings:
    """The embedded default, whatever the environment says: a SQLite file in ``work_dir`` (or
    ``database_url``), blobs in that database, the template planner, in-process background work,
    scratch space in ``work_dir``, local media providers unless ``providers`` names others.
    ``DATABASE_URL`` and friends are deliberately not read."""
    generation: dict[str, Any] = media_providers(providers, os.environ)
    return Settings(
        database_url=database_url or f"sqlite:///{work_dir / 'demo.db'}",
        data_dir=work_dir,
        blob_storage_type=BlobStorageType.DATABASE,
        ai_provider=AiProvider.TEMPLATE,
        task_runner=TaskRunnerKind.INPROCESS,
        **generation,
    )


def execute_demo(
    settings: Settings,
    output: Path,
    console: Console,
    duration: float = 15.0,
    customise: ContainerHook | None = None,
) -> Job:
    """Migrate, build a container (``customise`` may override providers), run the demo, close.

    A failed job or a refused use case becomes a ``click.ClickException`` (exit status 1)
    carrying the error code and message.
    """
    from entrypoints.demo.display import DemoFailed
    from entrypoints.demo.workflow import run_demo

    prepare_database(settings)

    async def runner() -> Job:
        container = build_container(settings)
        if customise is not None:
            customise(container)
        try:
            return await run_demo(container, console, output, duration)
        finally:
            await close_container(container)

    try:
        return asyncio.run(runner())
    except DemoFailed as failure:
        raise click.ClickException(str(failure)) from failure
    except DomainError as error:
        raise click.ClickException(f"{error.code}: {error.message}") from error


def _shown(database_url: str) -> str:
    """The URL with any password masked."""
    if database_url.startswith(MEMORY_URL):
        return database_url
    return make_url(database_url).render_as_string(hide_password=True)


@click.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="Where to write the rendered MP4.",
)
@click.option(
    "--database-url",
    default=None,
    help="Keep the demo's data in this database (migrated first). "
    "Default: a temporary SQLite file, deleted afterwards. DATABASE_URL is not read.",
)
@click.option(
    "--duration",
    type=click.FloatRange(5, 120),
    default=15.0,
    show_default=True,
    help="Requested video length in seconds.",
)
@click.option(
    "--providers",
    type=click.Choice(["local", "replicate", "openai"]),
    default="local",
    show_default=True,
    help="Generated footage: local (offline), replicate (REPLICATE_API_TOKEN) or openai "
    "(OPENAI_API_KEY; Veo clips too when GEMINI_API_KEY is set), keys read from the environment.",
)
def demo(output: Path, database_url: str | None, duration: float, providers: str) -> None:
    """Run the whole workflow end to end on the embedded default and write the rendered MP4."""
    from rich.console import Console

    console = Console(highlight=False)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="v3-demo-") as work:
        settings = demo_settings(database_url, Path(work), providers)
        where = _shown(database_url) if database_url else "a temporary SQLite file (deleted afterwards)"
        console.print(f"V3 demo on {where}; template planner, {providers} media providers")
        job = execute_demo(settings, output, console, duration)
    console.print(
        f"job {job.id} {job.status.value}: {job.video_duration:.2f} s video, "
        f"cost {job.cost.actual:.4f} {job.cost.currency}, done in {time.monotonic() - started:.1f} s"
    )
    click.echo(str(output.resolve()))
