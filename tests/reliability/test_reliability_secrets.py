"""Secrets and boundaries: the API key never shows up in widget state, saved notebooks,
reprs, log records, error messages or the stand-in's files; the stand-in listens on loopback
only; workspaces cannot reach each other's ids; file URLs cannot be walked."""

from __future__ import annotations

import http.client
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import ipywidgets
import nbformat
import pytest
from nbclient import NotebookClient

from masko_widgets import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    InvalidImageError,
    JobFailedError,
    MascotStudio,
    MaskoClient,
    MaskoError,
    NotFoundError,
    PayloadTooLargeError,
    PoseGrid,
    PreviewPanel,
    RateLimitError,
    ReferenceGallery,
    connect,
    local,
)
from masko_widgets.export import export_html
from tests.conftest import draw_character
from tests.local.conftest import png_bomb
from tests.reliability import _restart
from tests.reliability._secrets import Haystacks
from tests.reliability._world import UNKNOWN
from tests.widgets.wire import front_end_event, recording

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LOG_EVERYTHING = (
    "import logging, sys\n"
    "logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, force=True)"
)
WRONG_KEY = "masko_" + "cd" * 32


@pytest.fixture(scope="module")
def keyed(tmp_path_factory) -> Iterator:
    """A stand-in whose default workspace key is the secret to look for."""
    with local.start(tmp_path_factory.mktemp("keyed")) as server:
        yield server


@pytest.fixture
def env_key(keyed, monkeypatch):
    """connect() and widgets without a client use the key from the environment."""
    monkeypatch.setenv("MASKO_API_KEY", keyed.api_key)
    monkeypatch.setenv("MASKO_BASE_URL", keyed.url)
    return keyed.api_key


def all_widgets(roots: list) -> list:
    """The widgets and every widget they hold (children, parts, chained poses)."""
    seen: dict[str, ipywidgets.Widget] = {}
    todo = list(roots)
    while todo:
        widget = todo.pop()
        if not isinstance(widget, ipywidgets.Widget) or widget.model_id in seen:
            continue
        seen[widget.model_id] = widget
        for name in widget.keys:
            value = getattr(widget, name, None)
            todo.extend(value if isinstance(value, (list, tuple)) else [value])
    return list(seen.values())


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_no_key_in_widget_state_reprs_errors_logs_or_files(
    keyed, env_key, caplog, capsys, tmp_path
):
    caplog.set_level(logging.DEBUG)
    hay = Haystacks()
    errors: list[BaseException] = []

    def expect_error(kind: type[BaseException], call) -> None:
        with pytest.raises(kind) as raised:
            call()
        errors.append(raised.value)

    with recording() as wire:
        client = connect()
        collection = client.collections.create("secret mascot")
        studio = MascotStudio(collection=collection)  # no client: connect() reads the env
        gallery, panel, grid = studio.parts
        gallery.add(draw_character())
        spare = client.uploads.create(draw_character((60, 140, 220)))
        gallery.add(spare.url)
        panel.add_hint(draw_character((200, 60, 160)))
        panel.add_hint(spare.url)
        panel.preview("the mascot waving")
        panel.keep(0, "kept").wait(60)
        grid.generate(["waving", "sitting"]).wait(60)
        grid.select(grid.poses[0].item_id)
        grid.animate("bounce", duration=1).wait(60)
        grid.suggest()
        studio.refresh()
        front_end_event(gallery, {"event": "add_file", "name": "drawn.png"},
                        [draw_character((10, 90, 10))])
        front_end_event(grid, {"event": "refresh"})
        studio.wait(60)
        standalone = [ReferenceGallery(collection=collection), PreviewPanel(),
                      PoseGrid(collection=collection)]
        expect_error(InvalidImageError, lambda: standalone[0].add(b"not an image"))
        expect_error(BadRequestError, lambda: standalone[1].preview("a pose " * 1000))

        # Errors of every kind, raised for a client that holds the key.
        expect_error(NotFoundError, lambda: client.collections.get(UNKNOWN))
        expect_error(PayloadTooLargeError, lambda: client.uploads.create(png_bomb(10_000, 10_000)))
        expect_error(APIConnectionError, MaskoClient(
            base_url=f"http://127.0.0.1:{closed_port()}/v1", max_retries=0).credits)
        for fault, kind in (("rate_limit", RateLimitError), ("server_error", InternalServerError)):
            keyed.set_faults(**{fault: 1.0})
            expect_error(kind, MaskoClient(max_retries=0).credits)
            keyed.set_faults(local.Faults())
        keyed.set_faults(job_failure=1.0)
        expect_error(JobFailedError,
                     lambda: client.generations.image(collection, "doomed", "doomed").wait(60))
        failing = grid.generate(["also doomed"])
        expect_error(MaskoError, lambda: failing.wait(60))
        keyed.set_faults(local.Faults())
        expect_error(AuthenticationError, MaskoClient(api_key=WRONG_KEY).credits)
        export_html(studio, tmp_path / "page.html")

    widgets = all_widgets([studio, *standalone])
    assert len(widgets) > 10 and len(grid.poses) >= 3 and grid.animation.get("data")
    assert gallery.error == "" and grid.error  # the doomed pose is reported in words
    assert len(wire.sent) > 50 and len(caplog.records) > 50 and len(errors) == 10

    hay.add("wire", [(sent.data, sent.buffers) for sent in wire.sent])
    for widget in widgets:
        hay.add(f"get_state {type(widget).__name__}", widget.get_state())
        hay.add(f"repr {type(widget).__name__}", repr(widget))
    models = [*client.projects.list(), *client.collections.list(), *client.jobs.list(),
              *client.items.list(collection), client.references.list(collection), spare,
              *panel._client.previews.create("one more"), grid.poses[0]]
    models += [client.assets.get(asset_id) for job in client.jobs.list()
               for asset_id in job.asset_ids.values()]
    hay.add("reprs", [repr(thing) for thing in (client, keyed, *models)] + [str(client)])
    for error in errors:
        hay.add_error(type(error).__name__, error)
    hay.add_records("log", caplog.records)
    captured = capsys.readouterr()
    hay.add("stdout/stderr", [captured.out, captured.err])
    hay.add_files("exported", tmp_path)
    hay.add_files("stand-in data", keyed.data_dir, skip=["api_key"])

    assert hay.hits(env_key) == []
    assert errors[-1].status_code == 401 and hay.hits(WRONG_KEY) == []


