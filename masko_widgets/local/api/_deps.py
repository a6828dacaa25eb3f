"""What every route shares: the server context, auth, pagination and the success envelope.

The dependencies are coroutines: they only read memory or one indexed row, so they run on the
event loop. (FastAPI runs a plain function on its thread pool, and a request would hop threads
once per dependency and queue for the pool behind writes waiting for the store's lock.)"""

from __future__ import annotations

import hmac
import re
import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from masko_widgets.local._faults import FaultDice
from masko_widgets.local._job_runner import JobRunner
from masko_widgets.local.api._errors import ApiError, bad_request
from masko_widgets.local.store import Row, Store, hash_key

_KEY = re.compile(r"masko_[0-9a-f]{64}")
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
MAX_OFFSET = 2**31 - 1


@dataclass
class Context:
    """The running stand-in's parts, reachable from every request."""

    store: Store
    jobs: JobRunner
    dice: FaultDice
    preview_ttl: float
    max_wait: float
    _keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    _keys_lock: threading.Lock = field(default_factory=threading.Lock)

    def workspace_for_key(self, api_key: str) -> str | None:
        """The workspace of a well-formed, known key (stored hashes compared in constant time)."""
        if not _KEY.fullmatch(api_key):
            return None
        digest = hash_key(api_key)
        with self._keys_lock:
            known = self._keys.get(digest)
        if known is None:
            known = self.store.workspace_for_hash(digest)
            if known is None:
                return None
            with self._keys_lock:
                self._keys[digest] = known
        workspace_id, stored = known
        return workspace_id if hmac.compare_digest(stored, digest) else None


async def context(request: Request) -> Context:
    return _context(request)


def _context(request: Request) -> Context:
    found: Context = request.app.state.context
    return found


_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer masko_<64 hex>`")


async def workspace(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The caller's workspace id; 401 for a missing or unknown key."""
    if credentials is None:
        raise ApiError(401, "Missing API key: send `Authorization: Bearer masko_<64 hex>`.")
    found = _context(request).workspace_for_key(credentials.credentials)
    if found is None:
        raise ApiError(401, "Invalid API key: check the key of your workspace.")
    return found


Workspace = Annotated[str, Depends(workspace)]
Ctx = Annotated[Context, Depends(context)]


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


async def page(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=200, description="at most 200")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Page:
    """`?limit=&offset=` as plain decimal digits: no sign, spaces, `_`, `1.0` or `true`."""
    for name in ("limit", "offset"):
        text = request.query_params.get(name)
        if text is not None and not _DIGITS.fullmatch(text):
            raise bad_request(name, f"`{name}` must be a whole number in digits, got {text!r}.")
    return Page(limit, offset)


Paging = Annotated[Page, Depends(page)]


def ok(
    request: Request,
    data: Any,
    *,
    status: int = 200,
    page: Page | None = None,
    total: int | None = None,
) -> JSONResponse:
    """The success envelope `{data, meta}`; lists carry `meta.pagination`."""
    meta: dict[str, Any] = {"request_id": getattr(request.state, "request_id", None)}
    if page is not None and total is not None:
        meta["pagination"] = {
            "total": total,
            "limit": page.limit,
            "offset": page.offset,
            "has_more": page.offset + page.limit < total,
        }
    return JSONResponse({"data": data, "meta": meta}, status_code=status)


def owned(store: Store, table: str, row_id: str, workspace_id: str, what: str) -> Row:
    """A row named in the path: 404 if unknown, 403 if it belongs to another workspace."""
    row = store.get(table, row_id)
    if row is None:
        raise ApiError(404, f"No {what} with id {row_id!r}.")
    if row["workspace_id"] != workspace_id:
        raise ApiError(403, f"This {what} belongs to another workspace.")
    return row


def base_url(request: Request) -> str:
    """This server's API root as the caller reached it, e.g. `http://127.0.0.1:8123/v1`."""
    return str(request.base_url).rstrip("/") + "/v1"
