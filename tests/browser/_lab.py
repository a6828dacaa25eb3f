"""JupyterLab driven by headless Chromium: one server, notebooks in fresh pages (in JupyterLab or
in Notebook 7, which the same server serves), kernel access.

Used by the browser tests and by bench/bench_browser.py. Every wait has a deadline, so a stuck
page or kernel fails the test instead of hanging the run.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client import BlockingKernelClient
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DARK_THEME = "JupyterLab Dark"
LIGHT_THEME = "JupyterLab Light"

_SETTINGS = {
    # Lab must not rewrite the notebook under test, nor show the news toast.
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

# State of the notebook in the current tab: {done, error}. `done` once every code cell has an
# execution count and the kernel is idle; `error` holds the first error output's text.
_RUN_STATE_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel?.sessionContext?.session?.kernel;
  let error = null, done = kernel?.status === 'idle';
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    if (cell.model.executionCount === null) done = false;
    for (const out of cell.model.outputs.toJSON()) {
      if (out.output_type === 'error' && error === null) {
        error = out.ename + ': ' + out.evalue + '\\n' + out.traceback.join('\\n');
      }
    }
  }
  return {done, error};
}"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_env(base: Path) -> dict[str, str]:
    """Environment with home, Jupyter and Chromium folders inside `base`."""
    dirs = {
        "HOME": base / "home",
        "XDG_CONFIG_HOME": base / "home" / ".config",
        "XDG_CACHE_HOME": base / "home" / ".cache",
        "JUPYTER_CONFIG_DIR": base / "config",
        "JUPYTER_RUNTIME_DIR": base / "runtime",
        "JUPYTERLAB_WORKSPACES_DIR": base / "workspaces",
        "JUPYTERLAB_SETTINGS_DIR": base / "settings",
        "IPYTHONDIR": base / "ipython",
    }
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **{name: str(path) for name, path in dirs.items()}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env.pop("MASKO_API_KEY", None)  # the tests run on the offline stand-in
    return env


class LabServer:
    """A JupyterLab server on 127.0.0.1 with temp config, settings and workspace folders."""

    def __init__(self, base: Path, env: dict[str, str] | None = None) -> None:
        self.base = base
        self.root = base / "notebooks"
        self.root.mkdir(parents=True, exist_ok=True)
        self.env = {**isolated_env(base), **(env or {})}
        self.runtime_dir = Path(self.env["JUPYTER_RUNTIME_DIR"])
        for name, value in _SETTINGS.items():
            path = Path(self.env["JUPYTERLAB_SETTINGS_DIR"]) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.log_path = base / "lab.log"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        """Start Lab and wait until its REST API answers."""
        command = [
            sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
            "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
            "--JupyterNotebookApp.expose_app_in_browser=True",  # Notebook 7 on this server
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=self.root
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"JupyterLab did not answer within {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Terminate the server (by its PID) and wait for it."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)
        self._process = None

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}{path}{sep}token={self.token}"

    def api(self, method: str, path: str) -> Any:
        """Call Lab's REST API; returns the decoded JSON body (None when empty)."""
        request = urllib.request.Request(self.url(path), method=method)  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """End every session (and so every kernel) the server runs."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def write_notebook(self, name: str, cells: Iterable[str] | Path) -> Path:
        """A notebook in the server's root folder: code cells, or a copy of a notebook file
        with its outputs cleared (so a finished run is told apart from committed outputs)."""
        if isinstance(cells, Path):
            notebook = nbformat.read(cells, as_version=4)
            for cell in notebook.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
        else:
            notebook = nbformat.v4.new_notebook()
            notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
        notebook.metadata["kernelspec"] = {
            "name": "python3", "display_name": "Python 3", "language": "python",
        }  # fmt: skip
        path = self.root / name
        nbformat.write(notebook, path)
        return path


class Kernel:
    """A second client of a notebook's kernel: runs code and reads what it prints."""

    def __init__(self, connection_file: Path) -> None:
        self._client = BlockingKernelClient(connection_file=str(connection_file))
        self._client.load_connection_file()
        self._client.start_channels()
        self._client.wait_for_ready(timeout=30)

    def run(self, code: str, timeout: float = 30.0) -> str:
        """Execute `code`; returns its stdout, raises with the traceback on error."""
        chunks: list[str] = []

        def collect(msg: dict[str, Any]) -> None:
            if msg["msg_type"] == "stream":
                chunks.append(msg["content"]["text"])

        reply = self._client.execute_interactive(
            code, timeout=timeout, output_hook=collect, store_history=False
        )
        content = reply["content"]
        if content["status"] != "ok":
            raise AssertionError("kernel error:\n" + "\n".join(content.get("traceback", [])))
        return "".join(chunks)

    def value(self, expression: str) -> Any:
        """The JSON value of a Python expression in the kernel."""
        out = self.run(f"import json as _json\nprint(_json.dumps({expression}))")
        return json.loads(out.strip().splitlines()[-1])

    def wait_for(self, expression: str, timeout: float = 15.0) -> Any:
        """Poll until the expression is truthy in the kernel; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.value(expression)
            if value or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if not value:
            raise AssertionError(f"{expression!r} stayed {value!r} for {timeout} s")
        return value

    def close(self) -> None:
        self._client.stop_channels()


FRONT_ENDS = ("lab", "notebook7")
"""The Jupyter front ends a LabServer serves (both expose `window.jupyterapp`)."""


class LabNotebook:
    """A notebook open in its own Chromium page, with its kernel started and its cells run."""

    def __init__(self, lab: LabServer, page: Page, name: str, frontend: str = "lab") -> None:
        if frontend not in FRONT_ENDS:
            raise ValueError(f"frontend {frontend!r} is not one of {FRONT_ENDS}")
        self.lab = lab
        self.page = page
        self.name = name
        self.frontend = frontend
        self.kernel: Kernel | None = None

    def open(self, timeout: float = 60.0) -> None:
        """Load the notebook (in Lab, in a fresh workspace) and wait until its kernel is idle."""
        if self.frontend == "lab":
            path = f"/lab/workspaces/w{secrets.token_hex(4)}/tree/{self.name}"
        else:
            path = f"/notebooks/{self.name}"
        self.page.goto(self.lab.url(path))
        # The toolbar's "idle" shows before the kernel exists: ask the session itself.
        self.page.wait_for_function(
            """(name) => {
              const panel = window.jupyterapp?.shell.currentWidget;
              return panel?.context?.path === name
                && panel.sessionContext?.session?.kernel?.status === 'idle';
            }""",
            arg=self.name,
            timeout=timeout * 1000,
        )
        kernel_id = self.page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id"
        )
        self.kernel = Kernel(self.lab.runtime_dir / f"kernel-{kernel_id}.json")

    def run_all(self, timeout: float = 60.0) -> None:
        """Run every cell; fails with the traceback of the first error output."""
        # Not awaited on purpose: the command's promise can stay pending forever.
        self.page.evaluate(
            "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.page.evaluate(_RUN_STATE_JS)
            if state["error"]:
                raise AssertionError(f"{self.name} failed:\n{state['error']}")
            if state["done"]:
                return
            time.sleep(0.1)
        raise TimeoutError(f"{self.name}: cells still running after {timeout} s")

    def set_theme(self, theme: str, timeout: float = 15.0) -> None:
        """Switch Lab's theme and wait until the page uses it."""
        self.page.evaluate(
            "(theme) => { window.jupyterapp.commands.execute('apputils:change-theme', {theme}); }",
            theme,
        )
        light = "true" if theme == LIGHT_THEME else "false"
        # Lab covers the page with its splash screen while the theme's CSS loads.
        self.page.wait_for_function(
            f"""() => document.body.dataset.jpThemeLight === '{light}'
                && !document.querySelector('#jupyterlab-splash')""",
            timeout=timeout * 1000,
        )

    def screenshot(self, name: str, locator: Any | None = None) -> Path:
        """Save a PNG under test-artifacts/browser/ (named after the front end outside
        JupyterLab) and return its path."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        prefix = "" if self.frontend == "lab" else f"{self.frontend}-"
        path = ARTIFACTS / f"{prefix}{name}.png"
        (locator or self.page).screenshot(path=str(path))
        return path

    def close(self) -> None:
        if self.kernel is not None:
            self.kernel.close()
        self.page.context.close()


@contextmanager
def chromium_browser(home: Path) -> Iterator[Browser]:
    """Debian's Chromium, headless, started by Playwright (never a downloaded build).

    Its home folder is `home`, so crash reports and caches stay out of the user's.
    """
    (home / ".config").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_CACHE_HOME": str(home / ".cache")}  # fmt: skip
    playwright: Playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@contextmanager
def running_lab(base: Path, env: dict[str, str] | None = None) -> Iterator[LabServer]:
    """A started LabServer in `base` (kernels get `env` too), stopped on exit."""
    lab = LabServer(base, env)
    lab.start()
    try:
        yield lab
    finally:
        lab.stop()


@contextmanager
def open_notebook(
    lab: LabServer,
    browser: Browser,
    name: str,
    cells: Iterable[str] | Path,
    *,
    run: bool = True,
    size: tuple[int, int] = (1280, 900),
    frontend: str = "lab",
) -> Iterator[LabNotebook]:
    """Write a notebook, open it in a new browser context (in `frontend`: lab or notebook7),
    run it; close and end its kernel."""
    lab.write_notebook(name, cells)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.set_default_timeout(30_000)
    notebook = LabNotebook(lab, context.new_page(), name, frontend)
    try:
        notebook.open()
        if run:
            notebook.run_all()
        yield notebook
    finally:
        notebook.close()
        lab.shutdown_kernels()


def six_references_setup(step: int) -> str:
    """Kernel code: `client`, and a `collection` whose six references are orange characters
    `step` apart in green (its reference ids in `before`)."""
    return (
        "from masko_widgets import connect, MascotStudio\n"
        "from PIL import Image, ImageDraw\n"
        "client = connect()\n"
        "def character(color):\n"
        "    image = Image.new('RGB', (160, 160), (245, 245, 240))\n"
        "    ImageDraw.Draw(image).ellipse((40, 24, 120, 144), fill=color, outline=(20, 20, 20),"
        " width=4)\n"
        "    return image\n"
        f"oranges = [character((240, 100 + {step} * n, 40)) for n in range(6)]\n"
        "collection = client.collections.create('Pip', references=oranges)\n"
        "before = list(client.references.list(collection).asset_ids)"
    )
