"""Secrets and boundaries: the API key never shows up in widget state, saved notebooks,
reprs, log records, error messages or the stand-in's files; the stand-in listens on loopback
only; workspaces cannot reach each other's ids; file URLs cannot be walked."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from masko_widgets import MaskoClient, local
from tests.conftest import draw_character
from tests.reliability import _restart, _secrets


@pytest.fixture(scope="module")
def keyed(tmp_path_factory) -> Iterator:
    """A stand-in whose default workspace key is the secret to look for."""
    with local.start(tmp_path_factory.mktemp("keyed")) as server:
        yield server


def test_no_key_in_widget_state_reprs_errors_logs_or_files(keyed, tmp_path):
    sweep = _secrets.exercise(keyed, tmp_path)
    # The sweep did what it says, so finding nothing means something.
    assert sweep.widgets >= 8 and sweep.messages > 50 and sweep.records > 50
    assert sweep.poses >= 3 and sweep.animated and len(sweep.errors) == 10
    assert sweep.gallery_error == "" and sweep.grid_error  # the doomed pose, in words
    assert sweep.errors[-1].status_code == 401
    assert sweep.hay.hits(keyed.api_key) == []
    assert sweep.hay.hits(_secrets.WRONG_KEY) == []  # a refused key is not echoed either


def test_no_key_in_executed_notebooks(keyed, tmp_path):
    """Every notebook runs against the keyed stand-in, logging everything into its outputs,
    and is saved with its widget state; neither the files nor the state hold the key."""
    names = sorted(path.name for path in _secrets.NOTEBOOKS.glob("*.ipynb"))
    with_state, hay = _secrets.run_notebooks(keyed, tmp_path)
    assert names and with_state == names
    saved = b"".join(data for label, data in hay.pieces if label.endswith(".ipynb"))
    assert b"DEBUG" in saved and b"widget-state" in saved
    assert hay.hits(keyed.api_key) == []


def listening(port: int) -> set[str]:
    """Addresses (hex, as the kernel writes them) with a socket listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":
                found.add(address)
    return found


def test_the_stand_in_listens_on_loopback_only(keyed, tmp_path):
    assert keyed.url.startswith("http://127.0.0.1:")
    assert listening(keyed.port) == {"0100007F"}
    process = _restart.spawn(tmp_path / "cli")
    try:
        assert process.url.startswith("http://127.0.0.1:")
        assert listening(process.port) == {"0100007F"}
    finally:
        _restart.stop(process)


def test_workspaces_cannot_reach_each_other(keyed):
    mine = MaskoClient(api_key=keyed.api_key, base_url=keyed.url)
    collection = mine.collections.create("private", references=[draw_character()])
    job = mine.generations.image(collection, "waving", "waving").wait(60)
    theirs_key = keyed.new_workspace_key()
    theirs = httpx.Client(
        base_url=keyed.url, timeout=60, headers={"Authorization": f"Bearer {theirs_key}"}
    )
    own = theirs.post("/collections", json={"name": "theirs"}).json()["data"]["id"]
    ref, image = collection.reference_asset_ids[0], job.asset_ids["image"]
    before = (mine.credits(), mine.references.list(collection), mine.items.list(collection))
    c = collection.id
    path_probes = [
        ("GET", f"/collections/{c}", None),
        ("GET", f"/collections/{c}/items", None),
        ("GET", f"/collections/{c}/references", None),
        ("GET", f"/items/{job.item_id}", None),
        ("GET", f"/assets/{ref}", None),
        ("GET", f"/assets/{image}", None),
        ("GET", f"/jobs/{job.id}", None),
        ("DELETE", f"/collections/{c}/references/{ref}", None),
        ("POST", f"/collections/{c}/references", {"asset_id": ref}),
        ("POST", f"/collections/{c}/generate", {"type": "image", "name": "x", "image_prompt": "x"}),
        (
            "POST",
            f"/collections/{c}/generate-batch",
            {"requests": [{"type": "image", "name": "x", "image_prompt": "x"}]},
        ),
        ("POST", f"/collections/{c}/suggest-actions", None),
    ]
    for method, path, body in path_probes:
        answer = theirs.request(method, path, json=body)
        assert answer.status_code in (403, 404), (method, path, answer.text)
    body_probes = [
        ("/generate/preview", {"prompt": "x", "collection_id": c}),
        (f"/collections/{own}/references", {"asset_id": ref}),
        (
            f"/collections/{own}/generate",
            {
                "type": "animation",
                "animation_prompt": "x",
                "duration": 1,
                "source_image_asset_id": image,
            },
        ),
        ("/collections", {"name": "copy", "reference_asset_ids": [ref]}),
    ]
    for path, body in body_probes:
        answer = theirs.post(path, json=body)
        assert answer.status_code == 400, (path, answer.text)
    listed = " ".join(
        theirs.get(path).text
        for path in ("/projects", "/collections", "/jobs", f"/jobs?collection_id={c}")
    )
    for secret_id in (c, ref, image, job.id, job.item_id, collection.project_id):
        assert secret_id not in listed
    assert (mine.credits(), mine.references.list(collection), mine.items.list(collection)) == before
    assert theirs.get("/credits").json()["data"]["balance"] == 1000
    theirs.close()
    mine.close()


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """GET `path` exactly as written (no dot-segment clean-up, no re-encoding)."""
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_file_urls_cannot_be_walked(keyed):
    with MaskoClient(api_key=keyed.api_key, base_url=keyed.url) as client:
        asset = client.uploads.create(draw_character())
        preview = client.previews.create("a quick idea")[0]
    token = asset.url.rsplit("/", 1)[1].split(".")[0]
    shown = preview.url.rsplit("/", 1)[1].split(".")[0]
    status, data = raw_get(keyed.url, f"/v1/files/{token}.png")
    assert status == 200 and data == (keyed.data_dir / "files" / f"{asset.id}.png").read_bytes()
    malformed = [  # token-shaped but wrong: exactly 404
        f"/v1/files/{token}.jpg",
        f"/v1/files/{token}.PNG",
        f"/v1/files/{token}",
        f"/v1/files/{token[:-1]}.png",
        f"/v1/files/{token}A.png",
        f"/v1/files/{'A' * 32}.png",
        f"/v1/files/{shown}.png",
        f"/v1/previews/{token}.png",
        f"/v1/files/{asset.id}.png",
        "/v1/files/api_key",
        "/v1/files/masko.sqlite3",
        f"/v1/files/{token}.png%00.txt",
        f"/v1/files/{token}.png.png",
    ]
    walking = [  # paths out of the folder: refused, 400 or 404
        "/v1/files/../api_key",
        "/v1/files/..%2Fapi_key",
        "/v1/files/%2e%2e%2fapi_key",
        "/v1/files/%2e%2e/masko.sqlite3",
        "/v1/files/..\\api_key",
        "/v1/files/%5c..%5capi_key",
        "/v1/files//etc/passwd",
        "/v1/files/%2Fetc%2Fpasswd",
        "/v1/files/%252e%252e%252fapi_key",
        f"/v1/files/{token}.png/../../api_key",
        "/v1/previews/../api_key",
        "/v1/previews/..%2F..%2Fapi_key",
        "/v1/files/....//....//api_key",
        f"/v1/files/..%2Ffiles%2F{asset.id}.png",
    ]
    secrets = [keyed.api_key.encode(), b"SQLite format 3", data[:64]]
    for path in malformed + walking:
        status, body = raw_get(keyed.url, path)
        assert status == 404 if path in malformed else status in (400, 404), (path, status)
        assert not any(secret in body for secret in secrets), path
