"""marimo, Voila and Notebook 7 servers for the browser tests, each showing one studio.

Every server runs on 127.0.0.1 and a free port with its own home and Jupyter folders, and is
stopped by its PID. The studio's kernel reads the stand-in to use from `standin.json` in a
probe folder and writes the grid's selection to `selected.txt` there, so a test can check
that a click reached the Python trait in any front end.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
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
    """A started front-end server: the page to open and the process to stop."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _wait_for_http(server: Server, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited early:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url.split("?")[0] + path, timeout=5):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise TimeoutError(f"{server.name} did not answer within {timeout} s:\n{server.log_tail()}")


@contextmanager
def _serving(
    name: str, base: Path, command: list[str], page: str, port: int, ready: str = ""
) -> Iterator[Server]:
    """Start `command`; ready when `ready` (a path) answers."""
    env = isolated_env(base)
    env["MARIMO_SKIP_UPDATE_CHECK"] = "1"
    log = base / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=base / "root"
        )
    server = Server(name, f"http://127.0.0.1:{port}{page}", process, log)
    try:
        _wait_for_http(server, ready)
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
    import marimo as mo
{code}
    view = mo.ui.anywidget(studio)
    view
    return


if __name__ == "__main__":
    app.run()
"""


def marimo_server(base: Path, probe: Path, code: str | None = None, mode: str = "run") -> Any:
    """marimo (`run`, or `edit` where a reload rejoins the same kernel) on an app whose one
    cell runs `code` (default: make the studio) and shows `mo.ui.anywidget(studio)`."""
    root = base / "root"
    root.mkdir(parents=True, exist_ok=True)
    cell = textwrap.indent(code or studio_code(probe), "    ")
    (root / "app.py").write_text(MARIMO_APP.format(code=cell))
    port = free_port()
    command = [
        sys.executable, "-m", "marimo", "run", "app.py", "--headless", "--host", "127.0.0.1",
        "--port", str(port), "--no-token", "--no-sandbox", "--no-skew-protection",
    ]  # fmt: skip
    return _serving("marimo", base, command, "/", port)


def voila_server(base: Path, probe: Path, code: str | None = None) -> Any:
    """Voila on a notebook whose one cell runs `code` (default: make the studio) and shows
    the studio."""
    root = base / "root"
    root.mkdir(parents=True, exist_ok=True)
    _notebook(root / "studio.ipynb", code or studio_code(probe))
    port = free_port()
    command = [
        sys.executable, "-m", "voila", "studio.ipynb", "--no-browser", f"--port={port}",
        "--Voila.ip=127.0.0.1", "--show_tracebacks=True",
    ]  # fmt: skip
    # Voila runs the notebook for each request of its page: ask another path whether it is up
    return _serving("voila", base, command, "/", port, ready="/masko-ready")


def notebook7_server(base: Path, probe: Path, code: str | None = None) -> Any:
    """Jupyter Notebook 7 with a notebook whose one cell runs `code` (default: make the
    studio) and shows the studio."""
    root = base / "root"
    root.mkdir(parents=True, exist_ok=True)
    _notebook(root / "studio.ipynb", code or studio_code(probe))
    port = free_port()
    command = [
        sys.executable, "-m", "jupyter", "notebook", "--no-browser", "--allow-root",
        f"--port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
        "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
    ]  # fmt: skip
    return _serving("notebook7", base, command, "/notebooks/studio.ipynb", port)


def wait_for_idle_kernel(server: Server, timeout: float = 60.0) -> None:
    """Notebook 7 shows "idle" before its kernel exists: wait until the server lists the
    notebook's kernel as idle and connected."""
    base = server.url.split("/notebooks/")[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/sessions", timeout=5) as answer:  # noqa: S310
            sessions = json.loads(answer.read())
        kernels = [session["kernel"] for session in sessions]
        if any(k["execution_state"] == "idle" and k["connections"] > 0 for k in kernels):
            return
        time.sleep(0.2)
    raise TimeoutError(f"no idle kernel after {timeout} s:\n{server.log_tail()}")
