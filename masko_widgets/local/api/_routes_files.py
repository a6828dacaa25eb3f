"""File downloads: asset files (a placeholder while pending) and expiring previews.

No auth: the URL's random token is the capability. Paths come from stored records only.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from masko_widgets.local.api._deps import Ctx
from masko_widgets.local.api._errors import ApiError
from masko_widgets.local.render import placeholder_png
from masko_widgets.local.store import FILE_MEDIA_TYPES, FILE_NAME, URL_KEY

router = APIRouter()

_BINARY = {"schema": {"type": "string", "format": "binary"}}


def _serves(description: str, *media_types: str) -> dict[int | str, dict[str, Any]]:
    """The 200 of a download: raw bytes of one of `media_types`, not JSON."""
    return {200: {"description": description, "content": dict.fromkeys(media_types, _BINARY)}}


_NAME = re.compile(FILE_NAME)
_PREVIEW_NAME = re.compile(rf"({URL_KEY})\.png")
_NO_STORE = {"Cache-Control": "no-store"}


@router.get(
    "/files/{name}",
    response_class=Response,
    responses=_serves("The file; a placeholder PNG while its job runs", *FILE_MEDIA_TYPES),
    summary="An asset's file (placeholder PNG while its job runs)",
)
async def asset_file(ctx: Ctx, name: str) -> Response:
    match = _NAME.fullmatch(name)
    asset = ctx.store.asset_by_token(match.group(1)) if match else None
    if asset is None or match is None or match.group(2) != asset["ext"]:
        raise ApiError(404, "No file at this URL.")
    if asset["status"] == "pending":
        body = placeholder_png(asset["width"] or 512, asset["height"] or 512)
        return Response(body, media_type="image/png", headers=_NO_STORE)
    if asset["status"] == "failed":
        raise ApiError(404, "The job that was to make this file failed; generate it again.")
    return FileResponse(ctx.store.asset_path(asset), media_type=asset["mime_type"])


@router.get(
    "/previews/{name}",
    response_class=Response,
    responses=_serves("The preview PNG", "image/png"),
    summary="A preview image; 410 once expired",
)
async def preview_file(ctx: Ctx, name: str) -> Response:
    match = _PREVIEW_NAME.fullmatch(name)
    found = ctx.store.preview(match.group(1)) if match else None
    if found is None:
        raise ApiError(404, "No preview at this URL.")
    path, expired = found
    if expired or not path.exists():
        raise ApiError(410, "This preview has expired; make a new preview.")
    return FileResponse(path, media_type="image/png", headers=_NO_STORE)
