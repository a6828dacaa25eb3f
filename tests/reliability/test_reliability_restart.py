"""SIGKILL mid-job, then start again on the same folder: nothing is lost, interrupted jobs
end completed (or failed and refunded), and a client waiting across the restart resumes
without a second generation."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime

import pytest

from tests.local.conftest import png_image, video_facts
from tests.reliability import _restart

CODECS = {"video": "h264", "webm": "vp9", "hevc": "hevc"}


@pytest.fixture(scope="module")
def crash(tmp_path_factory) -> _restart.Restart:
    return _restart.run(tmp_path_factory.mktemp("crash") / "data")


def test_the_kill_landed_mid_job(crash):
    assert crash.killed_returncode == -signal.SIGKILL
    assert set(crash.statuses_at_kill) <= {"pending", "processing"}
    assert "could not reach" in crash.down_error
    for job in crash.finished:  # ended by the second server: truly interrupted
        ended = datetime.fromisoformat(job.completed_at.replace("Z", "+00:00"))
        assert ended > crash.restarted_at


def test_nothing_is_lost(crash):
    assert crash.same_key  # the same key works at the same URL after the restart
    before, after = crash.before, crash.after
    for part in ("projects", "collections", "references", "jobs"):
        assert after[part] == before[part], part
    assert len(before["references"]) == 2 and len(before["items"]) == 2
    assert set(after["items"]) == set(before["items"])
    for item_id, assets in before["items"].items():  # resumed jobs only add files
        assert assets.items() <= after["items"][item_id].items()
    assert set(after["assets"]) == set(before["assets"])
    for asset_id, (kind, status, url) in before["assets"].items():
        assert after["assets"][asset_id][0::2] == (kind, url)  # same type, same URL
        if status == "completed":
            assert after["files"][asset_id] == before["files"][asset_id]  # same bytes


def test_interrupted_jobs_end_completed_or_refunded(crash):
    assert {job.status for job in crash.finished} <= {"completed", "failed"}
    for accepted, done in zip(crash.interrupted, crash.finished, strict=True):
        assert done.id == accepted.id
        assert dict(done.asset_ids) == dict(accepted.asset_ids)
        assert dict(done.urls) == dict(accepted.urls)
        for role, asset_id in done.asset_ids.items():
            assert crash.after["assets"][asset_id][1] == done.status
            if done.status == "completed":
                data = crash.files[f"{role}@{done.id}"]
                if role in CODECS:
                    _c, codec, _w, _h, frames, _s = video_facts(data)
                    assert codec == CODECS[role] and frames > 0
                else:
                    assert png_image(data).size == (512, 512)
    refunded = sum(job.cost_credits for job in crash.finished if job.status == "failed")
    assert crash.balance_after == crash.balance_before + refunded


def test_the_ledger_charges_each_job_once(crash):
    charges = Counter(row["job_id"] for row in crash.ledger if row["kind"] == "charge")
    assert set(charges) == set(crash.after["jobs"]) and set(charges.values()) == {1}
    refunds = {row["job_id"] for row in crash.ledger if row["kind"] == "refund"}
    assert refunds == {job.id for job in crash.finished if job.status == "failed"}


def test_a_wait_resumes_after_a_quick_restart_without_a_second_generation(crash):
    wait = crash.late  # met a few seconds of refused connections, then the new server
    assert not wait.error
    assert wait.job is not None and wait.job.id == crash.interrupted[1].id
    assert wait.job.status == crash.finished[1].status and wait.seen[-1] == wait.job.status
    assert crash.tally.counts["broken"] >= 2  # the cut long-poll, refused connections
    assert crash.after["jobs"] == crash.before["jobs"]  # no job was submitted again
    answered = crash.tally.counts["status 201"] + crash.tally.counts["status 202"]
    assert crash.tally.counts["POST"] == answered  # every POST was answered once, none replayed


def test_a_wait_outlives_an_outage_inside_its_deadline(crash):
    wait = crash.early  # waiting since before the kill, through the whole outage
    assert not wait.error, (
        f"the wait gave up during a {_restart.OUTAGE:g} s outage, well inside its"
        f" {_restart.WAIT_TIMEOUT:g} s deadline: {wait.error}"
    )
    assert wait.job is not None and wait.job.id == crash.interrupted[0].id
    assert wait.job.status == crash.finished[0].status


def test_no_key_in_the_server_logs(crash):
    assert crash.same_key
    assert "masko_" not in crash.logs


@pytest.mark.parametrize(
    ("ignored", "ended_by"),
    [((signal.SIGINT,), signal.SIGTERM), ((signal.SIGINT, signal.SIGTERM), signal.SIGKILL)],
    ids=["ignores-ctrl-c", "ignores-ctrl-c-and-sigterm"],
)
def test_stopping_a_server_that_ignores_ctrl_c_still_ends_it(ignored, ended_by):
    child = subprocess.Popen(
        [sys.executable, "-c", _IGNORING, *(str(int(number)) for number in ignored)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "ignoring\n"
        assert _restart.end(child, grace=0.5) == -ended_by
        assert child.poll() is not None
    finally:
        child.kill()
        child.wait(timeout=10)
        child.stdout.close()


_IGNORING = """
import signal, sys, time
for number in sys.argv[1:]:
    signal.signal(int(number), signal.SIG_IGN)
print("ignoring", flush=True)
time.sleep(120)
"""
