"""The worker pool that runs jobs, and the waiting room for `GET /jobs/:id?wait=true`.

A job goes pending -> processing -> completed | failed. Rendering happens in worker processes
(`RenderPool`), never on the server's event loop nor under its GIL; each job's row, charge and
files stay with this process, on pool threads that wait for their render. A job then waits
out the rest of its simulated latency (counted from submission), so concurrent jobs overlap.
Stopping leaves unfinished jobs in the database: the next start on the same folder runs them
again (`resume`), so none stays pending forever.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from masko_widgets.local._checkpoints import checkpoints
from masko_widgets.local._faults import FaultDice
from masko_widgets.local.render import Draw, RenderPool
from masko_widgets.local.store import Row, Store

log = logging.getLogger("masko_widgets.local")

T = TypeVar("T")
Renderer = Callable[[Store, Row, Draw], Mapping[str, tuple[bytes, int, int]]]
"""render(store, job, draw): a job's files, drawn through `draw` (in a worker process)."""

JOB_WORKERS = 32
"""Jobs in progress at once (most of them waiting out their simulated latency)."""
PREVIEW_WORKERS = 4
"""Previews in progress at once (each waits for a worker process to draw it)."""


class JobRunner:
    """Runs jobs on a thread pool with per-type latency; wakes waiters when a job ends."""

    def __init__(
        self,
        store: Store,
        render: Renderer,
        latency: Mapping[str, float],
        dice: FaultDice,
        render_niceness: int = 0,
    ) -> None:
        self.store = store
        self.render = render
        self.latency: dict[str, float] = dict(latency)
        self.dice = dice
        self._jobs = concurrent.futures.ThreadPoolExecutor(JOB_WORKERS, "masko-job")
        self._previews = concurrent.futures.ThreadPoolExecutor(PREVIEW_WORKERS, "masko-preview")
        self._renders = RenderPool(niceness=render_niceness)
        # Jobs queue here, not in the worker pool, so a preview waits for at most the renders
        # already running, never for a class's backlog of jobs.
        self._rendering = threading.BoundedSemaphore(self._renders.workers)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]]] = {}

    def submit(self, job_id: str) -> None:
        """Queue a job; its simulated latency counts from now."""
        if self._stopping.is_set():
            return  # left pending: the next start runs it
        with contextlib.suppress(RuntimeError):  # the pool shut down meanwhile
            self._jobs.submit(self._run, job_id, time.monotonic())

    def resume(self) -> int:
        """Run again every job a previous run left pending or processing."""
        unfinished = self.store.unfinished_jobs()
        for job_id in unfinished:
            self.submit(job_id)
        return len(unfinished)

    async def render_off_loop(self, work: Callable[..., T], *args: Any) -> T:
        """Run `work(*args, draw)` on a pool of its own, so no other request queues behind
        renders; `draw` runs its drawing in a worker process."""
        return await asyncio.wrap_future(self._previews.submit(work, *args, self._renders.run))

    async def wait(self, job_id: str, timeout: float) -> None:
        """Return when job `job_id` ends, or after `timeout` seconds, without blocking the loop."""
        loop = asyncio.get_running_loop()
        ended: asyncio.Future[None] = loop.create_future()
        entry = (loop, ended)
        with self._lock:
            self._waiters.setdefault(job_id, set()).add(entry)
        try:
            job = self.store.get("jobs", job_id)
            if job and job["status"] in ("pending", "processing") and not self._stopping.is_set():
                checkpoints.reach("job.wait_held")
                await asyncio.wait_for(ended, timeout)
        except asyncio.TimeoutError:  # the built-in TimeoutError only from Python 3.11
            pass
        finally:
            with self._lock:
                self._waiters.get(job_id, set()).discard(entry)
                if not self._waiters.get(job_id, True):
                    del self._waiters[job_id]
            checkpoints.reach("job.wait_released")

    def stop(self) -> None:
        """Stop taking work, release every waiter, and let running renders finish."""
        self._stopping.set()
        with self._lock:
            job_ids = list(self._waiters)
        for job_id in job_ids:
            self._wake(job_id)
        self._previews.shutdown(wait=True, cancel_futures=True)
        self._jobs.shutdown(wait=True, cancel_futures=True)
        self._renders.stop()

    def _run(self, job_id: str, submitted: float) -> None:
        if self._stopping.is_set():
            return
        job = self.store.start_job(job_id)
        if job is None:
            return
        checkpoints.reach("job.processing")
        files = None
        failure = None
        if self.dice.roll("job_failure"):
            failure = "The generation failed (simulated fault); its credits were refunded."
        else:
            try:
                with self._rendering:
                    if self._stopping.is_set():
                        return  # left processing: the next start runs it again
                    files = self.render(self.store, job, self._renders.run)
            except Exception:
                log.exception("job %s failed while rendering", job_id)
                failure = "The generation failed while rendering; its credits were refunded."
        remaining = self.latency.get(job["type"], 0.0) - (time.monotonic() - submitted)
        if self._stopping.wait(max(remaining, 0.0)):
            return  # interrupted: the job stays unfinished and runs again on the next start
        try:
            if failure is None and files is not None:
                self.store.complete_job(job_id, files)
            else:
                self.store.fail_job(job_id, "generation_failed", failure or "")
        except Exception:
            log.exception("job %s could not be saved", job_id)
            self.store.fail_job(
                job_id,
                "generation_failed",
                "The result could not be saved; its credits were refunded.",
            )
        finally:
            checkpoints.reach("job.ended")
            self._wake(job_id)

    def _wake(self, job_id: str) -> None:
        with self._lock:
            waiting = list(self._waiters.get(job_id, ()))
        for loop, ended in waiting:
            with contextlib.suppress(RuntimeError):  # that loop is closed
                loop.call_soon_threadsafe(_resolve, ended)


def _resolve(ended: asyncio.Future[None]) -> None:
    if not ended.done():
        ended.set_result(None)
