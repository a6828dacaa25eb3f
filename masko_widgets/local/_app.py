"""The stand-in's FastAPI application: routes under /v1 wrapped in the contract's layers."""

from __future__ import annotations

from fastapi import FastAPI

from masko_widgets.local import _routes_files, _routes_generate, _routes_jobs, _routes_library
from masko_widgets.local._deps import Context
from masko_widgets.local._errors import install_error_handlers
from masko_widgets.local._faults import FaultMiddleware
from masko_widgets.local._middleware import (
    BodyLimitMiddleware,
    IdempotencyMiddleware,
    RateLimitMiddleware,
    RequestIdMiddleware,
)

DESCRIPTION = """Offline stand-in for the Masko mascot API.

Every success is `{data, meta}`; every failure is `{error: {code, message, field?}}`.
POST requests honour `Idempotency-Key`. Responses carry `X-Request-Id` and
`X-RateLimit-Limit`/`-Remaining`/`-Reset` (Unix time)."""


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
    for module in (_routes_library, _routes_generate, _routes_jobs, _routes_files):
        app.include_router(module.router, prefix="/v1")
    # Added innermost first: a request meets RequestId, Faults, RateLimit, BodyLimit, Idempotency.
    app.add_middleware(
        IdempotencyMiddleware, store=context.store, workspace_for_key=context.workspace_for_key
    )
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RateLimitMiddleware)
    app.add_middleware(FaultMiddleware, dice=context.dice)
    app.add_middleware(RequestIdMiddleware)
    return app
