"""``/api/v3/assets``: upload (streamed multipart), URL import (single and bulk), list, read,
delete, and the bytes themselves (ranges, ETags) plus thumbnails."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, head, post
from litestar.enums import RequestEncodingType
from litestar.params import FromPath, JSONBody, QueryParameter

from entrypoints.http.asset_dto import (
    AssetLinks,
    AssetOut,
    BulkImportBody,
    BulkImportOut,
    UploadOperation,
    UrlImportBody,
)
from entrypoints.http.auth import owner_id
from entrypoints.http.di import Inject
from entrypoints.http.disconnect import unless_disconnected
from entrypoints.http.envelope import Deleted, Envelope, ok, ok_page
from entrypoints.http.pagination import either
from entrypoints.http.streaming import serve_blob
from entrypoints.http.uploads import draft_from_form, read_json, read_multipart
from v3core.errors import UnsupportedMediaType
from v3core.ports.blobs import BlobStore
from v3core.ports.storage import PageRequest
from v3core.services.assets import (
    AssetFilters,
    DeleteAsset,
    GetAsset,
    GetAssetThumbnail,
    ImportAssetFromUrl,
    ImportAssetsFromUrls,
    ListAssets,
    UploadAsset,
)

AnyRequest = Request[Any, Any, Any]
Query = Annotated[str | None, QueryParameter()]
UPLOAD_DESCRIPTION = (
    "multipart/form-data with `file` plus optional name, type, clientId, campaignId, tags "
    "(repeated or comma-separated), streamed to disk while hashed and size-checked; "
    "or application/json with `url` and the fields of /assets/from-url."
)


class AssetController(Controller):
    """The authenticated user's asset library."""

    path = "/assets"
    tags = ["assets"]

    @post(
        operation_id="createAsset",
        summary="Upload a file (multipart) or import one from a URL (JSON with `url`)",
        description=UPLOAD_DESCRIPTION,
        request_max_body_size=None,
        operation_class=UploadOperation,
    )
    async def create_asset(
        self,
        request: AnyRequest,
        upload_asset: Inject[UploadAsset],
        import_asset_from_url: Inject[ImportAssetFromUrl],
        asset_links: Inject[AssetLinks],
    ) -> Response[Envelope[AssetOut]]:
        # No ``data`` parameter on purpose: Litestar would buffer and parse the whole body first.
        media_type, _ = request.content_type
        if media_type == "application/json":
            body: UrlImportBody = await read_json(request, UrlImportBody)
            asset = await import_asset_from_url.execute(body.draft(owner_id(request)), body.url)
        elif media_type == RequestEncodingType.MULTI_PART:
            fields, staged = await read_multipart(request, upload_asset)
            try:
                draft = draft_from_form(owner_id(request), fields)
            except BaseException:
                await upload_asset.discard(staged)
                raise
            asset = await upload_asset.execute(draft, staged)
        else:
            raise UnsupportedMediaType("send multipart/form-data (a file) or application/json (a url)")
        return ok(request, AssetOut.of(asset, asset_links), 201)

    @post("/from-url", operation_id="importAssetFromUrl", summary="Import an asset from a URL")
    async def import_from_url(
        self,
        request: AnyRequest,
        data: JSONBody[UrlImportBody],
        import_asset_from_url: Inject[ImportAssetFromUrl],
        asset_links: Inject[AssetLinks],
    ) -> Response[Envelope[AssetOut]]:
        work = import_asset_from_url.execute(data.draft(owner_id(request)), data.url)
        asset = await unless_disconnected(request, work)
        return ok(request, AssetOut.of(asset, asset_links), 201)

    @post(
        "/from-urls",
        operation_id="importAssetsFromUrls",
        summary="Import up to 100 URLs; 200 with one result per item (partial success allowed)",
        status_code=200,
    )
    async def import_from_urls(
        self,
        request: AnyRequest,
        data: JSONBody[BulkImportBody],
        import_assets_from_urls: Inject[ImportAssetsFromUrls],
        asset_links: Inject[AssetLinks],
    ) -> Response[Envelope[BulkImportOut]]:
        work = import_assets_from_urls.execute(data.to_items(owner_id(request)))
        outcomes = await unless_disconnected(request, work)
        return ok(request, BulkImportOut.of(outcomes, asset_links), 200)

    @get(operation_id="listAssets", summary="List assets (filters: clientId, campaignId, type, tag)")
    async def list_assets(
        self,
        request: AnyRequest,
        page: Inject[PageRequest],
        list_assets: Inject[ListAssets],
        asset_links: Inject[AssetLinks],
        client_id_camel: Annotated[str | None, QueryParameter(name="clientId")] = None,
        client_id: Query = None,
        campaign_id_camel: Annotated[str | None, QueryParameter(name="campaignId")] = None,
        campaign_id: Query = None,
        type: Query = None,
        asset_type: Query = None,
        tag: Query = None,
    ) -> Response[Envelope[list[AssetOut]]]:
        filters = AssetFilters(
            client_id=either(client_id_camel, client_id, "clientId"),
            campaign_id=either(campaign_id_camel, campaign_id, "campaignId"),
            type=either(type, asset_type, "type"),
            tag=tag,
        )
        found = await list_assets.execute(owner_id(request), page, filters)
        return ok_page(request, [AssetOut.of(a, asset_links) for a in found.items], found.total, page)

    @get("/{asset_id:str}", operation_id="getAsset", summary="Get an asset")
    async def get_asset(
        self,
        request: AnyRequest,
        asset_id: FromPath[str],
        get_asset: Inject[GetAsset],
        asset_links: Inject[AssetLinks],
    ) -> Response[Envelope[AssetOut]]:
        return ok(request, AssetOut.of(await get_asset.execute(owner_id(request), asset_id), asset_links))

    @delete(
        "/{asset_id:str}",
        operation_id="deleteAsset",
        summary="Delete an asset (409 naming the job that holds it)",
        description=(
            "A job holds its inputs until it finishes and its outputs (its video, assets it "
            "made) for as long as it exists. Of concurrent deletes one answers 200, the others "
            "404. The bytes go with the last asset that uses them."
        ),
        status_code=200,
    )
    async def delete_asset(
        self, request: AnyRequest, asset_id: FromPath[str], delete_asset: Inject[DeleteAsset]
    ) -> Response[Envelope[Deleted]]:
        await delete_asset.execute(owner_id(request), asset_id)
        return ok(request, Deleted(asset_id))

    @get(
        "/{asset_id:str}/data",
        operation_id="getAssetData",
        summary="The asset's bytes (ETag, If-None-Match, single Range)",
        media_type="application/octet-stream",
    )
    async def get_asset_data(
        self,
        request: AnyRequest,
        asset_id: FromPath[str],
        get_asset: Inject[GetAsset],
        blob_store: Inject[BlobStore],
    ) -> Response[Any]:
        return await serve_blob(request, blob_store, await get_asset.data(owner_id(request), asset_id))

    @head(
        "/{asset_id:str}/data",
        operation_id="headAssetData",
        summary="The headers GET /data would answer (size, type, ETag, ranges), without the body",
        media_type="application/octet-stream",
    )
    async def head_asset_data(
        self,
        request: AnyRequest,
        asset_id: FromPath[str],
        get_asset: Inject[GetAsset],
        blob_store: Inject[BlobStore],
    ) -> Response[None]:
        response: Response[None] = await serve_blob(
            request, blob_store, await get_asset.data(owner_id(request), asset_id)
        )
        return response

    @get(
        "/{asset_id:str}/thumbnail",
        operation_id="getAssetThumbnail",
        summary="A JPEG thumbnail of an image or video asset (404 for other types)",
        media_type="image/jpeg",
    )
    async def get_asset_thumbnail(
        self,
        request: AnyRequest,
        asset_id: FromPath[str],
        get_asset_thumbnail: Inject[GetAssetThumbnail],
        blob_store: Inject[BlobStore],
    ) -> Response[Any]:
        view = await get_asset_thumbnail.execute(owner_id(request), asset_id)
        return await serve_blob(request, blob_store, view, cache_control="private, max-age=86400")

    @head(
        "/{asset_id:str}/thumbnail",
        operation_id="headAssetThumbnail",
        summary="The headers GET /thumbnail would answer, without the body",
        media_type="image/jpeg",
    )
    async def head_asset_thumbnail(
        self,
        request: AnyRequest,
        asset_id: FromPath[str],
        get_asset_thumbnail: Inject[GetAssetThumbnail],
        blob_store: Inject[BlobStore],
    ) -> Response[None]:
        view = await get_asset_thumbnail.execute(owner_id(request), asset_id)
        response: Response[None] = await serve_blob(
            request, blob_store, view, cache_control="private, max-age=86400"
        )
        return response
