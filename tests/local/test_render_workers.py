"""Renders run in worker processes: the server keeps its core, a dead worker costs one job (its
credits refunded), and no worker outlives its stand-in."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from masko_widgets import local
from masko_widgets.local._checkpoints import checkpoints
from masko_widgets.local.render._pool import WORKER_NICENESS, RenderPool, render_workers
from tests.local.processes import cpu_seconds, descendants, stat

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def workers_below(pid: int) -> list[int]:
    """The render workers of a stand-in: processes forked by its fork server."""
    return [
        child
        for child in descendants(pid)
        if "forkserver" in _command(int((stat(child) or ["", "0"])[1]))
    ]


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def animation(api, collection_id: str, source: str, seconds: int = 8) -> dict:
    return api.generate(
        collection_id,
        type="animation",
        duration=seconds,
        source_image_asset_id=source,
        animation_prompt="bounce",
    )


@pytest.mark.parametrize(("cores", "workers"), [(1, 1), (2, 1), (3, 2), (4, 3), (64, 4)])
def test_renders_leave_a_core_for_requests(cores, workers):
    assert render_workers(cores) == workers


def test_workers_are_replaced_after_their_share_of_renders():
    pool = RenderPool(workers=1, recycle_after=2)
    try:
        first = [pool.run(os.getpid) for _ in range(2)]
        later = pool.run(os.getpid)
    finally:
        pool.stop()
    assert first[0] == first[1] != later != os.getpid()


def test_idle_workers_end_and_the_next_render_starts_one():
    pool = RenderPool(workers=1, idle_stop=0.2)
    try:
        worker = pool.run(os.getpid)
        assert wait_gone([worker], timeout=20) == []
        assert pool.run(os.getpid) not in (worker, os.getpid())
    finally:
        pool.stop()


def test_a_render_burns_a_worker_core_not_the_servers(connect, make_png):
    others = set(workers_below(os.getpid()))  # of stand-ins other tests started
    with local.start() as server:
        api = connect(server)
        collection = api.collection(reference_asset_ids=[api.upload(make_png())["id"]])
        pose = api.wait(api.image_job(collection["id"])["job_id"])  # the worker is up
        workers = [pid for pid in workers_below(os.getpid()) if pid not in others]
        assert workers
        worker_before, server_before = cpu_seconds(workers), time.process_time()
        clip = api.wait(animation(api, collection["id"], pose["asset_ids"]["image"])["job_id"])
        worker_cpu = cpu_seconds(workers) - worker_before
        server_cpu = time.process_time() - server_before
        assert clip["status"] == "completed"
    assert worker_cpu > 1.0 and worker_cpu > 3 * server_cpu, (worker_cpu, server_cpu)
    assert not any(stat(pid) for pid in workers)  # stopping ended them


@pytest.mark.parametrize("niceness", [0, WORKER_NICENESS], ids=["in-process", "masko-local"])
def test_workers_render_at_the_priority_the_server_asks(connect, make_png, niceness):
    """`masko-local` lowers its workers' priority below the server's; in a kernel or a test
    (`local.start()`) they keep it."""
    others = set(workers_below(os.getpid()))
    with local.start(render_niceness=niceness) as server:
        api = connect(server)
        collection = api.collection(reference_asset_ids=[api.upload(make_png())["id"]])
        assert api.wait(api.image_job(collection["id"])["job_id"])["status"] == "completed"
        workers = [pid for pid in workers_below(os.getpid()) if pid not in others]
        priorities = {int((stat(pid) or [""] * 17)[16]) for pid in workers}
    assert priorities == {min(19, os.nice(0) + niceness)}, priorities


def test_a_worker_killed_mid_render_fails_that_job_only_and_refunds_it(connect, make_png):
    others = set(workers_below(os.getpid()))
    with local.start() as server:
        api = connect(server)
        collection = api.collection(reference_asset_ids=[api.upload(make_png())["id"]])
        pose = api.wait(api.image_job(collection["id"])["job_id"])
        balance = api.balance()
        with checkpoints.watch("job.processing") as processing:
            doomed = animation(api, collection["id"], pose["asset_ids"]["image"], seconds=15)
            assert processing.wait(30)
        for pid in set(workers_below(os.getpid())) - others:
            os.kill(pid, signal.SIGKILL)
        failed = api.wait(doomed["job_id"])
        assert failed["status"] == "failed"
        assert api.balance() == balance
        again = api.wait(api.image_job(collection["id"], name="again")["job_id"])
        assert again["status"] == "completed"
        assert api.balance() == balance - again["cost_credits"]


def test_no_worker_outlives_a_killed_stand_in(tmp_path, connect, make_png):
    process = subprocess.Popen(
        [sys.executable, "-m", "masko_widgets.local", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = dict(process.stdout.readline().strip().partition("=")[::2] for _ in range(3))

        class Running:
            url, api_key = lines["MASKO_BASE_URL"], lines["MASKO_API_KEY"]

        api = connect(Running)
        collection = api.collection(reference_asset_ids=[api.upload(make_png())["id"]])
        api.wait(api.image_job(collection["id"])["job_id"])
        below = descendants(process.pid)
        assert workers_below(process.pid)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert wait_gone(below, timeout=20) == []


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    """Wait until every process of `pids` has exited (woken by each exit); those left."""
    deadline = time.monotonic() + timeout
    left = []
    for pid in pids:
        try:
            handle = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        with os.fdopen(handle) as exited:
            ready, _, _ = select.select([exited], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            left.append(pid)
    return left
