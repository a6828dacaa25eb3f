"""Routes for what a workspace owns: credits, projects, collections, references, uploads,
items and assets.

Reads run on the event loop (one indexed row or page each). A request that decodes or writes
files runs on one pool thread from start to end, so it hops threads once, not once per step.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL
from starlette.exceptions import HTTPException

from masko_widgets.local.api import _serialize as serialize
from masko_widgets.local.api._deps import Context, Ctx, Paging, Workspace, base_url, ok, owned
from masko_widgets.local.api._errors import ApiError, bad_request
from masko_widgets.local.api._image_urls import decode, fetch
from masko_widgets.local.api._schemas import (
    MAX_REFERENCES,
    Asset,
    Collection,
    CollectionCreate,
    Credits,
    Envelope,
    Item,
    ListEnvelope,
    Project,
    ProjectCreate,
    ReferenceAdd,
    References,
    UrlImport,
)
from masko_widgets.local.store import Row, Store, Upload

router = APIRouter()


@router.get("/credits", response_model=Envelope[Credits], summary="Credit balance of the workspace")
async def credits(request: Request, ctx: Ctx, workspace: Workspace) -> JSONResponse:
    return ok(request, {"balance": ctx.store.balance(workspace)})


@router.get("/projects", response_model=ListEnvelope[Project], summary="List projects")
async def list_projects(
    request: Request, ctx: Ctx, workspace: Workspace, paging: Paging
) -> JSONResponse:
    rows, total = ctx.store.list(
        "projects", {"workspace_id": workspace}, paging.limit, paging.offset
    )
    return ok(request, [serialize.project(row) for row in rows], page=paging, total=total)


@router.post(
    "/projects", status_code=201, response_model=Envelope[Project], summary="Create a project"
)
def create_project(
    request: Request, ctx: Ctx, workspace: Workspace, body: ProjectCreate
) -> JSONResponse:
    return ok(
        request, serialize.project(ctx.store.create_project(workspace, body.name)), status=201
    )


@router.get("/collections", response_model=ListEnvelope[Collection], summary="List collections")
async def list_collections(
    request: Request,
    ctx: Ctx,
    workspace: Workspace,
    paging: Paging,
    project_id: Annotated[str | None, Query()] = None,
) -> JSONResponse:
    where = {"workspace_id": workspace, "project_id": project_id}
    rows, total = ctx.store.list("collections", where, paging.limit, paging.offset)
    return ok(request, [serialize.collection(row) for row in rows], page=paging, total=total)


@router.post(
    "/collections",
    status_code=201,
    response_model=Envelope[Collection],
    summary="Create a collection (one mascot)",
)
def create_collection(
    request: Request, ctx: Ctx, workspace: Workspace, body: CollectionCreate
) -> JSONResponse:
    if len(body.reference_asset_ids) + len(body.reference_image_urls) > MAX_REFERENCES:
        raise bad_request(
            "reference_image_urls",
            f"A collection has at most {MAX_REFERENCES}"
            " references (reference_asset_ids and reference_image_urls together).",
        )
    if body.project_id is None:
        project_id = ctx.store.default_project(workspace)["id"]
    else:
        project = ctx.store.get("projects", body.project_id)
        if project is None or project["workspace_id"] != workspace:
            raise bad_request(
                "project_id",
                f"`project_id`: no project {body.project_id!r} in"
                " this workspace; omit it to use the default project.",
            )
        project_id = project["id"]
    refs: list[str | Upload] = []
    for index, asset_id in enumerate(body.reference_asset_ids):
        refs.append(
            reference_asset(ctx, workspace, f"reference_asset_ids[{index}]", asset_id)["id"]
        )
    for index, url in enumerate(body.reference_image_urls):
        field = f"reference_image_urls[{index}]"
        imported = fetch(url, field, ctx.store, request.url)
        if imported.asset is not None and _reusable(imported.asset, workspace):
            refs.append(imported.asset["id"])
        else:
            refs.append(_checked_upload(imported.data, field))
    row = ctx.store.create_collection(
        workspace, project_id, body.name or "Untitled mascot", body.description, refs
    )
    return ok(request, serialize.collection(row), status=201)


@router.get(
    "/collections/{collection_id}",
    response_model=Envelope[Collection],
    summary="One collection with its config",
)
async def get_collection(
    request: Request, ctx: Ctx, workspace: Workspace, collection_id: str
) -> JSONResponse:
    return ok(
        request,
        serialize.collection(
            owned(ctx.store, "collections", collection_id, workspace, "collection")
        ),
    )


@router.get(
    "/collections/{collection_id}/references",
    response_model=Envelope[References],
    summary="The collection's references",
)
async def list_references(
    request: Request, ctx: Ctx, workspace: Workspace, collection_id: str
) -> JSONResponse:
    row = owned(ctx.store, "collections", collection_id, workspace, "collection")
    return ok(request, serialize.references(row))


@router.post(
    "/collections/{collection_id}/references",
    status_code=201,
    response_model=Envelope[References],
    summary="Pin an asset or an image URL as a persistent reference (at most 6)",
    responses={
        200: {"model": Envelope[References], "description": "Already a reference: nothing changed"}
    },
)
def add_reference(
    request: Request, ctx: Ctx, workspace: Workspace, collection_id: str, body: ReferenceAdd
) -> JSONResponse:
    collection = owned(ctx.store, "collections", collection_id, workspace, "collection")
    if (body.asset_id is None) == (body.url is None):
        raise bad_request("asset_id", "Pass exactly one of `asset_id` (an image asset) or `url`.")
    field = "asset_id" if body.asset_id is not None else "url"
    asset = None
    data = b""
    if body.asset_id is not None:
        asset = reference_asset(ctx, workspace, "asset_id", body.asset_id)
    else:
        imported = fetch(body.url or "", "url", ctx.store, request.url)
        asset = imported.asset if _reusable(imported.asset, workspace) else None
        data = imported.data
    if asset is not None and asset["id"] in collection["reference_asset_ids"]:
        return ok(request, serialize.references(collection))
    if len(collection["reference_asset_ids"]) >= MAX_REFERENCES:
        raise _full(field)
    upload = None if asset is not None else _checked_upload(data, field)
    try:
        row, changed = ctx.store.change_references(
            collection["id"],
            add=asset["id"] if asset else None,
            upload=upload,
            limit=MAX_REFERENCES,
        )
    except OverflowError:
        raise _full(field) from None
    return ok(request, serialize.references(row), status=201 if changed else 200)


@router.delete(
    "/collections/{collection_id}/references/{asset_id}",
    response_model=Envelope[References],
    summary="Unpin a reference",
)
def remove_reference(
    request: Request, ctx: Ctx, workspace: Workspace, collection_id: str, asset_id: str
) -> JSONResponse:
    collection = owned(ctx.store, "collections", collection_id, workspace, "collection")
    try:
        row, _ = ctx.store.change_references(collection["id"], remove=asset_id)
    except ValueError:  # not among the references, checked inside the store's transaction
        raise ApiError(404, f"Asset {asset_id!r} is not a reference of this collection.") from None
    return ok(request, serialize.references(row))


@router.post(
    "/upload",
    status_code=201,
    response_model=Envelope[Asset],
    summary="Upload an image (multipart `file`, or JSON {url})",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
                "application/json": {"schema": UrlImport.model_json_schema()},
            },
        }
    },
)
async def upload(request: Request, ctx: Ctx, workspace: Workspace) -> JSONResponse:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        try:
            form = await request.form(max_files=1, max_fields=4)
        except HTTPException as exc:  # more parts than one upload has, or a broken body
            raise bad_request(
                "file", f"Send one image per upload, as the multipart field `file` ({exc.detail})."
            ) from None
        try:
            file = form.get("file")
            if file is None or isinstance(file, str):
                raise bad_request(
                    "file", "`file` is required: the image as a multipart file field."
                )
            data = await file.read()
        finally:
            await form.close()
        asset = await run_in_threadpool(_keep_upload, ctx.store, workspace, data, "file")
    else:
        try:
            body = UrlImport.model_validate_json(await request.body())
        except ValidationError as exc:
            error = exc.errors()[0]
            if error["type"] == "json_invalid":
                raise bad_request(
                    "file", 'Send the image as multipart field `file`, or JSON {"url": ...}.'
                ) from None
            raise bad_request(
                "url",
                "`url` is required: a data: URI or a file URL of this"
                " server (or send multipart `file`).",
            ) from None
        asset = await run_in_threadpool(_keep_url, ctx.store, workspace, body.url, request.url)
    return ok(request, serialize.asset(asset, base_url(request)), status=201)


@router.get(
    "/collections/{collection_id}/items",
    response_model=ListEnvelope[Item],
    summary="The collection's items (poses)",
)
async def list_items(
    request: Request, ctx: Ctx, workspace: Workspace, collection_id: str, paging: Paging
) -> JSONResponse:
    owned(ctx.store, "collections", collection_id, workspace, "collection")
    rows, total = ctx.store.list(
        "items", {"collection_id": collection_id}, paging.limit, paging.offset
    )
    return ok(request, [serialize.item(row) for row in rows], page=paging, total=total)


@router.get("/items/{item_id}", response_model=Envelope[Item], summary="One item")
async def get_item(request: Request, ctx: Ctx, workspace: Workspace, item_id: str) -> JSONResponse:
    return ok(request, serialize.item(owned(ctx.store, "items", item_id, workspace, "item")))


@router.get("/assets/{asset_id}", response_model=Envelope[Asset], summary="One asset's metadata")
async def get_asset(
    request: Request, ctx: Ctx, workspace: Workspace, asset_id: str
) -> JSONResponse:
    row = owned(ctx.store, "assets", asset_id, workspace, "asset")
    return ok(request, serialize.asset(row, base_url(request)))


def reference_asset(ctx: Context, workspace: str, field: str, asset_id: str) -> Row:
    """A completed image asset of this workspace that can be pinned as a reference."""
    asset = ctx.store.get("assets", asset_id)
    if asset is None or asset["workspace_id"] != workspace:
        raise bad_request(
            field,
            f"`{field}`: no asset {asset_id!r} in this workspace; upload"
            " the image first (POST /v1/upload) and pass its `id`.",
        )
    if asset["type"] not in ("image", "transparent_image"):
        raise bad_request(field, f"`{field}` is a `{asset['type']}` asset; references are images.")
    if asset["status"] != "completed":
        raise bad_request(field, f"`{field}` is {asset['status']}; wait for its job to complete.")
    return asset


def _reusable(asset: Row | None, workspace: str) -> bool:
    """Whether an imported file is one of this workspace's images, to pin as it is."""
    return bool(
        asset
        and asset["workspace_id"] == workspace
        and asset["type"] in ("image", "transparent_image")
    )


def _full(field: str) -> ApiError:
    return bad_request(
        field,
        f"This collection already has {MAX_REFERENCES} references, the"
        " most it can hold; remove one before adding another.",
    )


def _checked_upload(data: bytes, field: str) -> Upload:
    """(bytes, mime, width, height) of an acceptable image (decodes it: not on the event loop)."""
    image, mime = decode(data, field)
    return data, mime, image.width, image.height


def _keep_upload(store: Store, workspace: str, data: bytes, field: str) -> Row:
    """Check an uploaded image and store it as an asset, on one pool thread."""
    return store.add_upload(workspace, *_checked_upload(data, field))


def _keep_url(store: Store, workspace: str, url: str, reached: URL) -> Row:
    """Read the image behind a `data:` URI or one of our file URLs, and keep it as an upload."""
    return _keep_upload(store, workspace, fetch(url, "url", store, reached).data, "url")
