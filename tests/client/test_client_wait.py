"""Waiting on jobs: long-poll, final states, deadline, progress and cancel."""

from __future__ import annotations

import threading

import httpx
import pytest

from masko_widgets import (
    Job,
    JobFailedError,
    JobTimeoutError,
    WaitCancelledError,
)
from tests.client._scripted import answer


def job_body(status: str, **extra) -> dict:
    return {"data": {"id": "j1", "status": status, "type": "image", **extra}}


def test_a_job_that_ends_within_the_hold_costs_one_request(scripted):
    client, script = scripted(answer(200, job_body("completed", asset_ids={"image": "a1"})))
    job = client.jobs.wait("j1")
    assert job.status == "completed" and job.asset_ids["image"] == "a1"
    request = script.requests[0]
    assert request.url.path == "/v1/jobs/j1" and request.url.params["wait"] == "true"
    assert request.extensions["timeout"]["read"] > 25
    assert len(script.requests) == 1


def test_failed_job_raises_with_the_job(scripted):
    error = {"code": "generation_failed", "message": "the model gave up"}
    client, _ = scripted(answer(200, job_body("failed", error=error)))
    with pytest.raises(JobFailedError, match="the model gave up") as caught:
        client.jobs.wait("j1")
    assert caught.value.job.error.code == "generation_failed"


def test_an_unknown_state_ends_the_wait(scripted):
    client, script = scripted(answer(200, job_body("cancelled")))
    with pytest.raises(JobFailedError, match="cancelled"):
        client.jobs.wait("j1")
    assert len(script.requests) == 1


def test_progress_sees_every_observed_state(scripted):
    client, _ = scripted(
        answer(200, job_body("pending")),
        answer(200, job_body("processing")),
        answer(200, job_body("completed")),
    )
    seen: list[str] = []
    client.jobs.wait("j1", on_progress=lambda job: seen.append(job.status))
    assert seen == ["pending", "processing", "completed"]


def test_deadline_raises_job_timeout_with_the_id_without_hammering(scripted):
    client, script = scripted(answer(200, job_body("processing")))
    with pytest.raises(JobTimeoutError) as caught:
        client.jobs.wait("j1", timeout=1.0)
    assert caught.value.job_id == "j1"
    assert isinstance(caught.value, TimeoutError)
    assert len(script.requests) <= 4


def test_transient_errors_during_a_wait_are_ridden_out(scripted):
    client, script = scripted(
        answer(503, {"error": {"code": "internal_error", "message": "busy"}}),
        httpx.ReadTimeout("held too long"),
        answer(200, job_body("completed")),
    )
    assert client.jobs.wait("j1").status == "completed"
    assert len(script.requests) == 3


def test_cancel_stops_a_wait_while_the_long_poll_is_still_held(scripted):
    release = threading.Event()
    in_flight = threading.Event()

    def held(request):
        in_flight.set()
        release.wait(10)
        return answer(200, job_body("processing"))

    client, _ = scripted(held)
    cancel = threading.Event()
    threading.Thread(target=lambda: in_flight.wait(5) and cancel.set()).start()
    try:
        with pytest.raises(WaitCancelledError) as caught:
            client.jobs.wait("j1", cancel=cancel)
        assert not release.is_set()
        assert caught.value.job_id == "j1"
    finally:
        release.set()


def test_a_set_cancel_stops_before_any_request(scripted):
    client, script = scripted(answer(200, job_body("completed")))
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(WaitCancelledError):
        client.jobs.wait("j1", cancel=cancel)
    assert script.requests == []


def test_waiting_on_a_finished_job_sends_nothing(scripted):
    client, script = scripted(answer(200, job_body("completed")))
    done = Job(id="j1", status="completed", _client=client)
    assert done.wait() is done
    with pytest.raises(JobFailedError):
        Job(id="j2", status="failed", _client=client).wait()
    assert script.requests == []


def test_job_wait_goes_through_its_client(scripted):
    client, script = scripted(
        answer(202, {"data": {"job_id": "j1"}}), answer(200, job_body("completed"))
    )
    job = client.generations.image("c1", "wave", "waving").wait(timeout=30)
    assert job.status == "completed"
    assert script.methods == ["POST", "GET"]
