"""masko-check against the stand-in (everything matches) and against a server that answers in
the older shapes the docs also show (every difference is reported, nothing crashes)."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from masko_widgets import MaskoClient, check, local

KEY = "masko_" + "ab" * 32
TIMES = {"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
PROJECT = {"id": "p1", "name": "Default", "organization_id": "o1", **TIMES}
COLLECTION = {
    "id": "c1",
    "project_id": "p1",
    "name": "Fox",
    "type": "mascot",
    "slug": "fox",
    "config": {"prompt": "a fox", "reference_asset_ids": [], "style_card": None},
    **TIMES,
}
ITEM = {"id": "i1", "collection_id": "c1", "name": "waving", "type": "image"}
ASSET = {
    "id": "a1",
    "type": "image",
    "status": "completed",
    "url": "https://files.example/a1.png",
    "width": "512",
}
JOB = {"id": "j1", "status": "completed", "type": "image", "cost_credits": 1}

# The older shapes of the docs: bare objects, lists under a named key, flat error strings.
OLDER = {
    "/v1/credits": (200, {"balance": 5}),
    "/v1/projects": (200, {"projects": [PROJECT]}),
    "/v1/collections": (200, {"collections": [COLLECTION], "pagination": {"total": 1}}),
    "/v1/collections/c1": (200, COLLECTION),
    "/v1/collections/c1/items": (200, {"items": [{**ITEM, "assets": {"image": "a1"}}]}),
    "/v1/assets/a1": (200, ASSET),
    "/v1/jobs": (200, {"data": [JOB], "meta": {}}),
    "/v1/jobs/j1": (500, "<html>Internal Server Error</html>"),
}

# (call, where) of every difference the older shapes have from the contract.
OLDER_DIFFERENCES = {
    ("GET /credits", "body"),
    ("GET /projects?limit=2&offset=0", "body"),
    ("GET /projects?limit=2&offset=0", "data"),
    ("GET /projects?limit=2&offset=0", "meta.pagination"),
    ("GET /collections?limit=2&offset=0", "body"),
    ("GET /collections?limit=2&offset=0", "data"),
    ("GET /collections?limit=2&offset=0", "meta.pagination"),
    ("GET /collections?limit=2&offset=0", "pagination.limit"),
    ("GET /collections?limit=2&offset=0", "pagination.offset"),
    ("GET /collections?limit=2&offset=0", "pagination.has_more"),
    ("GET /collections?limit=2&offset=0", "data[0].config.caution_list"),
    ("GET /collections/c1", "body"),
    ("GET /collections/c1", "data.config.caution_list"),
    ("GET /collections/c1/items?limit=2&offset=0", "body"),
    ("GET /collections/c1/items?limit=2&offset=0", "data"),
    ("GET /collections/c1/items?limit=2&offset=0", "meta.pagination"),
    ("GET /collections/c1/items?limit=2&offset=0", "data[0].image_prompt"),
    ("GET /collections/c1/items?limit=2&offset=0", "data[0].created_at"),
    ("GET /assets/a1", "body"),
    *(
        ("GET /assets/a1", f"data.{name}")
        for name in ("item_id", "collection_id", "mime_type", "width", "height", "created_at")
    ),
    *(
        ("GET /jobs?limit=2&offset=0", f"data[0].{name}")
        for name in check.RESOURCE_FIELDS["job"]
        if name not in JOB
    ),
    ("GET /jobs?limit=2&offset=0", "meta.pagination"),
    ("GET /jobs/j1", "status"),
    (f"GET /collections/{check.UNKNOWN_ID}", "error"),
    ("GET /credits without the key", "error"),
}


class OlderShapes(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if self.headers.get("Authorization") != f"Bearer {KEY}":
            status, body = 401, {"error": "Unauthorized"}
        else:
            status, body = OLDER.get(path, (404, {"error": "Not found"}))
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header(
            "Content-Type", "text/html" if isinstance(body, str) else "application/json"
        )
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def older_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), OlderShapes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def run(environ: dict[str, str]) -> tuple[int, str]:
    out = io.StringIO()
    code = check.main([], environ=environ, out=out)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def busy_standin(tmp_path_factory) -> Iterator[local.LocalServer]:
    """A stand-in whose workspace has a collection with a generated pose, and its job."""
    with local.start(tmp_path_factory.mktemp("check")) as server:
        with MaskoClient(api_key=server.api_key, base_url=server.url) as client:
            collection = client.collections.create("Fox")
            client.generations.image(collection, "waving", "the fox waving").wait(timeout=60)
        yield server


def test_the_standin_matches_the_contract(busy_standin):
    code, output = run({"MASKO_API_KEY": busy_standin.api_key, "MASKO_BASE_URL": busy_standin.url})
    assert output.splitlines()[1] == "Every answer matches the contract.", output
    assert "note:" not in output  # every call ran: items, an asset and one job included
    assert code == 0
    assert busy_standin.api_key not in output


def test_older_shapes_are_all_reported(older_server):
    code, output = run({"MASKO_API_KEY": KEY, "MASKO_BASE_URL": older_server})
    assert code == 1
    assert KEY not in output
    lines = output.splitlines()
    assert lines[1].split() == ["call", "where", "contract", "answer"]
    assert lines[-1] == f"{len(OLDER_DIFFERENCES)} differences from the contract."
    assert len(lines) == 3 + len(OLDER_DIFFERENCES)


def test_older_shapes_report_each_difference(older_server):
    with check.httpx.Client(
        base_url=older_server, headers={"Authorization": f"Bearer {KEY}"}, timeout=10
    ) as http:
        report = check.check(http, older_server)
    assert {(d.call, d.where) for d in report.differences} == OLDER_DIFFERENCES
    assert report.notes == []


def test_without_a_key_it_says_what_to_set():
    code, output = run({})
    assert code == 2
    assert "set MASKO_API_KEY" in output


def test_an_unreachable_api_is_a_difference_not_a_crash(older_server):
    code, output = run({"MASKO_API_KEY": KEY, "MASKO_BASE_URL": "http://127.0.0.1:9/v1"})
    assert code == 1
    assert "no answer (ConnectError)" in output
    assert KEY not in output
