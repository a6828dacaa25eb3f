"""marimo and Voila servers for the browser tests (Notebook 7 runs on the JupyterLab server:
see `_lab.py`), each serving a folder where every test writes a page of its own.

Every server runs on 127.0.0.1 and a free port with its own home and Jupyter folders, and is
stopped by its PID; each page load runs its document in a fresh kernel. The studio's kernel
reads the stand-in to use from `standin.json` in a probe folder and writes the grid's
selection to `selected.txt` there, so a test can check that a click reached the Python trait
in any front end.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from tests.browser._lab import free_port, isolated_env

PROBE_FILE = "selected.txt"

STUDIO_CODE = """\
import json, pathlib
from masko_widgets import MaskoClient, MascotStudio
probe = pathlib.Path({probe!r})
facts = json.loads((probe / "standin.json").read_text())
client = MaskoClient(api_key=facts["key"], base_url=facts["url"])
studio = MascotStudio(client, facts["collection"])
def _record(change):
    (probe / {file!r}).write_text(change["new"] or "")
studio.grid.observe(_record, "selected_item_id")
"""

WAIT = 60_000
"""Milliseconds a page may take to show what a step expects (servers share a busy machine)."""
DRAWN_AT_MOST = 200
"""Tiles in the page at once, whatever the number of poses (the grid is virtual)."""


def studio_code(probe: Path) -> str:
    """Python that makes the studio of the collection named in `probe`/standin.json."""
    return STUDIO_CODE.format(probe=str(probe), file=PROBE_FILE)


def write_probe(probe: Path, url: str, key: str, collection: str) -> None:
    probe.mkdir(parents=True, exist_ok=True)
    facts = {"url": url, "key": key, "collection": collection}
    (probe / "standin.json").write_text(json.dumps(facts))
    (probe / PROBE_FILE).unlink(missing_ok=True)


def selected(probe: Path, timeout: float = 15.0, expected: str | None = None) -> str:
    """The item id the kernel recorded as selected, waiting until it is `expected`."""
    path = probe / PROBE_FILE
    deadline = time.monotonic() + timeout
    value = ""
    while time.monotonic() < deadline:
        value = path.read_text() if path.exists() else ""
        if value and (expected is None or value == expected):
            return value
        time.sleep(0.05)
    raise AssertionError(f"the kernel recorded {value!r} as selected, not {expected!r}")


@dataclass
class Server:
    """A started front-end server on a folder: pages to open and the process to stop."""

    name: str
    base: str
    root: Path
    process: subprocess.Popen[bytes]
    log: Path

    def page(self, code: str) -> str:
        """The URL of a new document in the folder whose one cell runs `code` and shows
        `studio` (marimo: `mo.ui.anywidget(studio)`)."""
        stem = f"p{secrets.token_hex(4)}"
        if self.name == "marimo":
            (self.root / f"{stem}.py").write_text(code)
            return f"{self.base}/?code={self.root / stem}.py"
        _notebook(self.root / f"{stem}.ipynb", code)
        return f"{self.base}/voila/render/{stem}.ipynb"

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _wait_for_http(server: Server, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited early:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.base + path, timeout=5):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise TimeoutError(f"{server.name} did not answer within {timeout} s:\n{server.log_tail()}")


@contextmanager
def _serving(name: str, base: Path, command: list[str], port: int) -> Iterator[Server]:
    """Start `command` in `base`/root; ready when its home page answers."""
    env = isolated_env(base)
    env["MARIMO_SKIP_UPDATE_CHECK"] = "1"
    log = base / f"{name}.log"
    root = base / "root"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root)
    server = Server(name, f"http://127.0.0.1:{port}", root, process, log)
    try:
        _wait_for_http(server, "/")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _notebook(path: Path, code: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(code + "studio")]
    notebook.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3", "language": "python",
    }  # fmt: skip
    nbformat.write(notebook, path)


MARIMO_APP = """\
import marimo

app = marimo.App()


@app.cell
def _():
    import pathlib
    import marimo as mo
    cell = {}
    exec(pathlib.Path(mo.query_params()["code"]).read_text(), cell)
    view = mo.ui.anywidget(cell["studio"])
    view
    return


if __name__ == "__main__":
    app.run()
"""
"""The one app a marimo server runs: its cell runs the file that the page's `code` query
parameter names (marimo's run mode serves only the apps it found at start), then shows
`mo.ui.anywidget(studio)`."""


def marimo_server(base: Path, mode: str = "run") -> Any:
    """marimo on its one app (MARIMO_APP) in `base`/root: `run` gives each page load a fresh
    kernel; in `edit`, a page reload rejoins the kernel of the page before."""
    (base / "root").mkdir(parents=True, exist_ok=True)
    (base / "root" / "app.py").write_text(MARIMO_APP)
    config = base / "home" / ".config" / "marimo" / "marimo.toml"  # XDG_CONFIG_HOME's
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[runtime]\nauto_instantiate = true\n")  # the editor runs it on opening
    port = free_port()
    command = [
        sys.executable, "-m", "marimo", mode, "app.py", "--headless", "--host", "127.0.0.1",
        "--port", str(port), "--no-token", "--no-sandbox", "--no-skew-protection",
    ]  # fmt: skip
    return _serving("marimo", base, command, port)


def voila_server(base: Path) -> Any:
    """Voila on `base`/root: every notebook in the folder, each page load in a fresh kernel."""
    (base / "root").mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [
        sys.executable, "-m", "voila", ".", "--no-browser", f"--port={port}",
        "--Voila.ip=127.0.0.1", "--show_tracebacks=True",
    ]  # fmt: skip
    return _serving("voila", base, command, port)
