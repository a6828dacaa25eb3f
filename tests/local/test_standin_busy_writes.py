"""Reads are answered on the event loop: they never queue for a pool thread behind writes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from masko_widgets import local
from masko_widgets.local._checkpoints import Seen
from masko_widgets.local.store import Store

POOL_THREADS = 40
"""Threads of the pool that runs the stand-in's writes (anyio's default thread limiter)."""


def test_reads_answer_while_every_pool_thread_waits_on_a_write(tmp_path, connect, monkeypatch):
    with local.start(tmp_path) as server:
        api = connect(server)
        collection = api.collection()
        pose = api.image_job(collection["id"])
        entered, release = Seen(), threading.Event()
        create_project = Store.create_project

        def held(store: Store, *args, **kwargs):  # a write on a disk that stalls
            entered.reached()
            release.wait(120)
            return create_project(store, *args, **kwargs)

        monkeypatch.setattr(Store, "create_project", held)
        with ThreadPoolExecutor(POOL_THREADS) as clients:
            writes = [
                clients.submit(api.ok, "POST", "/projects", 201, json={"name": f"P{n}"})
                for n in range(POOL_THREADS)
            ]
            try:
                assert entered.wait(60, count=POOL_THREADS)  # every pool thread is held
                reader = connect(server)
                assert reader.http.get("/credits", timeout=20).json()["data"]["balance"] == 999
                assert reader.ok("GET", f"/collections/{collection['id']}")["name"] == "Blob"
                assert reader.total(f"/collections/{collection['id']}/items") == 1
                assert reader.ok("GET", f"/jobs/{pose['job_id']}")["id"] == pose["job_id"]
            finally:
                release.set()
            assert sorted(write.result()["name"] for write in writes) == sorted(
                f"P{n}" for n in range(POOL_THREADS)
            )
