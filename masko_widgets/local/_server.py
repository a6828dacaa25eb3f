"""`start()` and `LocalServer`: the stand-in served by uvicorn on a background thread."""

from __future__ import annotations

import http.client
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from masko_widgets.local._faults import FaultDice, Faults
from masko_widgets.local._job_runner import JobRunner
from masko_widgets.local.api import Context, create_app, quiet_dropped_connections
from masko_widgets.local.render import render_job
from masko_widgets.local.store import Store

JOB_TYPES = ("image", "animation", "edit")
PREVIEW_TTL = 15 * 60.0
MAX_WAIT = 25.0
_START_TIMEOUT = 15.0
KEEP_ALIVE = 30
"""Seconds an idle connection stays open: longer than clients keep one in their pool (httpx:
5 s), so a client never sends on a connection the server is closing at that moment."""


class LocalServer:
    """A running stand-in. Use `start()` to make one; `stop()` it or use it as a context manager."""

    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        latency: float | Mapping[str, float] | None = None,
        credits: int = 1000,
        faults: Faults | None = None,
        preview_ttl: float = PREVIEW_TTL,
        max_wait: float = MAX_WAIT,
        render_niceness: int = 0,
    ) -> None:
        latencies = _latencies(latency)
        self._temporary = data_dir is None
        self.data_dir: Path = Path(
            tempfile.mkdtemp(prefix="masko-standin-") if data_dir is None else data_dir
        )
        self._store = Store(self.data_dir)  # checks the folder first: DamagedDataFolderError
        try:
            listener = _listen(host, port)
        except OSError:
            self._close()
            raise
        self.port: int = listener.getsockname()[1]
        self.api_key: str = self._store.default_key(credits)
        self._dice = FaultDice(faults)
        self._jobs = JobRunner(self._store, render_job, latencies, self._dice, render_niceness)
        self._context = Context(self._store, self._jobs, self._dice, preview_ttl, max_wait)
        self.url: str = f"http://{f'[{host}]' if ':' in host else host}:{self.port}/v1"
        quiet_dropped_connections()
        config = uvicorn.Config(
            create_app(self._context),
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
            timeout_keep_alive=KEEP_ALIVE,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [listener]},
            name="masko-standin",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self._server.should_exit = True
                listener.close()
                self._jobs.stop()
                self._close()
                raise RuntimeError(f"The Masko stand-in could not start on {host}:{self.port}.")
            time.sleep(0.01)
        _warm_up(host, self.port)
        self._stopped = False
        self._jobs.resume()

    @property
    def swept(self) -> int:
        """How many files an interrupted write had left in the folder, removed at start."""
        return self._store.swept

    @property
    def faults(self) -> Faults:
        return self._dice.faults

    def set_faults(self, faults: Faults | None = None, **changes: Any) -> Faults:
        """Change the fault settings, e.g. `set_faults(rate_limit=0.2, seed=1)`."""
        return self._dice.set(faults, **changes)

    def new_workspace_key(self, credits: int = 1000) -> str:
        """The key of a new workspace, isolated from every other one."""
        return self._store.create_workspace(credits)

    def knows_key(self, api_key: str) -> bool:
        """Whether `api_key` opens a workspace of this data folder."""
        return self._context.workspace_for_key(api_key) is not None

    def ledger(self, api_key: str | None = None) -> list[dict[str, Any]]:
        """Credit movements of a workspace (default: the default one), oldest first."""
        workspace = self._context.workspace_for_key(api_key or self.api_key)
        if workspace is None:
            raise ValueError("unknown API key")
        return self._store.ledger(workspace)

    def stop(self) -> None:
        """Stop serving. Jobs still running are finished on the next start on the same folder."""
        if self._stopped:
            return
        self._stopped = True
        self._jobs.stop()
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._close()

    def _close(self) -> None:
        self._store.close()
        if self._temporary:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "running"
        return f"<LocalServer {self.url} {state}>"


def start(
    data_dir: str | Path | None = None,
    *,
    port: int = 0,
    host: str = "127.0.0.1",
    latency: float | Mapping[str, float] | None = None,
    credits: int = 1000,
    faults: Faults | None = None,
    preview_ttl: float = PREVIEW_TTL,
    max_wait: float = MAX_WAIT,
    render_niceness: int = 0,
) -> LocalServer:
    """Start the offline stand-in on a background thread and return it once it answers.

    data_dir: None for a temporary folder removed on stop; a folder keeps everything (and the
    default key) across restarts. port: 0 picks a free one. latency: simulated seconds per job
    type ({"image": 1.5, "animation": 4.0}) or one number for all. credits: opening balance
    of a new default workspace. faults: simulated failures (off by default). preview_ttl:
    seconds a preview URL lives. max_wait: longest hold of `GET /jobs/:id?wait=true`.
    render_niceness: how much lower the render workers' priority is than the server's
    (`masko-local` lowers it; in-process it stays the same, as the host's work must not starve
    the renders).
    """
    return LocalServer(
        data_dir,
        port=port,
        host=host,
        latency=latency,
        credits=credits,
        faults=faults,
        preview_ttl=preview_ttl,
        max_wait=max_wait,
        render_niceness=render_niceness,
    )


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (port 0: a free one), for the server to accept on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # The explicit protocol lets asyncio set TCP_NODELAY on accepted connections; with protocol 0
    # every small response waits out the peer's delayed-ACK timer (~40 ms on loopback).
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError:
        listener.close()
        raise
    return listener


def _warm_up(host: str, port: int) -> None:
    """Ask the server once for a page it does not have, so the set-up FastAPI does on the
    first request (building every route) is done before anyone is told the server is up."""
    dial = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104 (dials, binds nothing)
    connection = http.client.HTTPConnection(dial, port, timeout=_START_TIMEOUT)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
    except OSError:
        pass  # a slow start only costs the first request its set-up
    finally:
        connection.close()


def _latencies(latency: float | Mapping[str, float] | None) -> dict[str, float]:
    if latency is None:
        return {}
    if isinstance(latency, (int, float)):
        latency = dict.fromkeys(JOB_TYPES, float(latency))
    unknown = set(latency) - set(JOB_TYPES)
    if unknown:
        raise ValueError(f"latency has unknown job type(s) {sorted(unknown)}; use {JOB_TYPES}")
    if any(seconds < 0 for seconds in latency.values()):
        raise ValueError("latency must not be negative")
    return {kind: float(seconds) for kind, seconds in latency.items()}