def test_no_key_in_executed_notebooks(keyed, env_key, tmp_path):
    """Every notebook runs against the keyed stand-in, logging everything to its outputs,
    and is saved with its widget state; neither the files nor the state hold the key."""
    import os

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(NOTEBOOKS.parent), os.environ.get("PYTHONPATH")]))}
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.insert(0, nbformat.v4.new_code_cell(LOG_EVERYTHING))
        NotebookClient(notebook, timeout=600, kernel_name="python3", store_widget_state=True,
                       resources={"metadata": {"path": str(tmp_path)}}).execute(env=env)
        nbformat.write(notebook, tmp_path / path.name)
        state = notebook.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
        assert state, f"{path.name} saved no widget state"
        assert "DEBUG" in nbformat.writes(notebook), "the log records did not reach the outputs"
    hay = Haystacks()
    hay.add_files("notebook run", tmp_path)
    assert {label.split()[-1] for label, _ in hay.pieces} >= {path.name for path in notebooks}
    assert hay.hits(env_key) == []


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
    theirs = httpx.Client(base_url=keyed.url, timeout=60,
                          headers={"Authorization": f"Bearer {theirs_key}"})
    own = theirs.post("/collections", json={"name": "theirs"}).json()["data"]["id"]
    ref, image = collection.reference_asset_ids[0], job.asset_ids["image"]
    before = (mine.credits(), mine.references.list(collection), mine.items.list(collection))
    c = collection.id
    path_probes = [
        ("GET", f"/collections/{c}", None), ("GET", f"/collections/{c}/items", None),
        ("GET", f"/collections/{c}/references", None), ("GET", f"/items/{job.item_id}", None),
        ("GET", f"/assets/{ref}", None), ("GET", f"/assets/{image}", None),
        ("GET", f"/jobs/{job.id}", None), ("DELETE", f"/collections/{c}/references/{ref}", None),
        ("POST", f"/collections/{c}/references", {"asset_id": ref}),
        ("POST", f"/collections/{c}/generate", {"type": "image", "name": "x", "image_prompt": "x"}),
        ("POST", f"/collections/{c}/generate-batch",
         {"requests": [{"type": "image", "name": "x", "image_prompt": "x"}]}),
        ("POST", f"/collections/{c}/suggest-actions", None),
    ]
    for method, path, body in path_probes:
        answer = theirs.request(method, path, json=body)
        assert answer.status_code in (403, 404), (method, path, answer.text)
    body_probes = [
        ("/generate/preview", {"prompt": "x", "collection_id": c}),
        (f"/collections/{own}/references", {"asset_id": ref}),
        (f"/collections/{own}/generate", {"type": "animation", "animation_prompt": "x",
                                          "duration": 1, "source_image_asset_id": image}),
        ("/collections", {"name": "copy", "reference_asset_ids": [ref]}),
    ]
    for path, body in body_probes:
        answer = theirs.post(path, json=body)
        assert answer.status_code == 400, (path, answer.text)
    listed = " ".join(theirs.get(path).text for path in
                      ("/projects", "/collections", "/jobs", f"/jobs?collection_id={c}"))
    for secret_id in (c, ref, image, job.id, job.item_id, collection.project_id):
        assert secret_id not in listed
    assert (mine.credits(), mine.references.list(collection),
            mine.items.list(collection)) == before
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
        f"/v1/files/{token}.jpg", f"/v1/files/{token}.PNG", f"/v1/files/{token}",
        f"/v1/files/{token[:-1]}.png", f"/v1/files/{token}A.png", f"/v1/files/{'A' * 32}.png",
        f"/v1/files/{shown}.png", f"/v1/previews/{token}.png", f"/v1/files/{asset.id}.png",
        "/v1/files/api_key", "/v1/files/masko.sqlite3", f"/v1/files/{token}.png%00.txt",
        f"/v1/files/{token}.png.png",
    ]
    walking = [  # paths out of the folder: refused, 400 or 404
        "/v1/files/../api_key", "/v1/files/..%2Fapi_key", "/v1/files/%2e%2e%2fapi_key",
        "/v1/files/%2e%2e/masko.sqlite3", "/v1/files/..\\api_key", "/v1/files/%5c..%5capi_key",
        "/v1/files//etc/passwd", "/v1/files/%2Fetc%2Fpasswd", "/v1/files/%252e%252e%252fapi_key",
        f"/v1/files/{token}.png/../../api_key", "/v1/previews/../api_key",
        "/v1/previews/..%2F..%2Fapi_key", "/v1/files/....//....//api_key",
        f"/v1/files/..%2Ffiles%2F{asset.id}.png",
    ]
    secrets = [keyed.api_key.encode(), b"SQLite format 3", data[:64]]
    for path in malformed + walking:
        status, body = raw_get(keyed.url, path)
        assert status == 404 if path in malformed else status in (400, 404), (path, status)
        assert not any(secret in body for secret in secrets), path
