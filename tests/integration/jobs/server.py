"""A real ``v3 serve`` process on a free port, killable with SIGKILL and restartable on its database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

V3 = Path(sys.executable).with_name("v3")
KEY_BANNER = "Its API key (shown once):"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServeProcess:
    """``v3 serve --port <free>`` with its environment; ``start`` waits for ``/health``."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
        self.port = free_port()
        self.process: subprocess.Popen[str] | None = None
        self.lines: list[str] = []

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> str | None:
        """Start the server; returns the first API key when this start printed one."""
        assert self.process is None, "already running"
        self.lines = []
        self.process = subprocess.Popen(
            [str(V3), "serve", "--port", str(self.port)],
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, args=(self.process,), daemon=True).start()
        self._wait_healthy(timeout)
        self._wait_for_banner()
        banner = [i for i, line in enumerate(self.lines) if line.endswith(KEY_BANNER)]
        return self.lines[banner[0] + 1] if banner else None

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, whatever was in flight is simply gone."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.process = None

    def _wait_for_banner(self) -> None:
        """The lines printed before the server started (the reader thread may lag behind)."""
        deadline = time.monotonic() + 5
        while not any(line.startswith("V3 API on") for line in self.lines):
            assert time.monotonic() < deadline, "v3 serve printed no banner:\n" + "\n".join(self.lines)
            time.sleep(0.02)
        time.sleep(0.2)

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.append(line.rstrip("\n"))

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError("v3 serve exited:\n" + "\n".join(self.lines))
            try:
                if httpx.get(f"{self.base_url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.kill()
        raise AssertionError("v3 serve did not answer /health in time:\n" + "\n".join(self.lines))
