"""Hostile and careless bodies: each gets the right 4xx naming what is wrong, never a 500,
and a refused body is never charged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from masko_widgets.local.api._middleware import MAX_BODY
from tests.conftest import draw_character

MB = 2**20


@pytest.fixture
def collection_id(api) -> str:
    return api.collection()["id"]


def _body_routes(collection_id: str) -> list[str]:
    """Every POST that reads a body."""
    return [
        "/projects",
        "/collections",
        "/upload",
        f"/collections/{collection_id}/references",
        f"/collections/{collection_id}/generate",
        f"/collections/{collection_id}/generate-batch",
        "/generate/preview",
    ]


def _nested(depth: int) -> bytes:
    return b'{"type": "image", "name": "deep", "extra": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize("with_key", [True, False], ids=["Idempotency-Key", "no key"])
def test_deeply_nested_json_is_400_not_500(api, collection_id, with_key):
    balance = api.balance()
    headers = {"Content-Type": "application/json"}
    if with_key:
        headers["Idempotency-Key"] = f"deep-{collection_id}"
    for path in _body_routes(collection_id):
        error = api.error("POST", path, 400, content=_nested(100_000), headers=headers)
        assert "body" in error["message"] or error.get("field"), (path, error)
    assert api.balance() == balance


def _chunks(total: int) -> Iterator[bytes]:
    """A body of `total` bytes sent without Content-Length (chunked)."""
    sent = 0
    while sent < total:
        piece = min(MB, total - sent)
        sent += piece
        yield b"[" * piece


def test_a_chunked_body_over_the_limit_is_413_naming_it_on_every_route(api, collection_id):
    balance = api.balance()
    limit = f"{MAX_BODY // MB} MB"
    every = [*_body_routes(collection_id), f"/collections/{collection_id}/suggest-actions"]
    for path in [*every, "/credits"]:
        method = "GET" if path == "/credits" else "POST"
        headers = {"Content-Type": "application/json", "Idempotency-Key": f"big {path}"}
        response = api.request(method, path, content=_chunks(MAX_BODY + MB), headers=headers)
        assert response.status_code == 413, (path, response.text)
        assert limit in response.json()["error"]["message"], path
    assert api.balance() == balance


def test_a_chunked_body_under_the_limit_is_read_in_full(api):
    image = draw_character()
    response = api.request(
        "POST",
        "/upload",
        content=iter([image[:100], image[100:]]),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400  # a PNG is not JSON: read whole, then refused
    assert response.json()["error"]["field"] == "file"


def test_a_multipart_upload_with_two_files_is_400_naming_file(api):
    png = draw_character()
    for files in (
        [("file", ("a.png", png, "image/png")), ("file", ("b.png", png, "image/png"))],
        [("file", ("a.png", png, "image/png")), ("other", ("b.png", png, "image/png"))],
    ):
        error = api.error("POST", "/upload", 400, "file", files=files)
        assert "one" in error["message"]


STRICT = [
    ("duration", True),
    ("duration", "3"),
    ("duration", 3.0),
    ("duration", 2.5),
    ("duration", 0),
    ("duration", 16),
    ("loop", "true"),
    ("loop", 1),
    ("loop", "yes"),
    ("auto_reverse", 0),
    ("auto_reverse", "false"),
]


@pytest.fixture
def source(api, collection_id) -> str:
    job = api.wait(api.image_job(collection_id)["job_id"])
    return job["asset_ids"]["image"]


@pytest.mark.parametrize(("field", "value"), STRICT, ids=[f"{f}={v!r}" for f, v in STRICT])
def test_numbers_and_booleans_are_strict_and_a_refused_body_costs_nothing(
    api, collection_id, source, field, value
):
    body = {
        "type": "animation",
        "source_image_asset_id": source,
        "animation_prompt": "bounce",
        "duration": 2,
        field: value,
    }
    balance = api.balance()
    api.error("POST", f"/collections/{collection_id}/generate", 400, field, json=body)
    (entry,) = api.ok(
        "POST", f"/collections/{collection_id}/generate-batch", 202, json={"requests": [body]}
    )["jobs"]
    assert entry["status"] == 400 and entry["error"]["field"] == field, entry
    assert api.balance() == balance


JUNK_PAGES = ["abc", "1.0", "true", " 5", "5 ", "5_0", "+5", "0x10", "", "١٢"]


@pytest.mark.parametrize("name", ["limit", "offset"])
@pytest.mark.parametrize("junk", JUNK_PAGES)
def test_paging_takes_whole_numbers_only(api, name, junk):
    error = api.error("GET", "/projects", 400, name, params={name: junk})
    assert name in error["message"]


def test_paging_in_range_works(api):
    assert api.request("GET", "/projects", params={"limit": "200", "offset": "0"}).is_success
    api.error("GET", "/projects", 400, "limit", params={"limit": "201"})
    api.error("GET", "/projects", 400, "offset", params={"offset": "-1"})
