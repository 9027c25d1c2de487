"""What a process loads: the worker and the CLI never load the HTTP stack, and a serving process
loads the renderer chain (numpy, PyAV, the compositor, audio mixing) only when it first renders.

Each case runs in a fresh interpreter (``sys.modules`` of this test process holds everything
the other tests imported)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

WORKER_AND_CLI = """
import asyncio, sys
from entrypoints.cli import main
from entrypoints.container import build_container, close_container
from entrypoints.settings import Settings
import entrypoints.worker

main(["db", "upgrade"], standalone_mode=False)
main(["users", "create", "lean@example.test"], standalone_mode=False)
main(["keys", "create", "lean@example.test"], standalone_mode=False)

async def every_provider() -> None:
    container = build_container(Settings())
    try:
        for name, provider in container.providers.items():
            if name != "settings":
                provider()
    finally:
        await close_container(container)

asyncio.run(every_provider())
http = sorted(
    m for m in sys.modules if m.split(".")[0] in ("litestar", "uvicorn") or m.startswith("entrypoints.http")
)
print("LOADED", " ".join(http[:5]) or "-")
"""

SERVING = """
import asyncio, sys
from litestar.testing import AsyncTestClient
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from entrypoints.storage import prepare_database

HEAVY = ("numpy", "scipy", "av", "PIL", "pyloudnorm", "adapters.rendering.animatic",
         "adapters.rendering.pipeline", "adapters.audio.mixing", "adapters.audio.signal")

async def serve() -> None:
    settings = Settings()
    prepare_database(settings)
    async with AsyncTestClient(create_app(build_container(settings))) as client:
        assert (await client.get("/health")).status_code == 200
        print("LOADED", " ".join(m for m in HEAVY if m in sys.modules) or "-")

asyncio.run(serve())
"""


def run(script: str, tmp_path: Path) -> str:
    """Run ``script`` in a fresh interpreter on a SQLite database in ``tmp_path``; what it printed
    after ``LOADED``."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/v3.db", "DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded = [line for line in done.stdout.splitlines() if line.startswith("LOADED ")]
    assert loaded, done.stdout
    return loaded[-1].removeprefix("LOADED ")


def test_the_worker_and_the_cli_commands_do_not_load_litestar(tmp_path: Path) -> None:
    assert run(WORKER_AND_CLI, tmp_path) == "-"


def test_a_server_answers_health_without_loading_the_renderer_or_the_audio_chain(tmp_path: Path) -> None:
    assert run(SERVING, tmp_path) == "-"
