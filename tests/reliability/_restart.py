"""The stand-in as a separate process, killed with SIGKILL mid-job and started again.

`run(folder)` creates a project, a collection with references and a finished pose, starts
two long animations, kills the server while they render and a client waits on one, keeps
it down for a while (a second wait starts shortly before the end of the outage), starts it
again on the same folder and port, and records what it saw. Shared by the
reliability tests and bench/bench_reliability.py.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from masko_widgets import APIConnectionError, Job, JobFailedError, MaskoClient, MaskoError, local
from masko_widgets.local._checkpoints import CRASH_AT_ENV, TRACE_FD_ENV
from tests.conftest import draw_character
from tests.reliability._tally import Tally

REPO = Path(__file__).resolve().parents[2]
ANIMATION_SECONDS = 8
"""Long enough that rendering takes seconds, so the kill lands mid-job."""
WAIT_TIMEOUT = 120.0
OUTAGE = 16.0
"""Seconds the server stays down: well inside the waiters' deadline, and longer than five
consecutive failed polls with their backoff (at most 0.5 + 1 + 2 + 4 + 8 s)."""
LATE = 2.0
"""A second waiter starts this long before the restart: it meets only a short outage."""


@dataclass
class Wait:
    """One client's wait on an interrupted job across the restart."""

    job: Job | None = None  # what it got
    error: str = ""  # or why it ended without the job
    seen: list[str] = field(default_factory=list)  # statuses it observed


class Trace:
    """The checkpoints a stand-in process reached, read from its trace pipe as they come."""

    def __init__(self, fd: int) -> None:
        self._seen: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(fd,), daemon=True)
        self._thread.start()

    def _read(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as pipe:
            for line in pipe:  # ends when the process exits
                with self._changed:
                    self._seen.append(line.decode().strip())
                    self._changed.notify_all()

    def reached(self, name: str, count: int = 1, timeout: float = 60.0) -> bool:
        """Wait until checkpoint `name` was reached `count` times; False after `timeout` s."""
        with self._changed:
            return self._changed.wait_for(lambda: self._seen.count(name) >= count, timeout)

    def after_exit(self, timeout: float = 30.0) -> list[str]:
        """Every checkpoint reached, once the process has exited and the pipe is drained."""
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the trace pipe is still open"
        with self._changed:
            return list(self._seen)


@dataclass
class Process:
    """A stand-in started with `python -m masko_widgets.local`."""

    popen: subprocess.Popen
    url: str
    api_key: str
    port: int
    stderr: Path
    trace: Trace


def spawn(
    folder: Path, port: int = 0, log_name: str = "stderr.log", crash_at: str | None = None
) -> Process:
    """Start the command-line stand-in on `folder` and read its URL and key.

    crash_at: a checkpoint at which the process exits at once, as if SIGKILLed.
    """
    log = folder.parent / f"{folder.name}-{log_name}"
    trace_read, trace_write = os.pipe()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        TRACE_FD_ENV: str(trace_write),
    }
    env.pop(CRASH_AT_ENV, None)
    if crash_at:
        env[CRASH_AT_ENV] = crash_at
    with log.open("wb") as err:
        try:
            popen = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "masko_widgets.local",
                    "--data-dir",
                    str(folder),
                    "--port",
                    str(port),
                ],
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                env=env,
                cwd=REPO,
                pass_fds=(trace_write,),
            )
        finally:
            os.close(trace_write)
    trace = Trace(trace_read)
    printed: dict[str, str] = {}
    assert popen.stdout is not None
    while "MASKO_API_KEY" not in printed:
        line = popen.stdout.readline()
        if not line:
            popen.wait(timeout=10)
            raise RuntimeError(f"the stand-in did not start: {log.read_text()[-2000:]}")
        name, _, value = line.strip().partition("=")
        printed[name] = value
    url = printed["MASKO_BASE_URL"]
    return Process(
        popen, url, printed["MASKO_API_KEY"], int(url.rsplit(":", 1)[1].split("/")[0]), log, trace
    )


STOP_GRACE = 30.0
"""Seconds a stand-in gets to stop after Ctrl-C (running renders finish first)."""
FORCE_GRACE = 5.0
"""Seconds it gets after SIGTERM, and again after SIGKILL."""


def stop(process: Process, grace: float = STOP_GRACE) -> None:
    """Stop a stand-in the polite way (Ctrl-C); one that will not, by SIGTERM, then SIGKILL."""
    end(process.popen, grace)
    if process.popen.stdout:
        process.popen.stdout.close()


def end(popen: subprocess.Popen, grace: float = STOP_GRACE) -> int:
    """Ctrl-C, then SIGTERM, then SIGKILL, each given a bounded wait; returns the exit status."""
    for send, wait in ((signal.SIGINT, grace), (signal.SIGTERM, FORCE_GRACE)):
        if popen.poll() is not None:
            return popen.returncode
        popen.send_signal(send)
        try:
            return popen.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    popen.kill()
    return popen.wait(timeout=FORCE_GRACE)


def snapshot(client: MaskoClient, collection_id: str) -> dict[str, Any]:
    """Everything the workspace shows about the collection, and a hash of each file."""
    collection = client.collections.get(collection_id)
    items = client.items.list(collection_id)
    jobs = client.jobs.list()
    asset_ids = {
        *collection.reference_asset_ids,
        *(asset for item in items for asset in item.assets.values()),
        *(asset for job in jobs for asset in job.asset_ids.values()),
    }
    assets = {asset_id: client.assets.get(asset_id) for asset_id in sorted(asset_ids)}
    return {
        "projects": sorted(p.id for p in client.projects.list()),
        "collections": sorted(c.id for c in client.collections.list()),
        "references": collection.reference_asset_ids,
        "items": {item.id: dict(item.assets) for item in items},
        "assets": {asset_id: (a.type, a.status, a.url) for asset_id, a in assets.items()},
        "files": {
            asset_id: hashlib.sha256(client.download(a.url)).hexdigest()
            for asset_id, a in assets.items()
            if a.status == "completed"
        },
        "jobs": sorted(job.id for job in jobs),
    }


