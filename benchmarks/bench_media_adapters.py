"""Generated-media fan-out at the adapter level (QUALITY.md "generated media fan-out").

Five clips requested at once from ``ReplicateVideoGenerator`` (one shared client, default
polling backoff) against the fake predictions API of the test suite
(``tests/integration/media/fake_replicate.py`` on 127.0.0.1), every prediction finishing
``--clip-seconds`` after it was created; each clip is downloaded through the guarded
fetcher and sniffed. Reports the wall time of all five, and how late the last finished
prediction was noticed, as a markdown table (median of ``--runs``). The clips must run in
parallel: the wall time stays near one clip's time, not five.

    uv run python benchmarks/bench_media_adapters.py [--clips 5] [--clip-seconds 5] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.media.fake_http import running  # noqa: E402
from tests.integration.media.fake_replicate import TOKEN, FakeReplicate  # noqa: E402

from adapters.fetch.httpx_fetcher import HttpxBlobFetcher  # noqa: E402
from adapters.ingest.inspection import MediaContentInspector  # noqa: E402
from adapters.ingest.staging import TempFileStager  # noqa: E402
from adapters.media.outputs import OutputStaging  # noqa: E402
from adapters.media.replicate_client import ReplicatePredictions  # noqa: E402
from adapters.media.replicate_media import ReplicateVideoGenerator  # noqa: E402
from v3core.ports.media import VideoRequest  # noqa: E402


async def one_run(base_url: str, clips: int) -> float:
    stager = TempFileStager(64 * 1024 * 1024, tempfile.mkdtemp(prefix="bench-media-"))
    fetcher = HttpxBlobFetcher(stager, allow_private_networks=True)
    generator = ReplicateVideoGenerator(
        ReplicatePredictions(TOKEN, base_url),
        "google/veo-3.1",
        OutputStaging(fetcher, stager, MediaContentInspector()),
        unit_price=0.2,
        timeout_seconds=120.0,
    )
    requests = [VideoRequest(f"scene {n}", "", 4.0, "16:9", 1280, 720) for n in range(clips)]
    start = time.perf_counter()
    results = await asyncio.gather(*(generator.generate(r) for r in requests))
    wall = time.perf_counter() - start
    for media in results:
        await stager.discard(media.staged)
    await generator.aclose()
    await fetcher.aclose()
    return wall


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clips", type=int, default=5)
    parser.add_argument("--clip-seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    fake = FakeReplicate()
    walls: list[float] = []
    with running(fake.handle) as server:
        fake.base_url = server.base_url
        print(f"{args.clips} clips at once, each finished {args.clip_seconds:g} s after creation\n")
        print("| run | all clips staged (s) | later than one clip (s) |")
        print("| --- | ---: | ---: |")
        for run in range(1, args.runs + 1):
            fake.reset()
            fake.script.seconds = args.clip_seconds
            wall = asyncio.run(one_run(server.base_url, args.clips))
            walls.append(wall)
            print(f"| {run} | {wall:.2f} | {wall - args.clip_seconds:.2f} |")
    median = statistics.median(walls)
    print(f"| median | **{median:.2f}** | {median - args.clip_seconds:.2f} |")
    in_a_row = args.clips * args.clip_seconds
    print(f"\nIn a row the clips would take {in_a_row:g} s.")
    return 0 if median < in_a_row / 2 else 1


if __name__ == "__main__":
    sys.exit(main())
