"""The contract's error body `{"error": {code, message, field?, ...}}`, for every failure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

CODES = {
    400: "bad_request",
    401: "unauthorized",
    402: "insufficient_credits",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    410: "gone",
    413: "payload_too_large",
    429: "rate_limited",
    500: "internal_error",
}


class ApiError(Exception):
    """An answer with the contract's error body; `extra` keys go beside code and message."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": CODES.get(self.status, "error"), "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        error.update(self.extra)
        return {"error": error}

    def response(self, request_id: str | None = None) -> JSONResponse:
        headers = dict(self.headers)
        if request_id:
            headers["X-Request-Id"] = request_id
        return JSONResponse(self.body(), status_code=self.status, headers=headers)

    async def answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send this error as the whole answer to a raw ASGI request (the middleware layers)."""
        await self.response(scope.get("state", {}).get("request_id"))(scope, receive, send)


def bad_request(field: str, message: str) -> ApiError:
    return ApiError(400, message, field=field)


def field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """`("body", "requests", 2, "type")` -> `requests[2].type`."""
    name = ""
    for part in loc:
        if part in ("body", "query", "path", "header") and not name:
            continue
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


_STRICT_TYPES = {
    "int_type": "a JSON integer (not a string, a boolean or a fraction)",
    "int_from_float": "a JSON integer (not a fraction)",
    "bool_type": "true or false (a JSON boolean, not a string or a number)",
}


def validation_message(error: Mapping[str, Any]) -> tuple[str, str]:
    """(field, message) for the first problem pydantic found in a request."""
    field = field_name(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        return "body", "The request body is not valid JSON."
    if error.get("type") == "missing":
        return field, f"`{field}` is required."
    if error.get("type") in _STRICT_TYPES:
        given = repr(error.get("input"))[:40]
        return field, f"`{field}` must be {_STRICT_TYPES[error['type']]}, got {given}."
    return field, f"`{field}`: {error.get('msg', 'invalid value')}."


def install_error_handlers(app: FastAPI) -> None:
    """Make framework errors (validation, unknown routes, crashes) speak the contract."""

    def request_id(request: Request) -> str | None:
        return getattr(request.state, "request_id", None)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return exc.response(request_id(request))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        field, message = validation_message(errors[0]) if errors else ("body", "Invalid request.")
        return bad_request(field, message).response(request_id(request))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 404:
            message = f"No endpoint {request.method} {request.url.path}; see /v1/openapi.json."
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}."
            headers = {"Allow": ", ".join(_allowed_methods(request))}
            return ApiError(405, message, headers=headers).response(request_id(request))
        else:
            message = str(exc.detail)
        return ApiError(exc.status_code, message, headers=exc.headers).response(request_id(request))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> JSONResponse:
        message = "The stand-in hit an unexpected error; retry after a delay."
        return ApiError(500, message).response(request_id(request))


def _allowed_methods(request: Request) -> list[str]:
    """Every method the API documents for this path (a 405's `Allow` header)."""
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\{[^/]+\}", "[^/]+", template), request.url.path):
            methods.update(method.upper() for method in operations)
    return sorted(methods)
