"""The stand-in's FastAPI application: routes under /v1 wrapped in the contract's layers."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from masko_widgets.local.api import _routes_files, _routes_generate, _routes_jobs, _routes_library
from masko_widgets.local.api._deps import Context
from masko_widgets.local.api._errors import install_error_handlers
from masko_widgets.local.api._fault_layer import FaultMiddleware
from masko_widgets.local.api._middleware import (
    BodyLimitMiddleware,
    IdempotencyMiddleware,
    RateLimitMiddleware,
    RequestIdMiddleware,
)
from masko_widgets.local.api._schemas import ErrorBody

DESCRIPTION = """Offline stand-in for the Masko mascot API.

Every success is `{data, meta}`; every failure is `{error: {code, message, field?}}`.
POST requests honour `Idempotency-Key`. Responses carry `X-Request-Id` and
`X-RateLimit-Limit`/`-Remaining`/`-Reset` (Unix time)."""


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody} for status in statuses}


API_ERRORS = _errors(400, 401, 402, 403, 404, 413, 429, 500)
FILE_ERRORS = _errors(404, 410)


def create_app(context: Context) -> FastAPI:
    """The application for one running stand-in."""
    app = FastAPI(
        title="Masko API (offline stand-in)",
        version="1",
        description=DESCRIPTION,
        openapi_url="/v1/openapi.json",
        docs_url="/v1/docs",
        redoc_url=None,
    )
    app.state.context = context
    install_error_handlers(app)
    for module in (_routes_library, _routes_generate, _routes_jobs):
        app.include_router(module.router, prefix="/v1", responses=API_ERRORS)
    app.include_router(_routes_files.router, prefix="/v1", responses=FILE_ERRORS)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    # Added innermost first: a request meets RequestId, Faults, RateLimit, BodyLimit, Idempotency.
    app.add_middleware(
        IdempotencyMiddleware, store=context.store, workspace_for_key=context.workspace_for_key
    )
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RateLimitMiddleware)
    app.add_middleware(FaultMiddleware, dice=context.dice)
    app.add_middleware(RequestIdMiddleware)
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, saying 400 (not FastAPI's 422) for invalid requests."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].pop("422", None)
        for name in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(name, None)
        app.openapi_schema = schema
    return app.openapi_schema
