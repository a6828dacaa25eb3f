"""Slow jobs, expiring previews and injected faults, on a stand-in of this module's own."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from masko_widgets import (
    APIConnectionError,
    APITimeoutError,
    GoneError,
    InternalServerError,
    JobFailedError,
    JobTimeoutError,
    MaskoClient,
    RateLimitError,
    SourceImageError,
    WaitCancelledError,
    local,
)
from masko_widgets.local._checkpoints import checkpoints
from tests.client._scripted import Recording

IMAGE_SECONDS = 1.0


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory) -> Iterator:
    """Image jobs take a second, long-polls hold half a second, previews expire at once."""
    with local.start(
        tmp_path_factory.mktemp("slow"),
        latency={"image": IMAGE_SECONDS},
        max_wait=0.5,
        preview_ttl=0,
    ) as server:
        yield server


@pytest.fixture
def server(slow_server) -> Iterator:
    yield slow_server
    slow_server.set_faults(local.Faults())


@pytest.fixture
def recorded(server) -> Iterator[tuple[MaskoClient, Recording]]:
    recording = Recording()
    with MaskoClient(api_key=server.api_key, base_url=server.url, transport=recording) as client:
        yield client, recording


@pytest.fixture
def collection(recorded):
    return recorded[0].collections.create("slow mascot")


def gets(recording: Recording) -> int:
    return recording.methods.count("GET")


def test_a_pending_image_cannot_be_animated_yet(recorded, collection):
    client, _ = recorded
    job = client.generations.image(collection, "wave", "waving")
    with pytest.raises(SourceImageError, match=r"pending.*Wait for its job"):
        client.generations.animate(collection, job.asset_ids["image"], "wave", duration=1)
    job.wait(timeout=30)


def test_progress_across_several_long_polls(recorded, collection):
    client, recording = recorded
    job = client.generations.image(collection, "wave", "waving")
    seen: list[str] = []
    done = job.wait(timeout=30, on_progress=lambda j: seen.append(j.status))
    assert done.status == "completed" and seen[-1] == "completed"
    assert set(seen[:-1]) <= {"pending", "processing"} and len(seen) >= 2
    assert gets(recording) == len(seen)


def test_cancel_stops_waiting_and_the_job_goes_on(recorded, collection):
    client, _ = recorded
    job = client.generations.image(collection, "wave", "waving")
    cancel = threading.Event()
    with pytest.raises(WaitCancelledError) as caught:
        job.wait(timeout=30, on_progress=lambda _: cancel.set(), cancel=cancel)
    assert caught.value.job_id == job.id
    assert client.jobs.wait(job.id, timeout=30).status == "completed"


def test_cancel_from_another_thread_interrupts_a_held_poll(tmp_path):
    """Cancelled while the server holds its long-poll, the wait ends before the hold does."""
    with (
        local.start(tmp_path, latency={"image": 60}, max_wait=20) as patient,
        MaskoClient(api_key=patient.api_key, base_url=patient.url) as client,
    ):
        job = client.generations.image(client.collections.create("held"), "wave", "waving")
        cancel = threading.Event()
        outcome: list[BaseException] = []

        def waiter() -> None:
            try:
                job.wait(timeout=60, cancel=cancel)
            except WaitCancelledError as exc:
                outcome.append(exc)

        thread = threading.Thread(target=waiter)
        with (
            checkpoints.watch("job.wait_held") as held,
            checkpoints.watch("job.wait_released") as released,
        ):
            thread.start()
            assert held.wait(30), "the long-poll was never held"
            cancel.set()
            thread.join(10)  # a poll that ignores the cancel stays held for 20 s
            assert not thread.is_alive()
            assert not released.is_set()  # the server still holds it: the wait was cut short
        assert isinstance(outcome[0], WaitCancelledError)
        assert not client.jobs.get(job).done


def test_deadline_raises_job_timeout_and_a_later_wait_finishes(recorded, collection):
    client, _ = recorded
    job = client.generations.image(collection, "wave", "waving")
    with pytest.raises(JobTimeoutError) as caught:
        job.wait(timeout=0.2)
    assert caught.value.job_id == job.id
    assert client.jobs.wait(caught.value.job_id, timeout=30).status == "completed"


def test_an_expired_preview_is_gone(recorded):
    client, _ = recorded
    preview = client.previews.create("a fox")[0]  # this server's previews expire at once
    with pytest.raises(GoneError, match="expired") as caught:
        preview.read()
    assert caught.value.status_code == 410


def test_429_is_retried_and_charged_once(server, recorded, collection):
    client, recording = recorded
    balance = client.credits()
    server.set_faults(rate_limit=0.5, retry_after=0, seed=1)
    recording.requests.clear()
    job = client.generations.image(collection, "wave", "waving")
    server.set_faults(local.Faults())
    assert recording.methods == ["POST", "POST"]
    assert client.credits() == balance - 1
    assert job.wait(timeout=30).status == "completed"


def test_429_gives_up_after_the_retries(server, recorded, collection):
    client, recording = recorded
    server.set_faults(rate_limit=1.0, retry_after=0)
    recording.requests.clear()
    with pytest.raises(RateLimitError) as caught:
        client.generations.image(collection, "wave", "waving")
    assert caught.value.retry_after == 0
    assert recording.methods == ["POST"] * 3


def test_500_on_a_post_is_not_replayed_and_costs_nothing(server, recorded, collection):
    client, recording = recorded
    balance = client.credits()
    server.set_faults(server_error=1.0)
    recording.requests.clear()
    with pytest.raises(InternalServerError):
        client.generations.image(collection, "wave", "waving")
    assert recording.methods == ["POST"]
    with pytest.raises(InternalServerError):
        client.items.list(collection)
    assert recording.methods == ["POST", "GET", "GET", "GET"]
    server.set_faults(local.Faults())
    assert client.credits() == balance


def test_a_cut_connection_after_a_post_is_not_replayed(server, recorded):
    client, recording = recorded
    server.set_faults(drop=1.0)
    recording.requests.clear()
    with pytest.raises(APIConnectionError):
        client.projects.create("cut short")
    assert recording.methods == ["POST"]
    with pytest.raises(APIConnectionError):
        client.credits()
    assert recording.methods == ["POST", "GET", "GET", "GET"]
    server.set_faults(local.Faults())
    assert [p.name for p in client.projects.list()].count("cut short") == 1


def test_a_post_cut_short_is_safely_reissued_with_its_key(server, recorded, collection):
    """The server took the job but the answer was lost: the same key gets it, charged once."""
    client, _ = recorded
    balance = client.credits()
    server.set_faults(drop=1.0)
    with pytest.raises(APIConnectionError):
        client.generations.image(collection, "wave", "waving", idempotency_key=collection.id)
    server.set_faults(local.Faults())
    job = client.generations.image(collection, "wave", "waving", idempotency_key=collection.id)
    assert [seen.id for seen in client.jobs.list(collection_id=collection)] == [job.id]
    assert [row["kind"] for row in server.ledger() if row["job_id"] == job.id] == ["charge"]
    assert client.credits() == balance - 1


def test_a_slow_answer_times_out_without_replaying_a_post(server, collection):
    recording = Recording()
    with MaskoClient(
        api_key=server.api_key, base_url=server.url, transport=recording, timeout=0.3, max_retries=1
    ) as client:
        server.set_faults(slow=1.0, slow_seconds=1.0)
        with pytest.raises(APITimeoutError):
            client.generations.image(collection, "wave", "waving")
        assert recording.methods == ["POST"]
        with pytest.raises(APITimeoutError):
            client.credits()
        assert recording.methods == ["POST", "GET", "GET"]


def test_a_failed_job_raises_and_is_refunded(server, recorded, collection):
    client, _ = recorded
    balance = client.credits()
    server.set_faults(job_failure=1.0)
    job = client.generations.image(collection, "wave", "waving")
    with pytest.raises(JobFailedError) as caught:
        job.wait(timeout=30)
    assert caught.value.job.status == "failed" and caught.value.job.error is not None
    assert client.credits() == balance
    assert [row["kind"] for row in server.ledger() if row["job_id"] == job.id] == [
        "charge",
        "refund",
    ]
