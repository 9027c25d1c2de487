"""A command that cannot start prints one line on stderr saying what failed and what to check,
and exits 1 — no traceback, no password. The real ``v3`` executable runs as a subprocess (all
cases at once: each start costs seconds of imports)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

V3 = str(Path(sys.executable).parent / "v3")
SECRET = "hunter2-secret"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


PORT = closed_port()
UNREACHABLE = f"postgresql://postgres:{SECRET}@127.0.0.1:{PORT}/v3"
MALFORMED = f"not a url {SECRET}"
UNSUPPORTED = f"mysql://root:{SECRET}@127.0.0.1/v3"

CASES = {
    "serve unreachable": (["serve", "--port", "0"], UNREACHABLE, {}),
    "worker unreachable": (["worker"], UNREACHABLE, {"TASK_RUNNER": "procrastinate"}),
    "db upgrade unreachable": (["db", "upgrade"], UNREACHABLE, {}),
    "serve malformed": (["serve", "--port", "0"], MALFORMED, {}),
    "db upgrade malformed": (["db", "upgrade"], MALFORMED, {}),
    "db upgrade unsupported": (["db", "upgrade"], UNSUPPORTED, {}),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, str]]:
    """(exit status, stdout, stderr) of every case, run side by side."""
    base = {k: v for k, v in os.environ.items() if k.upper() not in ("DATABASE_URL", "TASK_RUNNER")}
    running = {}
    for name, (args, url, env) in CASES.items():
        data_dir = tmp_path_factory.mktemp("startup")
        environment = {**base, "DATABASE_URL": url, "DATA_DIR": str(data_dir), **env}
        running[name] = subprocess.Popen(
            [V3, *args], env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    outcome = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=180)
        outcome[name] = (process.returncode, out, err)
    return outcome


def one_line(result: tuple[int, str, str], *expected: str) -> str:
    status, out, err = result
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 1, err
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert SECRET not in err + out
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("command", ["serve", "worker", "db upgrade"])
def test_an_unreachable_database_is_one_line_naming_it_and_what_to_check(
    command: str, results: dict[str, tuple[int, str, str]]
) -> None:
    line = one_line(results[f"{command} unreachable"], "cannot reach the database", "DATABASE_URL")
    assert f"127.0.0.1:{PORT}" in line
    assert "Connection refused" in line


@pytest.mark.parametrize("command", ["serve", "db upgrade"])
def test_a_malformed_database_url_is_one_line_saying_what_a_url_looks_like(
    command: str, results: dict[str, tuple[int, str, str]]
) -> None:
    one_line(
        results[f"{command} malformed"], "DATABASE_URL is not a database URL", "postgresql://", "sqlite:///"
    )


def test_an_unsupported_database_is_one_line_naming_it(results: dict[str, tuple[int, str, str]]) -> None:
    one_line(results["db upgrade unsupported"], "unsupported database 'mysql'")
