"""Closing the composition root closes what was built — background work first — and builds nothing."""

from __future__ import annotations

from pathlib import Path

from entrypoints.container import build_container, close_container
from entrypoints.settings import Settings
from entrypoints.teardown import Teardown
from v3core.services.accounts import CreateUserCommand


async def test_steps_run_once_background_work_first_then_newest_first() -> None:
    order: list[str] = []
    teardown = Teardown()

    async def close_async(name: str) -> None:
        order.append(name)

    teardown.closing("storage", close_async)
    teardown.closing("renderer", order.append)
    teardown.closing("runner", close_async, first=True)
    await teardown.run()
    await teardown.run()
    assert order == ["runner", "renderer", "storage"]


async def test_closing_a_container_builds_nothing_it_did_not_use(tmp_path: Path) -> None:
    container = build_container(Settings(database_url="memory://", data_dir=tmp_path))
    await container.create_user().execute(CreateUserCommand("me@example.test"))
    await close_container(container)
    await close_container(container)
    assert not (tmp_path / "render").exists(), "the renderer was built only to be closed"
