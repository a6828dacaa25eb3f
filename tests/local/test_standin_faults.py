"""Fault settings: throttling, crashes, cut connections, slowness and failing jobs."""

from __future__ import annotations

import httpx
import pytest

from masko_widgets import local


@pytest.fixture
def server(tmp_path):
    with local.start(tmp_path) as running:
        yield running


def test_faults_are_off_by_default_and_validated(server):
    assert server.faults == local.Faults()
    with pytest.raises(ValueError, match="rate_limit"):
        local.Faults(rate_limit=1.5)
    with pytest.raises(TypeError, match="unknown"):
        server.set_faults(explode=1.0)


def test_rate_limit_answers_429_with_retry_after(server, connect, make_png):
    api = connect(server)
    asset = api.upload(make_png())
    server.set_faults(rate_limit=1.0, retry_after=7)
    response = api.request("POST", "/projects", json={"name": "p"})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.json()["error"]["code"] == "rate_limited"
    assert response.headers["x-request-id"]
    assert httpx.get(f"{server.url}/openapi.json").status_code == 200
    assert api.download(asset["url"]).status_code == 200  # file downloads are exempt
    server.set_faults(rate_limit=0.0)
    assert api.ok("GET", "/projects") == []


def test_server_error_changes_nothing(server, connect):
    api = connect(server)
    server.set_faults(server_error=1.0)
    error = api.error("POST", "/projects", 500, json={"name": "p"})
    assert error["code"] == "internal_error"
    server.set_faults(local.Faults())
    assert api.ok("GET", "/projects") == []


def test_dropped_connection_after_the_work_and_an_idempotent_retry(server, connect):
    api = connect(server)
    server.set_faults(drop=1.0)
    headers = {"Idempotency-Key": "make-project"}
    with pytest.raises(httpx.HTTPError):
        api.request("POST", "/projects", json={"name": "p"}, headers=headers)
    server.set_faults(drop=0.0)
    made = api.ok("GET", "/projects")
    assert [p["name"] for p in made] == ["p"]  # the server did the work before the cut
    retried = api.ok("POST", "/projects", 201, json={"name": "p"}, headers=headers)
    assert retried["id"] == made[0]["id"]
    assert len(api.ok("GET", "/projects")) == 1


def test_slow_requests_still_answer(server, connect):
    api = connect(server)
    server.set_faults(slow=1.0, slow_seconds=0.05)
    assert api.balance() == 1000


def test_seed_repeats_the_same_faults(server, connect):
    api = connect(server)

    def statuses() -> list[int]:
        server.set_faults(rate_limit=0.5, seed=42)
        return [api.request("GET", "/credits").status_code for _ in range(16)]

    first = statuses()
    assert set(first) == {200, 429}
    assert statuses() == first


def test_failed_job_is_refunded_and_leaves_no_item(server, connect):
    api = connect(server)
    collection = api.collection()
    server.set_faults(job_failure=1.0)
    accepted = api.generate(
        collection["id"],
        type="animation",
        name="hop",
        image_prompt="a",
        animation_prompt="bounce",
        duration=2,
    )
    job = api.wait(accepted["job_id"])
    assert job["status"] == "failed"
    assert job["error"]["code"] == "generation_failed" and "refund" in job["error"]["message"]
    assert api.balance() == 1000
    assert [(row["kind"], row["amount"], row["balance_after"]) for row in server.ledger()] == [
        ("charge", 11, 989),
        ("refund", 11, 1000),
    ]
    assert api.ok("GET", f"/collections/{collection['id']}/items") == []
    assert api.ok("GET", f"/assets/{job['asset_ids']['video']}")["status"] == "failed"
    assert api.download(job["urls"]["image"]).status_code == 404
    assert api.ok("GET", "/jobs", params={"status": "failed"})[0]["id"] == job["id"]
