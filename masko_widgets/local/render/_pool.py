"""Worker processes for renders, so drawing and encoding never hold the server's GIL.

Workers only turn inputs into bytes: every row, charge and file stays with the server process.
At most `render_workers()` renders run at once, one core fewer than the machine has (at least
one), so handling requests always has a core; `masko-local` also runs them at a lower
scheduling priority than its server (`WORKER_NICENESS`), so requests keep that core on a machine
busy with other work (in a notebook's kernel or a test the renders keep its priority, as the
kernel's own work must not starve them). A pool is replaced after
`RECYCLE_AFTER` renders, which hands its workers' memory back to the system; this is done here
rather than with `max_tasks_per_child`, which Python 3.10 lacks and which can hang on 3.11
(CPython gh-115634). Workers also end after `IDLE_STOP` seconds without a render, so a stand-in
between two lessons is back to its idle size; the next render forks a fresh one from the fork
server.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

RECYCLE_AFTER = 200
"""Renders a pool's workers do before fresh ones replace them."""
IDLE_STOP = 10.0
"""Seconds without a render after which the workers end."""
MAX_WORKERS = 4
WORKER_NICENESS = 10
"""How much lower than the server's `masko-local` sets a worker's scheduling priority (Unix
`nice`): when a render and the server want the same core, the render gets about a tenth of it."""
_PRELOAD = ["masko_widgets.local.render._outputs"]
"""Imported once by the fork server, so each worker starts with the drawing code loaded."""
_PARENT_CHECK = 0.5
"""Seconds between a worker's checks that the server it serves is still alive."""


def render_workers(cores: int | None = None) -> int:
    """Renders at once: every core but one, at least one, at most MAX_WORKERS."""
    cores = cores if cores is not None else os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores - 1))


class RenderPool:
    """Runs functions in worker processes, started on first use and recycled as they age."""

    def __init__(
        self,
        workers: int | None = None,
        recycle_after: int = RECYCLE_AFTER,
        idle_stop: float = IDLE_STOP,
        niceness: int = 0,
    ) -> None:
        self.workers: int = workers or render_workers()
        self._niceness = niceness
        self._recycle_after = recycle_after
        self._idle_stop = idle_stop
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._done = 0
        self._running = 0
        self._idle_timer: threading.Timer | None = None
        self._stopped = False

    def submit(self, work: Callable[..., T], *args: Any) -> Future[T]:
        """Start `work(*args)` in a worker; `work` and its arguments must pickle."""
        with self._lock:
            if self._stopped:
                raise RuntimeError("the render pool is stopped")
            if self._pool is None or self._done >= self._recycle_after:
                self._replace()
            self._done += 1
            assert self._pool is not None
            try:
                future = self._pool.submit(work, *args)
            except BrokenProcessPool:  # a worker died (killed, out of memory): start afresh
                self._replace()
                future = self._pool.submit(work, *args)
            self._running += 1
            if self._idle_timer is not None:
                self._idle_timer.cancel()
                self._idle_timer = None
        future.add_done_callback(self._finished)
        return future

    def run(self, work: Callable[..., T], *args: Any) -> T:
        """`work(*args)` in a worker, waited for."""
        return self.submit(work, *args).result()

    def stop(self) -> None:
        """Let running renders finish, then end the workers."""
        with self._lock:
            self._stopped = True
            pool, self._pool = self._pool, None
            if self._idle_timer is not None:
                self._idle_timer.cancel()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _finished(self, _future: Future[Any]) -> None:
        with self._lock:
            self._running -= 1
            if self._running or self._stopped:
                return
            self._idle_timer = threading.Timer(self._idle_stop, self._retire, (self._pool,))
            self._idle_timer.daemon = True
            self._idle_timer.start()

    def _retire(self, pool: ProcessPoolExecutor | None) -> None:
        """End the workers of a pool that stayed idle."""
        with self._lock:
            if self._running or pool is None or pool is not self._pool:
                return
            self._pool = None
        pool.shutdown(wait=False)

    def _replace(self) -> None:
        """A new pool; the old one's workers end once their renders are done."""
        if self._pool is not None:
            self._pool.shutdown(wait=False)
        self._pool = ProcessPoolExecutor(
            self.workers,
            mp_context=_context(),
            initializer=_start_worker,
            initargs=(os.getpid(), _birth(os.getpid()), self._niceness),
        )
        self._done = 0


def _context() -> multiprocessing.context.BaseContext:
    """Fork server where there is one (fast starts, no copy of the server's threads), else
    spawn; never a plain fork of a process that runs threads."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _start_worker(server_pid: int, server_birth: str | None, niceness: int) -> None:
    """In a worker: lower its priority by `niceness`; exit when the server process is gone
    (killed, crashed), so no worker outlives it. (A worker keeps the fork server alive, so it
    watches the server itself, by pid and start time, as a pid can be reused.)"""

    def watch() -> None:
        while _birth(server_pid) == server_birth:
            time.sleep(_PARENT_CHECK)
        os._exit(0)

    threading.Thread(target=watch, name="masko-render-watch", daemon=True).start()
    if niceness and hasattr(os, "nice"):  # not on Windows: workers keep the server's priority
        os.nice(niceness)


def _birth(pid: int) -> str | None:
    """When process `pid` started ("" where /proc cannot tell); None when it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        pass
    else:
        return None if fields[0] == "Z" else fields[19]  # a zombie has ended
    if os.name == "nt":
        return ""  # os.kill(pid, 0) would end the process there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return ""
