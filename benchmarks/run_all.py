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
    "startup": ["bench_startup.py"],
    "lists": ["bench_lists.py"],
    "render": ["bench_render.py"],
    "composition": ["bench_composition.py"],
    "render-health": ["bench_render_health.py"],
    "assets": ["bench_assets.py"],
    "fanout": ["bench_fanout.py"],
    "media-adapters": ["bench_media_adapters.py"],
    "media-fanout": ["bench_media_fanout.py"],
    "media-retry": ["bench_media_fanout.py", "--retry"],
    "blob-refs": ["bench_blob_refs.py"],
    "soundtrack": ["bench_soundtrack.py"],
    "outage": ["bench_outage.py"],
    "thumbnails": ["bench_thumbnails.py"],
    "logins": ["bench_logins.py", "--runs", "1"],
    "events": ["bench_events.py"],
    "webhooks": ["bench_webhooks.py"],
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
