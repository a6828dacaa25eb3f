"""Routes for jobs: list with filters, and one job, optionally held until it ends."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from masko_widgets.local.api import _serialize as serialize
from masko_widgets.local.api._deps import Context, Ctx, Paging, Workspace, base_url, ok, owned
from masko_widgets.local.api._schemas import Envelope, Job, JobStatus, JobType, ListEnvelope
from masko_widgets.local.store import Row

router = APIRouter()


@router.get(
    "/jobs",
    response_model=ListEnvelope[Job],
    summary="List jobs, newest last; filter by status, collection or type",
)
async def list_jobs(
    request: Request,
    ctx: Ctx,
    workspace: Workspace,
    paging: Paging,
    status: Annotated[JobStatus | None, Query()] = None,
    collection_id: Annotated[str | None, Query()] = None,
    type: Annotated[JobType | None, Query()] = None,
) -> JSONResponse:
    where = {
        "workspace_id": workspace,
        "status": status,
        "collection_id": collection_id,
        "type": type,
    }
    rows, total = ctx.store.list("jobs", where, paging.limit, paging.offset)
    return ok(request, [job_view(ctx, request, row) for row in rows], page=paging, total=total)


@router.get(
    "/jobs/{job_id}",
    response_model=Envelope[Job],
    summary="One job; `wait=true` holds the answer until it ends (25 s at most)",
)
async def get_job(
    request: Request,
    ctx: Ctx,
    workspace: Workspace,
    job_id: str,
    wait: Annotated[bool, Query()] = False,
) -> JSONResponse:
    job = owned(ctx.store, "jobs", job_id, workspace, "job")
    if wait and job["status"] in ("pending", "processing"):
        await ctx.jobs.wait(job_id, ctx.max_wait)
        job = owned(ctx.store, "jobs", job_id, workspace, "job")
    return ok(request, job_view(ctx, request, job))


def job_view(ctx: Context, request: Request, job: Row) -> dict[str, Any]:
    return serialize.job(job, job_urls(ctx, request, job))


def job_urls(ctx: Context, request: Request, job: Row) -> dict[str, str]:
    """The file URL of each role in the job's `asset_ids`."""
    base = base_url(request)
    assets = ctx.store.assets(job["asset_ids"].values())
    return {
        role: serialize.file_url(base, assets[asset_id])
        for role, asset_id in job["asset_ids"].items()
    }
