"""A stand-in process crashed at each step of a paid request or a file write, then started
again on the same folder: a re-issued request is charged once, and no file is left over.

The crash is deterministic: the process exits at a named checkpoint (as if SIGKILLed), so
every window between two steps is hit on every run.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import httpx
import pytest

from masko_widgets import APIConnectionError, Job, MaskoClient, local
from masko_widgets.local._checkpoints import CRASH_EXIT
from tests.conftest import draw_character
from tests.reliability import _restart

PAID_WINDOWS = (
    "job.charged",  # job row, charge and key record written, not committed
    "job.committed",  # committed; the answer not yet recorded under the key
    "idempotency.recorded",  # the answer recorded, not yet sent
)
FILE_WINDOWS = (
    "file.part_written",  # the `.part` file written, not yet renamed
    "file.renamed",  # the file in place, its row not yet committed
)
BATCH = [
    {"type": "image", "name": "waving", "image_prompt": "waving"},
    {"type": "image", "name": "jumping", "image_prompt": "jumping"},
]


def _collection(process: _restart.Process) -> str:
    """A new collection, made without an `Idempotency-Key` (so no checkpoint fires)."""
    answer = httpx.post(
        f"{process.url}/collections",
        json={"name": "crash mascot"},
        headers={"Authorization": f"Bearer {process.api_key}"},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["data"]["id"]


def _submit(client: MaskoClient, route: str, collection: str, key: str) -> list[Job]:
    if route == "generate":
        return [client.generations.image(collection, "waving", "waving", idempotency_key=key)]
    jobs = client.generations.batch(collection, BATCH, idempotency_key=key)
    assert all(isinstance(job, Job) for job in jobs), jobs
    return jobs  # type: ignore[return-value]


@pytest.mark.parametrize("window", PAID_WINDOWS)
@pytest.mark.parametrize("route", ["generate", "batch"])
def test_a_paid_request_killed_at_any_step_is_charged_once(tmp_path, route, window):
    folder = tmp_path / "data"
    folder.mkdir()
    first = _restart.spawn(folder, crash_at=window)
    try:
        with MaskoClient(api_key=first.api_key, base_url=first.url, max_retries=0) as client:
            collection = _collection(first)
            balance = client.credits()
            with pytest.raises(APIConnectionError):
                _submit(client, route, collection, "the-same-key")
        assert first.popen.wait(timeout=30) == CRASH_EXIT
        assert first.trace.after_exit().count(window) == 1  # it crashed in the window meant
    finally:
        _restart.stop(first)
    second = _restart.spawn(folder, port=first.port)
    try:
        with MaskoClient(api_key=second.api_key, base_url=second.url) as client:
            jobs = _submit(client, route, collection, "the-same-key")
            again = _submit(client, route, collection, "the-same-key")
            assert [job.id for job in again] == [job.id for job in jobs]
            listed = client.jobs.list()
            assert sorted(job.id for job in listed) == sorted(job.id for job in jobs)
            assert client.credits() == balance - sum(job.cost_credits for job in jobs)
            done = [client.jobs.wait(job, timeout=60) for job in jobs]
            assert {job.status for job in done} == {"completed"}
    finally:
        _restart.stop(second)
    with local.start(folder) as reader:
        charges = Counter(row["job_id"] for row in reader.ledger() if row["kind"] == "charge")
    assert sorted(charges) == sorted(job.id for job in jobs)
    assert set(charges.values()) == {1}


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


@pytest.mark.parametrize("window", FILE_WINDOWS)
@pytest.mark.parametrize("route", ["upload", "add-reference"])
def test_a_write_killed_at_any_step_leaves_no_file_behind(tmp_path, route, window):
    folder = tmp_path / "data"
    folder.mkdir()
    first = _restart.spawn(folder, crash_at=window)
    try:
        with MaskoClient(api_key=first.api_key, base_url=first.url, max_retries=0) as client:
            collection = _collection(first)
            with pytest.raises(APIConnectionError):
                _upload(client, route, collection)
        assert first.popen.wait(timeout=30) == CRASH_EXIT
        assert first.trace.after_exit().count(window) == 1
    finally:
        _restart.stop(first)
    assert len(leftovers(folder)) == 1  # what the crash left: a `.part` or a rowless file
    second = _restart.spawn(folder, port=first.port)
    try:
        with MaskoClient(api_key=second.api_key, base_url=second.url) as client:
            assert client.references.list(collection).asset_ids == ()
            _upload(client, route, collection)  # the re-issue succeeds, once
    finally:
        _restart.stop(second)
    assert leftovers(folder) == []
    assert "Removed 1 file(s) an interrupted write left in" in second.stderr.read_text()