@dataclass
class Restart:
    """What happened around the kill."""

    before: dict[str, Any]
    after: dict[str, Any] = field(default_factory=dict)
    interrupted: list[Job] = field(default_factory=list)  # as accepted, before the kill
    statuses_at_kill: list[str] = field(default_factory=list)
    finished: list[Job] = field(default_factory=list)  # their final state
    early: Wait = field(default_factory=Wait)  # waiting since before the kill
    late: Wait = field(default_factory=Wait)  # started during the outage, just before restart
    restarted_at: datetime | None = None
    killed_returncode: int | None = None
    down_error: str = ""
    same_key: bool = False
    ledger: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # role@job id -> resumed job's file
    balance_before: int = 0
    balance_after: int = 0
    tally: Tally = field(default_factory=Tally)
    logs: str = ""


def run(folder: Path, outage: float = OUTAGE) -> Restart:
    """Kill the stand-in mid-job, start it again after `outage` s and record what was seen."""
    folder.mkdir(parents=True, exist_ok=True)
    first = spawn(folder, log_name="first.log")
    tally = Tally()
    client = MaskoClient(api_key=first.api_key, base_url=first.url, transport=tally)
    try:
        collection_id, record = _set_up(client, tally)
        waiters = _kill_and_wait(client, first, record, outage)
        record.restarted_at = datetime.now(timezone.utc)
        second = spawn(folder, port=first.port, log_name="second.log")
        try:
            record.same_key = second.api_key == first.api_key and second.url == first.url
            _collect(client, collection_id, record, waiters)
        finally:
            stop(second)
        with local.start(folder) as reader:  # the ledger as the server keeps it
            record.ledger = reader.ledger()
        record.logs = first.stderr.read_text() + second.stderr.read_text()
        return record
    finally:
        client.close()
        stop(first)


def _set_up(client: MaskoClient, tally: Tally) -> tuple[str, Restart]:
    """A project, a collection with references and a pose, and two animations under way."""
    project = client.projects.create("Kept across a crash")
    refs = [
        client.uploads.create(draw_character(colour)) for colour in ((240, 120, 40), (60, 140, 220))
    ]
    collection = client.collections.create("crash mascot", project_id=project, references=refs)
    pose = client.generations.image(collection, "waving", "waving hello").wait()
    interrupted = [
        client.generations.animate(collection, pose, "bounce", duration=ANIMATION_SECONDS),
        _from_scratch(client, collection.id),
    ]
    record = Restart(
        before=snapshot(client, collection.id),
        interrupted=interrupted,
        balance_before=client.credits(),
        tally=tally,
    )
    record.statuses_at_kill = [client.jobs.get(job).status for job in interrupted]
    return collection.id, record


def _kill_and_wait(
    client: MaskoClient, first: Process, record: Restart, outage: float
) -> tuple[threading.Thread, threading.Thread]:
    """SIGKILL the server while a client waits; start a second wait just before the outage ends."""
    early = threading.Thread(target=_wait, args=(client, record.interrupted[0], record.early))
    early.start()
    assert first.trace.reached("job.wait_held"), "the waiter's long-poll was never held"
    first.popen.send_signal(signal.SIGKILL)
    record.killed_returncode = first.popen.wait(timeout=10)
    try:
        client.credits()
    except APIConnectionError as exc:
        record.down_error = str(exc)
    time.sleep(max(outage - LATE, 0.0))
    late = threading.Thread(target=_wait, args=(client, record.interrupted[1], record.late))
    late.start()
    time.sleep(min(LATE, outage))
    return early, late


def _collect(
    client: MaskoClient,
    collection_id: str,
    record: Restart,
    waiters: tuple[threading.Thread, threading.Thread],
) -> None:
    """After the restart: the waits' ends, the jobs' final states, their files, the workspace."""
    for waiter in waiters:
        waiter.join(WAIT_TIMEOUT)
    record.finished = [_final(client, job) for job in record.interrupted]
    record.files = {
        f"{role}@{job.id}": client.download(url)
        for job in record.finished
        if job.status == "completed"
        for role, url in job.urls.items()
    }
    record.after = snapshot(client, collection_id)
    record.balance_after = client.credits()


def _from_scratch(client: MaskoClient, collection_id: str) -> Job:
    """An animation that draws its own pose first (a new item, made when accepted)."""
    (job,) = client.generations.batch(
        collection_id,
        [
            {
                "type": "animation",
                "name": "jumping",
                "image_prompt": "jumping",
                "animation_prompt": "jump",
                "duration": ANIMATION_SECONDS,
                "loop": True,
            }
        ],
    )
    assert isinstance(job, Job), job
    return job


def _wait(client: MaskoClient, job: Job, wait: Wait) -> None:
    try:
        wait.job = client.jobs.wait(
            job, timeout=WAIT_TIMEOUT, on_progress=lambda seen: wait.seen.append(seen.status)
        )
    except JobFailedError as failed:
        wait.job = failed.job
    except MaskoError as exc:
        wait.error = f"{type(exc).__name__}: {exc}"


def _final(client: MaskoClient, job: Job) -> Job:
    try:
        return client.jobs.wait(job, timeout=WAIT_TIMEOUT)
    except JobFailedError as failed:
        return failed.job
