"""``v3 demo --providers replicate`` against a server of 127.0.0.1 speaking Replicate's
predictions API (SPEC §10, §8): the MP4 it writes shows that server's clips, each scene's in
its place and for its duration — decoded, not taken from the demo's report."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from entrypoints.cli import main
from entrypoints.storage import open_storage
from tests.integration.media.fake_http import FakeHttpServer
from tests.integration.media.fake_replicate import TOKEN, FakeReplicate
from tests.integration.media.footage import Palette, assert_scenes_play_in_order_for_their_durations


async def _stored_scenes(database_url: str, job_id: str) -> list[dict[str, Any]]:
    storage = open_storage(database_url)
    try:
        async with storage.uow_factory() as uow:
            scenes = await uow.scenes.list_for_job(job_id)
    finally:
        await storage.close()
    return [
        {"sceneNumber": s.number, "duration": s.duration, "description": s.description, "assets": s.asset_ids}
        for s in sorted(scenes, key=lambda s: s.number)
    ]


def test_the_demo_with_replicate_writes_an_mp4_of_the_servers_clips(
    replicate_api: FakeReplicate, replicate_server: FakeHttpServer, tmp_path: Path
) -> None:
    palette = Palette()
    replicate_api.script.output = palette.replicate_output
    replicate_api.script.polls = 1
    output = tmp_path / "demo.mp4"
    database_url = f"sqlite:///{tmp_path / 'demo.db'}"
    environment = {
        "REPLICATE_API_TOKEN": TOKEN,
        "REPLICATE_BASE_URL": replicate_server.base_url,
        "ASSET_ALLOW_PRIVATE_NETWORKS": "true",  # the fake's outputs live on 127.0.0.1
        "COLUMNS": "200",
    }
    args = ["demo", "--providers", "replicate", "--output", str(output), "--database-url", database_url]
    result = CliRunner(env=environment).invoke(main, [*args, "--duration", "9"])

    assert result.exit_code == 0, result.output
    match = re.search(r"job ([0-9a-f-]{36}) completed", result.output)
    assert match, result.output
    scenes = asyncio.run(_stored_scenes(database_url, match.group(1)))
    clips = [
        r.json()["input"]["prompt"]
        for r in replicate_server.seen("POST", "/predictions")
        if "duration" in r.json()["input"]
    ]
    colours: list[tuple[int, int, int] | None] = []
    for scene in scenes:
        # the newest clip asked for this scene (a regenerated scene's earlier clip is not shown)
        asked = [p for p in clips if scene["description"].rstrip(".") in p]
        colours.append(palette.colour(asked[-1]) if asked else None)
    generated = [c for c in colours if c]
    assert len(generated) >= len(scenes) - 1, (scenes, clips)  # at most the uploaded image's scene
    assert_scenes_play_in_order_for_their_durations(output.read_bytes(), "16:9", scenes, colours)
