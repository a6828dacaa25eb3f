"""Looking for a key everywhere it could leak. `exercise` drives every widget and provokes
every kind of error with the key in the environment; `run_notebooks` executes the notebooks
and saves them with their widget state. Both return haystacks to search. Shared by the
reliability tests and bench/bench_reliability.py.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import os
import socket
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
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
from tests.reliability._world import UNKNOWN
from tests.widgets.wire import all_widgets, front_end_event, recording

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
LOG_EVERYTHING = (
    "import logging, sys\nlogging.basicConfig(level=logging.DEBUG, stream=sys.stdout, force=True)"
)
WRONG_KEY = "masko_" + "cd" * 32


def needles(key: str) -> list[bytes]:
    """The key as text, its secret hex part, and the key base64-encoded."""
    return [key.encode(), key.removeprefix("masko_").encode(), base64.b64encode(key.encode())]


class Haystacks:
    """Named pieces of text and bytes to search; `hits` names those holding a needle."""

    def __init__(self) -> None:
        self.pieces: list[tuple[str, bytes]] = []

    def add(self, label: str, value: Any) -> None:
        for part in _flatten(value):
            self.pieces.append((label, part))

    def add_error(self, label: str, exc: BaseException) -> None:
        self.add(
            label,
            [str(exc), repr(exc), *map(str, exc.args), "".join(traceback.format_exception(exc))],
        )
        for name in ("message", "body", "code", "field", "request_id"):
            if hasattr(exc, name):
                self.add(f"{label}.{name}", getattr(exc, name))

    def add_records(self, label: str, records: Iterable[logging.LogRecord]) -> None:
        formatter = logging.Formatter()
        for record in records:
            text = [record.name, record.getMessage(), repr(record.args)]
            if record.exc_info:
                text.append(formatter.formatException(record.exc_info))
            self.add(f"{label} {record.name}", text)

    def add_files(self, label: str, folder: Path, skip: Iterable[str] = ()) -> None:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name not in set(skip):
                self.add(f"{label} {path.relative_to(folder)}", path.read_bytes())

    def hits(self, key: str) -> list[str]:
        found = []
        for label, data in self.pieces:
            if any(needle in data for needle in needles(key)):
                found.append(label)
        return found

    @property
    def size(self) -> int:
        return sum(len(data) for _label, data in self.pieces)


def _flatten(value: Any) -> Iterator[bytes]:
    """Every string and byte string inside `value`, encoded; other leaves as their repr."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        yield bytes(value)
    elif isinstance(value, str):
        yield value.encode()
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(key)
            yield from _flatten(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _flatten(item)
    elif value is not None:
        yield json.dumps(value, default=repr).encode()


@dataclass
class Sweep:
    """What `exercise` did, and everything it produced."""

    hay: Haystacks = field(default_factory=Haystacks)
    widgets: int = 0
    messages: int = 0
    records: int = 0
    errors: list[BaseException] = field(default_factory=list)
    poses: int = 0
    animated: bool = False
    grid_error: str = ""
    gallery_error: str = ""


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def keyed_environment(server: Any) -> Iterator[None]:
    """MASKO_API_KEY and MASKO_BASE_URL set to the stand-in's, restored after."""
    saved = {name: os.environ.get(name) for name in ("MASKO_API_KEY", "MASKO_BASE_URL")}
    os.environ.update(MASKO_API_KEY=server.api_key, MASKO_BASE_URL=server.url)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def everything_logged() -> Iterator[_Records]:
    root = logging.getLogger()
    handler, level = _Records(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def exercise(server: Any, folder: Path) -> Sweep:
    """Every widget and every kind of error, with the stand-in's key in the environment."""
    sweep = Sweep()
    out, err = io.StringIO(), io.StringIO()
    with (
        keyed_environment(server),
        everything_logged() as logged,
        recording() as wire,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        client, studio, standalone = _drive_widgets(server, sweep, folder)
        sweep.hay.add("wire", [(sent.data, sent.buffers) for sent in wire.sent])
        sweep.messages = len(wire.sent)
        widgets = all_widgets([studio, *standalone])
        for widget in widgets:
            sweep.hay.add(f"get_state {type(widget).__name__}", widget.get_state())
            sweep.hay.add(f"repr {type(widget).__name__}", repr(widget))
        sweep.widgets = len(widgets)
        sweep.hay.add("reprs", [repr(thing) for thing in (client, server, *_models(client))])
        client.close()
    for error in sweep.errors:
        sweep.hay.add_error(type(error).__name__, error)
    sweep.hay.add_records("log", logged.records)
    sweep.records = len(logged.records)
    sweep.hay.add("stdout/stderr", [out.getvalue(), err.getvalue()])
    sweep.hay.add_files("exported", folder)
    sweep.hay.add_files("stand-in data", server.data_dir, skip=["api_key"])
    return sweep


def _drive_widgets(server: Any, sweep: Sweep, folder: Path) -> tuple[MaskoClient, Any, list]:
    def expect(kind: type[BaseException], call: Callable[[], Any]) -> None:
        try:
            call()
        except kind as exc:
            sweep.errors.append(exc)
            return
        raise AssertionError(f"expected {kind.__name__}")

    client = connect()
    collection = client.collections.create("secret mascot")
    studio = MascotStudio(collection=collection)  # no client: connect() reads the environment
    gallery, panel, grid = studio.gallery, studio.preview, studio.grid
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
    front_end_event(
        gallery, {"event": "add_file", "name": "drawn.png"}, [draw_character((10, 90, 10))]
    )
    front_end_event(grid, {"event": "refresh"})
    studio.wait(60)
    standalone = [
        ReferenceGallery(collection=collection),
        PreviewPanel(),
        PoseGrid(collection=collection),
    ]
    expect(InvalidImageError, lambda: standalone[0].add(b"not an image"))
    expect(BadRequestError, lambda: standalone[1].preview("a pose " * 1000))
    # Errors of every kind, raised for clients that hold the key.
    expect(NotFoundError, lambda: client.collections.get(UNKNOWN))
    expect(InvalidImageError, lambda: client.uploads.create(png_bomb(10_000, 10_000)))
    expect(
        APIConnectionError,
        MaskoClient(base_url=f"http://127.0.0.1:{closed_port()}/v1", max_retries=0).credits,
    )
    for fault, kind in (("rate_limit", RateLimitError), ("server_error", InternalServerError)):
        server.set_faults(**{fault: 1.0})
        expect(kind, MaskoClient(max_retries=0).credits)
        server.set_faults(local.Faults())
    server.set_faults(job_failure=1.0)
    expect(JobFailedError, lambda: client.generations.image(collection, "doomed", "x").wait(60))
    failing = grid.generate(["also doomed"])
    expect(MaskoError, lambda: failing.wait(60))
    server.set_faults(local.Faults())
    expect(AuthenticationError, MaskoClient(api_key=WRONG_KEY).credits)
    export_html(studio, folder / "page.html")
    sweep.poses = len(grid.poses)
    sweep.animated = bool(grid.animation.get("data"))
    sweep.grid_error, sweep.gallery_error = grid.error, gallery.error
    return client, studio, standalone


def _models(client: MaskoClient) -> list[Any]:
    """One of every model the client returns."""
    jobs = client.jobs.list()
    collection = client.collections.list()[0]
    return [
        *client.projects.list(),
        collection,
        client.references.list(collection),
        *jobs,
        *client.items.list(collection),
        *client.previews.create("one more"),
        *(client.assets.get(asset_id) for job in jobs for asset_id in job.asset_ids.values()),
    ]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_notebooks(server: Any, folder: Path) -> tuple[list[str], Haystacks]:
    """Execute every notebook against `server` with the key in the kernel's environment,
    logging everything into the outputs, and save each with its widget state in `folder`.
    Returns the names of notebooks saved with widget state, and the files to search."""
    env = {
        **os.environ,
        "MASKO_API_KEY": server.api_key,
        "MASKO_BASE_URL": server.url,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    with_state = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.insert(0, nbformat.v4.new_code_cell(LOG_EVERYTHING))
        NotebookClient(
            notebook,
            timeout=600,
            kernel_name="python3",
            store_widget_state=True,
            resources={"metadata": {"path": str(folder)}},
        ).execute(env=env)
        nbformat.write(notebook, folder / path.name)
        widgets = notebook.metadata.get("widgets", {})
        if widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state"):
            with_state.append(path.name)
    hay = Haystacks()
    hay.add_files("notebook run", folder)
    return with_state, hay
