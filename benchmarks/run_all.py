"""Runs every benchmark of QUALITY.md in turn (``uv run nox -s bench``); each prints a markdown table.

Pass names to run a subset: ``uv run nox -s bench -- http render``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = {
    "http": ["bench_http.py"],
    "lists": ["bench_lists.py"],
    "render": ["bench_render.py"],
    "render-health": ["bench_render_health.py"],
    "assets": ["bench_assets.py"],
    "fanout": ["bench_fanout.py"],
    "media-adapters": ["bench_media_adapters.py"],
}


def main(names: list[str]) -> int:
    chosen = names or list(BENCHMARKS)
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {sorted(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed = 0
    for name in chosen:
        script, *args = BENCHMARKS[name]
        print(f"\n## {name}\n", flush=True)
        failed += subprocess.run([sys.executable, str(HERE / script), *args], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
