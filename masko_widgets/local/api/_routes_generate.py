"""Routes that make pictures: generate, generate-batch, previews, and suggested actions."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.datastructures import URL

from masko_widgets.local._checkpoints import checkpoints
from masko_widgets.local.api._deps import Context, Ctx, Workspace, base_url, ok, owned
from masko_widgets.local.api._errors import ApiError, bad_request, validation_message
from masko_widgets.local.api._generation import plan, required
from masko_widgets.local.api._image_urls import decode, fetch
from masko_widgets.local.api._middleware import idempotency
from masko_widgets.local.api._routes_jobs import job_urls
from masko_widgets.local.api._schemas import (
    Batch,
    BatchRequest,
    Envelope,
    GenerateAccepted,
    GenerateRequest,
    PreviewCreate,
    Previews,
    SuggestedActions,
)
from masko_widgets.local.render import Draw, render_preview
from masko_widgets.local.store import Claim, InsufficientCredits, Row

router = APIRouter()


@router.post(
    "/collections/{collection_id}/generate",
    status_code=202,
    response_model=Envelope[GenerateAccepted],
    summary="Generate an image, an animation or an edit (asynchronous)",
)
def generate(
    request: Request, ctx: Ctx, workspace: Workspace, collection_id: str, body: GenerateRequest
) -> JSONResponse:
    collection = owned(ctx.store, "collections", collection_id, workspace, "collection")
    return ok(request, _submit(ctx, request, workspace, collection, body), status=202)


@router.post(
    "/collections/{collection_id}/generate-batch",
    status_code=202,
    response_model=Envelope[Batch],
    summary="Up to 10 generate bodies; each entry is a 202 body or carries its own error",
    description="Each entry of `data.jobs` is either the 202 `data` of one generation"
    " (`job_id`, `poll_url`, ...), or `{status, error: {code, message, field?}, index}`.",
)
def generate_batch(
    request: Request, ctx: Ctx, workspace: Workspace, collection_id: str, body: BatchRequest
) -> JSONResponse:
    collection = owned(ctx.store, "collections", collection_id, workspace, "collection")
    entries: list[dict[str, Any]] = []
    for index, raw in enumerate(body.requests):
        try:
            one = GenerateRequest.model_validate(raw)
            entries.append(_submit(ctx, request, workspace, collection, one, index))
        except ValidationError as exc:
            field, message = validation_message(exc.errors()[0])
            entries.append({"status": 400, **bad_request(field, message).body(), "index": index})
        except ApiError as exc:
            entries.append({"status": exc.status, **exc.body(), "index": index})
    return ok(request, {"jobs": entries}, status=202)


def _submit(
    ctx: Context,
    request: Request,
    workspace: str,
    collection: Row,
    body: GenerateRequest,
    entry: int = 0,
) -> dict[str, Any]:
    new = plan(ctx.store, workspace, collection, body)
    key = idempotency(request)
    claim = Claim(key.key, key.fingerprint, entry) if key else None
    try:
        job, created = ctx.store.submit_job(workspace, new, claim)
    except InsufficientCredits as exc:
        raise ApiError(
            402,
            f"This generation costs {exc.required} credits; the balance is {exc.balance}.",
            required=exc.required,
            balance=exc.balance,
        ) from None
    checkpoints.reach("job.committed")
    if created:  # a job recorded earlier under the same key is already queued or done
        ctx.jobs.submit(job["id"])
    return {
        "job_id": job["id"],
        "poll_url": f"{base_url(request)}/jobs/{job['id']}",
        "status": job["status"],
        "item_id": job["item_id"],
        "cost_credits": job["cost_credits"],
        "asset_ids": job["asset_ids"],
        "urls": job_urls(ctx, request, job),
    }


@router.post(
    "/generate/preview",
    response_model=Envelope[Previews],
    summary="An ephemeral preview: an expiring URL, no asset id",
)
async def preview(
    request: Request, ctx: Ctx, workspace: Workspace, body: PreviewCreate
) -> JSONResponse:
    required(body.prompt, "prompt", 'what to draw, e.g. "waving"')
    collection = None
    if body.collection_id is not None:
        collection = ctx.store.get("collections", body.collection_id)
        if collection is None or collection["workspace_id"] != workspace:
            raise bad_request(
                "collection_id",
                f"`collection_id`: no collection {body.collection_id!r} in this workspace.",
            )
    token, expires_at, width, height = await ctx.jobs.render_off_loop(
        _make_preview, ctx, collection, body.reference_image_urls, body.prompt, request.url
    )
    stamp = datetime.fromtimestamp(expires_at, timezone.utc)
    return ok(
        request,
        {
            "previews": [
                {
                    "url": f"{base_url(request)}/previews/{token}.png",
                    "expires_at": stamp.isoformat(timespec="seconds").replace("+00:00", "Z"),
                    "width": width,
                    "height": height,
                    "prompt": body.prompt,
                }
            ]
        },
    )


def _make_preview(
    ctx: Context, collection: Row | None, urls: list[str], prompt: str, reached: URL, draw: Draw
) -> tuple[str, float, int, int]:
    """Read and decode the hints, have the preview drawn and keep its file, all on one pool
    thread (the drawing in a worker process): (token, expires_at, width, height)."""
    hints = []
    for index, url in enumerate(urls):
        field = f"reference_image_urls[{index}]"
        hints.append(decode(fetch(url, field, ctx.store, reached).data, field)[0])
    png, width, height = render_preview(ctx.store, collection, hints, prompt, draw)
    token, expires_at = ctx.store.add_preview(png, width, height, ctx.preview_ttl)
    return token, expires_at, width, height


ACTIONS = (
    "waving hello",
    "thumbs up",
    "jumping for joy",
    "thinking",
    "celebrating",
    "sleeping",
    "running",
    "pointing right",
    "holding a sign",
    "surprised",
    "laughing",
    "shrugging",
    "reading a book",
    "dancing",
    "sitting",
    "high five",
    "confused",
    "peeking from the side",
)


@router.post(
    "/collections/{collection_id}/suggest-actions",
    response_model=Envelope[SuggestedActions],
    summary="6 to 8 pose ideas (free)",
)
async def suggest_actions(
    request: Request, ctx: Ctx, workspace: Workspace, collection_id: str
) -> JSONResponse:
    collection = owned(ctx.store, "collections", collection_id, workspace, "collection")
    return ok(request, {"actions": suggested_actions(collection["id"])})


def suggested_actions(collection_id: str) -> list[str]:
    """The same 6 to 8 pose names every time for one collection."""
    seed = hashlib.sha256(collection_id.encode()).digest()
    ranked = sorted(ACTIONS, key=lambda action: hashlib.sha256(seed + action.encode()).digest())
    return ranked[: 6 + seed[0] % 3]
