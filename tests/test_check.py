"""masko-check against the stand-in (everything matches) and against a server that answers in
the older shapes the docs also show (every difference is reported, nothing crashes)."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from masko_widgets import MaskoClient, check, local
from masko_widgets.client._auth import ApiKey, BearerAuth, origin

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

    def log_message(self, format: str, *args: Any) -> None:
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
    async def run_check() -> check.Report:
        auth = BearerAuth(ApiKey(KEY), origin(older_server))
        async with check.httpx.AsyncClient(base_url=older_server, auth=auth, timeout=10) as http:
            return await check.check(http, older_server, timeout=30)

    report = asyncio.run(run_check())
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


# --- hostile servers: masko-check ends in time, reads a bounded answer, never shows the key ---

SECRET = "masko_" + "7c1e9a04b3d25f68" * 4
STATED = 2.0  # the timeout the command is given, in seconds
OUTER = 15.0  # the test's own bound on the whole run (a hang fails here)


def _slow_bytes(handler: BaseHTTPRequestHandler, data: bytes, stop: threading.Event) -> None:
    for byte in data:  # a byte a second until the client leaves or the test ends
        if stop.wait(1.0):
            return
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()


def _trickle(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "60")
    handler.end_headers()
    _slow_bytes(handler, b'{"data": {"balance": 1}, "meta": {}}'.ljust(60), stop)


def _headers_then_nothing(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    handler.wfile.flush()
    stop.wait(60)


def _nothing_at_all(_handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    stop.wait(60)


def _ten_megabytes(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    size = 10 * 1024 * 1024
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(size))
    handler.end_headers()
    handler.wfile.write(b'{"data": "')
    chunk = b"a" * 65536
    for _ in range(size // len(chunk)):
        if stop.is_set():
            return
        handler.wfile.write(chunk)


def _deeply_nested(handler: BaseHTTPRequestHandler, _stop: threading.Event) -> None:
    depth = 100_000
    _send(handler, 200, b"[" * depth + b"]" * depth)


def _gzip_bomb(handler: BaseHTTPRequestHandler, _stop: threading.Event) -> None:
    """Compressed although `identity` was asked: 20 kB that inflate to 20 MB."""
    data = gzip.compress(b'{"data": "' + b"0" * 20_000_000, compresslevel=9)
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def _fields_galore(handler: BaseHTTPRequestHandler, _stop: threading.Event) -> None:
    """Lists of 100k empty objects, an object of 40k unknown fields (under 1 MB): a row per
    difference would be millions of rows."""
    if "limit=" in handler.path:
        body = {"data": [{}] * 100_000, "meta": {"pagination": {}}}
    else:
        body = {"data": {f"field{n}": n for n in range(40_000)}, "meta": {}}
    _send(handler, 200, json.dumps(body).encode())


def _echo_the_key(handler: BaseHTTPRequestHandler, _stop: threading.Event) -> None:
    """Error pages that show the request's Authorization header back, whole and in parts."""
    sent = handler.headers.get("Authorization", "")
    key = sent.removeprefix("Bearer ")
    if "unknown" in handler.path or "0000" in handler.path:
        error = {"code": sent, "message": f"no such thing for {sent}"}
        _send(handler, 404, json.dumps({"error": error}).encode())
    elif handler.path.startswith("/v1/projects"):
        _send(handler, 500, f"<h1>500</h1> key={key[:24]}… {key[-24:]}".encode(), "text/html")
    else:
        _send(handler, 500, f"Internal error while serving {sent}".encode(), "text/html")


def _send(handler: BaseHTTPRequestHandler, status: int, data: bytes, mime: str = "") -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", mime or "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


HOSTILE = {
    "trickles a byte a second": (_trickle, "deadline"),
    "sends headers, then nothing": (_headers_then_nothing, "deadline"),
    "sends nothing at all": (_nothing_at_all, "deadline"),
    "sends 10 MB": (_ten_megabytes, "MB"),
    "nests JSON 100k deep": (_deeply_nested, "nested"),
    "sends a gzip bomb": (_gzip_bomb, "does not inflate to 1 MB or less"),
    "sends 100k entries and 40k fields": (_fields_galore, "more differences not shown"),
    "echoes the key in its error pages": (_echo_the_key, "500"),
}


@pytest.fixture
def hostile(request: pytest.FixtureRequest) -> Iterator[str]:
    """A loopback server that answers every request as HOSTILE[request.param] says."""
    behave, _words = HOSTILE[request.param]
    stop = threading.Event()

    class Hostile(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with contextlib.suppress(OSError):  # the check hung up, as it should
                behave(self, stop)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _key_pieces(text: str, key: str = SECRET, size: int = 6) -> list[str]:
    return sorted(
        {key[i : i + size] for i in range(len(key) - size + 1) if key[i : i + size] in text}
    )


@pytest.mark.parametrize("hostile", list(HOSTILE), indirect=True)
def test_a_hostile_server_gets_a_bounded_calm_run_that_never_shows_the_key(hostile, request):
    _behave, words = HOSTILE[request.node.callspec.params["hostile"]]
    env = {**os.environ, "MASKO_API_KEY": SECRET, "MASKO_BASE_URL": hostile}
    command = [sys.executable, "-m", "masko_widgets.check", "--timeout", str(STATED)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=OUTER)

    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stderr == "", done.stderr
    assert words in done.stdout, done.stdout
    assert len(done.stdout.splitlines()) < 200, "a table to read, not a flood"
    assert _key_pieces(done.stdout + done.stderr) == [], done.stdout


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"Bearer {SECRET}", "Bearer [key hidden]"),
        (
            f"starts {SECRET[:10]}…, ends …{SECRET[-7:]}.",
            "starts [key hidden]…, ends …[key hidden].",
        ),
        (f"middle {SECRET[20:26].upper()} x", "middle [key hidden] x"),  # any case
        (f"too short to hide: {SECRET[30:35]}", f"too short to hide: {SECRET[30:35]}"),
        ("masko-check: 3 calls", "masko-check: 3 calls"),
    ],
)
def test_the_redactor_hides_every_run_of_six_key_characters(text, shown):
    from masko_widgets._check_http import Redactor

    redact = Redactor(SECRET)
    assert redact(text) == shown
    assert SECRET[:8] not in repr(redact)


@pytest.mark.parametrize("argv", [["--timeout", "0"], ["--timeout", "soon"], ["--fast"]])
def test_bad_arguments_get_exit_code_2_and_words(argv):
    out = io.StringIO()
    assert check.main(argv, environ={"MASKO_API_KEY": KEY}, out=out) == 2
    assert "--timeout" in out.getvalue()
