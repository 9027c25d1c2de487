"""``/api/v3/jobs/{id}/scenes``: read, edit (If-Match / version), delete and regenerate scenes.

The ``scene_ref`` path segment is a scene id or a scene number.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody

from entrypoints.http.asset_dto import AssetLinks
from entrypoints.http.auth import owner_id
from entrypoints.http.di import Inject
from entrypoints.http.envelope import Deleted, Envelope, ok, ok_page
from entrypoints.http.headers import IfMatch
from entrypoints.http.job_dto import RegenerateBody, SceneOut, SceneUpdate
from entrypoints.http.pagination import page_slice
from entrypoints.http.request import MergePatchBody
from v3core.errors import ValidationFailed
from v3core.model import Scene
from v3core.ports.storage import PageRequest
from v3core.services.jobs import (
    DeleteScene,
    EditScene,
    EditSceneCommand,
    ListScenes,
    RegenerateScene,
    RegenerateSceneCommand,
)

AnyRequest = Request[Any, Any, Any]
_VERSION_TAG = re.compile(r'^\s*(?:W/)?"?v?(\d+)"?\s*$')


def scene_etag(scene: Scene) -> str:
    """The scene's ETag: its version, quoted."""
    return f'"v{scene.version}"'


def expected_version(if_match: str | None, body_version: int | None) -> int | None:
    """The version the caller edits from: ``If-Match`` (``"v3"``, ``"3"`` or ``3``) or body ``version``."""
    if if_match is None or if_match.strip() == "*":
        return body_version
    match = _VERSION_TAG.match(if_match)
    if match is None:
        raise ValidationFailed.at(("header", "If-Match"), 'send the scene version, e.g. If-Match: "v3"')
    return int(match.group(1))


def _with_etag(response: Response[Any], scene: Scene) -> Response[Any]:
    response.headers["ETag"] = scene_etag(scene)
    return response


async def _edit(
    request: AnyRequest,
    job_id: str,
    scene_ref: str,
    data: SceneUpdate,
    edit_scene: EditScene,
    links: AssetLinks,
    if_match: str | None,
) -> Response[Envelope[SceneOut]]:
    version = expected_version(if_match, data.version)
    command = EditSceneCommand(owner_id(request), job_id, scene_ref, data.changes(), version)
    scene = await edit_scene.execute(command)
    return _with_etag(ok(request, SceneOut.of(scene, links.base_url)), scene)


class SceneController(Controller):
    """Scenes of one of the authenticated user's jobs."""

    path = "/jobs/{job_id:str}/scenes"
    tags = ["scenes"]

    @get(operation_id="listScenes", summary="List a job's scenes in order")
    async def list_scenes(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        page: Inject[PageRequest],
        list_scenes: Inject[ListScenes],
        asset_links: Inject[AssetLinks],
    ) -> Response[Envelope[list[SceneOut]]]:
        scenes = await list_scenes.execute(owner_id(request), job_id)
        shown = [SceneOut.of(s, asset_links.base_url) for s in page_slice(scenes, page)]
        return ok_page(request, shown, len(scenes), page)

    @get("/{scene_ref:str}", operation_id="getScene", summary="Get a scene by id or number")
    async def get_scene(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        scene_ref: FromPath[str],
        list_scenes: Inject[ListScenes],
        asset_links: Inject[AssetLinks],
    ) -> Response[Envelope[SceneOut]]:
        scene = await list_scenes.one(owner_id(request), job_id, scene_ref)
        return _with_etag(ok(request, SceneOut.of(scene, asset_links.base_url)), scene)

    @put("/{scene_ref:str}", operation_id="updateScene", summary="Edit a scene (partial; If-Match guards)")
    async def update_scene(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        scene_ref: FromPath[str],
        data: JSONBody[SceneUpdate],
        edit_scene: Inject[EditScene],
        asset_links: Inject[AssetLinks],
        if_match: IfMatch = None,
    ) -> Response[Envelope[SceneOut]]:
        return await _edit(request, job_id, scene_ref, data, edit_scene, asset_links, if_match)

    @patch(
        "/{scene_ref:str}",
        operation_id="patchScene",
        summary="Edit a scene (JSON Merge Patch; If-Match guards)",
    )
    async def patch_scene(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        scene_ref: FromPath[str],
        data: MergePatchBody[SceneUpdate],
        edit_scene: Inject[EditScene],
        asset_links: Inject[AssetLinks],
        if_match: IfMatch = None,
    ) -> Response[Envelope[SceneOut]]:
        return await _edit(request, job_id, scene_ref, data, edit_scene, asset_links, if_match)

    @delete("/{scene_ref:str}", operation_id="deleteScene", summary="Delete a scene", status_code=200)
    async def delete_scene(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        scene_ref: FromPath[str],
        delete_scene: Inject[DeleteScene],
    ) -> Response[Envelope[Deleted]]:
        deleted = await delete_scene.execute(owner_id(request), job_id, scene_ref)
        return ok(request, Deleted(id=deleted.id))

    @post(
        "/{scene_ref:str}/regenerate",
        operation_id="regenerateScene",
        summary="Regenerate one scene",
        status_code=200,
    )
    async def regenerate_scene(
        self,
        request: AnyRequest,
        job_id: FromPath[str],
        scene_ref: FromPath[str],
        regenerate_scene: Inject[RegenerateScene],
        asset_links: Inject[AssetLinks],
        data: JSONBody[RegenerateBody | None] = None,
    ) -> Response[Envelope[SceneOut]]:
        body = data or RegenerateBody()
        command = RegenerateSceneCommand(
            owner_id(request), job_id, scene_ref, body.feedback, body.constraints
        )
        scene = await regenerate_scene.execute(command)
        return _with_etag(ok(request, SceneOut.of(scene, asset_links.base_url)), scene)
