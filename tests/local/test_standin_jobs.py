"""Jobs: listing and filters, the long-poll, and concurrent jobs running side by side."""

from __future__ import annotations

import threading

import pytest

from masko_widgets import local
from masko_widgets.local._checkpoints import checkpoints


def test_jobs_list_filters_and_paginates(standin, connect):
    api = connect(standin, standin.new_workspace_key())
    first, second = api.collection(), api.collection()
    image = api.wait(api.image_job(first["id"])["job_id"])
    edit = api.wait(
        api.generate(
            first["id"],
            type="edit",
            item_id=image["item_id"],
            source_image_asset_id=image["asset_ids"]["image"],
            edit_instructions="smile",
        )["job_id"]
    )
    other = api.wait(api.image_job(second["id"])["job_id"])
    everything = api.ok("GET", "/jobs")
    assert [j["id"] for j in everything] == [image["id"], edit["id"], other["id"]]
    assert [j["id"] for j in api.ok("GET", "/jobs", params={"collection_id": first["id"]})] == [
        image["id"],
        edit["id"],
    ]
    assert [j["id"] for j in api.ok("GET", "/jobs", params={"type": "edit"})] == [edit["id"]]
    assert len(api.ok("GET", "/jobs", params={"status": "completed"})) == 3
    assert api.ok("GET", "/jobs", params={"status": "failed"}) == []
    page = api.request("GET", "/jobs", params={"limit": 1, "offset": 1}).json()
    assert [j["id"] for j in page["data"]] == [edit["id"]]
    assert page["meta"]["pagination"] == {"total": 3, "limit": 1, "offset": 1, "has_more": True}
    api.error("GET", "/jobs", 400, "status", params={"status": "done"})
    api.error("GET", "/jobs", 400, "type", params={"type": "video"})
    api.error("GET", "/jobs/00000000-0000-4000-8000-000000000000", 404)


@pytest.fixture
def patient(tmp_path):
    """Jobs take a minute; a long-poll holds up to 30 s."""
    server = local.start(tmp_path, latency=60, max_wait=30)
    yield server
    server.stop()


def test_long_poll_does_not_block_other_requests(patient, connect):
    api = connect(patient)
    job = api.image_job(api.collection()["id"])
    answers = []
    waiter = threading.Thread(
        target=lambda: answers.append(
            api.ok("GET", f"/jobs/{job['job_id']}", params={"wait": "true"})
        )
    )
    waiter.start()
    other = connect(patient)
    for _ in range(5):
        assert other.balance() == 999
        assert other.ok("GET", f"/jobs/{job['job_id']}")["status"] in ("pending", "processing")
    assert waiter.is_alive()  # still held while the other requests were answered
    patient.stop()  # releases the waiter with the job as it is
    waiter.join()
    assert answers[0]["status"] in ("pending", "processing")


def test_long_poll_gives_up_after_its_hold(tmp_path, connect):
    with local.start(tmp_path, latency=60, max_wait=0.1) as server:
        api = connect(server)
        job = api.image_job(api.collection()["id"])
        held = api.ok("GET", f"/jobs/{job['job_id']}", params={"wait": "true"})
        assert held["status"] in ("pending", "processing")


def test_concurrent_jobs_overlap(tmp_path, connect):
    with (
        local.start(tmp_path, latency={"image": 2.0}) as server,
        checkpoints.watch("job.processing") as started,
        checkpoints.watch("job.ended") as ended,
    ):
        api = connect(server)
        collection = api.collection()
        jobs = [api.image_job(collection["id"], f"pose {i}")["job_id"] for i in range(6)]
        assert started.wait(60, count=6)
        assert ended.count == 0  # all six were processing at the same moment
        assert all(api.wait(job_id)["status"] == "completed" for job_id in jobs)
        assert ended.count == 6
