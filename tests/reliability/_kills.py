"""A stand-in process crashed at a named checkpoint of a paid request or a file write, started
again on the same folder, and the request re-issued. Shared by the reliability tests and
bench/bench_reliability.py.

The crash is deterministic: the process exits at the checkpoint (as if SIGKILLed), so every
window between two steps is hit on every run.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from masko_widgets import APIConnectionError, Job, MaskoClient, local
from masko_widgets.local._checkpoints import CRASH_EXIT
from tests.conftest import draw_character
from tests.reliability import _restart

PAID_WINDOWS = (
    "job.charged",  # job row, charge and key record written, not committed
    "job.committed",  # committed; the answer not yet recorded under the key
    "idempotency.recorded",  # the answer recorded, not yet sent
)
PAID_ROUTES = ("generate", "batch")
FILE_WINDOWS = (
    "file.part_written",  # the `.part` file written, not yet renamed
    "file.renamed",  # the file in place, its row not yet committed
)
FILE_ROUTES = ("upload", "add-reference")
BATCH = [
    {"type": "image", "name": "waving", "image_prompt": "waving"},
    {"type": "image", "name": "jumping", "image_prompt": "jumping"},
]
KEY = "the-same-key"


@dataclass
class Kill:
    """What one crash and restart showed."""

    route: str
    window: str
    refused: bool = False  # the request in flight failed with a connection error
    exit_status: int | None = None  # CRASH_EXIT when the process died at a checkpoint
    hits: int = 0  # times the window's checkpoint was reached before the exit
    left_by_crash: list[str] = field(default_factory=list)  # leftovers right after the crash
    leftovers: list[str] = field(default_factory=list)  # leftovers after the restart
    logs: str = ""  # the restarted server's log
    job_ids: list[str] = field(default_factory=list)  # the re-issued request's jobs
    replayed_ids: list[str] = field(default_factory=list)  # the same request, once more
    listed_ids: list[str] = field(default_factory=list)  # every job of the workspace
    charges: Counter[str] = field(default_factory=Counter)  # ledger charges per job
    spent: int = 0  # credits gone from the balance
    cost: int = 0  # what the jobs cost
    statuses: set[str] = field(default_factory=set)  # the jobs' final statuses

    @property
    def hit(self) -> bool:
        """The process died exactly where it was meant to."""
        return self.refused and self.exit_status == CRASH_EXIT and self.hits == 1

    @property
    def double_charges(self) -> int:
        extra = sum(count - 1 for count in self.charges.values())
        return extra + len(set(self.listed_ids) - set(self.job_ids))


def _collection(process: _restart.Process) -> str:
    """A new collection, made without an `Idempotency-Key` (so no checkpoint fires)."""
    answer = httpx.post(
        f"{process.url}/collections",
        json={"name": "crash mascot"},
        headers={"Authorization": f"Bearer {process.api_key}"},
        timeout=30,
    )
    answer.raise_for_status()
    return answer.json()["data"]["id"]


def _crash(
    folder: Path, kill: Kill, request: Callable[[MaskoClient, str], object]
) -> tuple[str, int]:
    """Start a stand-in that dies at `kill.window`, send `request(client, collection)`."""
    folder.mkdir(parents=True, exist_ok=True)
    first = _restart.spawn(folder, crash_at=kill.window)
    try:
        collection = _collection(first)
        with MaskoClient(api_key=first.api_key, base_url=first.url, max_retries=0) as client:
            balance = client.credits()
            try:
                request(client, collection)
            except APIConnectionError:
                kill.refused = True
        kill.exit_status = first.popen.wait(timeout=30)
        kill.hits = first.trace.after_exit().count(kill.window)
    finally:
        _restart.stop(first)
    return collection, balance


def _submit(client: MaskoClient, route: str, collection: str) -> list[Job]:
    if route == "generate":
        return [client.generations.image(collection, "waving", "waving", idempotency_key=KEY)]
    jobs = client.generations.batch(collection, BATCH, idempotency_key=KEY)
    assert all(isinstance(job, Job) for job in jobs), jobs
    return jobs  # type: ignore[return-value]


def paid(folder: Path, route: str, window: str) -> Kill:
    """Crash a generate or batch request at `window`, restart, re-issue it with its key."""
    kill = Kill(route, window)
    collection, balance = _crash(folder, kill, lambda c, col: _submit(c, route, col))
    second = _restart.spawn(folder)
    try:
        with MaskoClient(api_key=second.api_key, base_url=second.url) as client:
            jobs = _submit(client, route, collection)
            kill.job_ids = [job.id for job in jobs]
            kill.replayed_ids = [job.id for job in _submit(client, route, collection)]
            kill.listed_ids = [job.id for job in client.jobs.list()]
            kill.spent = balance - client.credits()
            kill.cost = sum(job.cost_credits for job in jobs)
            kill.statuses = {client.jobs.wait(job, timeout=120).status for job in jobs}
    finally:
        _restart.stop(second)
    with local.start(folder) as reader:
        kill.charges = Counter(row["job_id"] for row in reader.ledger() if row["kind"] == "charge")
    return kill


def write(folder: Path, route: str, window: str) -> Kill:
    """Crash an upload or an add-reference at `window`, restart, send it again."""
    kill = Kill(route, window)
    collection, _ = _crash(folder, kill, lambda c, col: _upload(c, route, col))
    kill.left_by_crash = leftovers(folder)
    second = _restart.spawn(folder)
    try:
        with MaskoClient(api_key=second.api_key, base_url=second.url) as client:
            _upload(client, route, collection)
    finally:
        _restart.stop(second)
    kill.leftovers = leftovers(folder)
    kill.logs = second.stderr.read_text()
    return kill


def _upload(client: MaskoClient, route: str, collection: str) -> None:
    image = draw_character((60, 140, 220))
    if route == "upload":
        client.uploads.create(image)
    else:
        client.references.add(collection, image)


def leftovers(folder: Path) -> list[str]:
    """Files in the data folder that no row names, and `.part` files."""
    db = sqlite3.connect(f"file:{folder / 'masko.sqlite3'}?mode=ro", uri=True)
    try:
        assets = {row[0] for row in db.execute("SELECT id FROM assets")}
        previews = {row[0] for row in db.execute("SELECT token FROM previews")}
    finally:
        db.close()
    found = []
    for kind, named in (("files", assets), ("previews", previews)):
        for path in (folder / kind).iterdir():
            stem, _, ext = path.name.partition(".")
            if ext.endswith("part") or stem not in named:
                found.append(f"{kind}/{path.name}")
    return found
