"""Conventions notebook users know from the big SDKs: per-call options, raw answers,
lazy auto-paging iterators and plain dicts."""

from __future__ import annotations

import json
import threading

import httpx
import pytest

from masko_widgets import InternalServerError, Job, JobError, MaskoClient, RawResponse
from tests.client._scripted import answer


def busy() -> httpx.Response:
    return answer(503, {"error": {"code": "internal_error", "message": "busy"}})


def pages_of(total: int, size: int):
    """A list endpoint that serves `total` items `size` at a time."""

    def page(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        items = [
            {"id": f"i{n}", "status": "completed"} for n in range(offset, min(offset + size, total))
        ]
        pagination = {"total": total, "offset": offset, "has_more": offset + size < total}
        return answer(200, {"data": items, "meta": {"pagination": pagination}})

    return page


def test_with_options_changes_retries_and_timeout_for_the_calls_made_through_it(scripted):
    client, script = scripted(busy())
    patient = client.with_options(timeout=5, max_retries=0)
    assert isinstance(patient, MaskoClient) and patient.base_url == client.base_url
    with pytest.raises(InternalServerError):
        patient.credits()
    assert len(script.requests) == 1
    assert script.requests[0].extensions["timeout"]["read"] == 5
    script.requests.clear()
    with pytest.raises(InternalServerError):
        client.credits()  # the original keeps its own options
    assert len(script.requests) == 1 + client.max_retries
    assert script.requests[0].extensions["timeout"]["read"] == client.timeout == 30


def test_with_options_refuses_nonsense(scripted):
    client, _ = scripted(busy())
    with pytest.raises(ValueError, match="max_retries"):
        client.with_options(max_retries=-1)
    with pytest.raises(ValueError, match="timeout"):
        client.with_options(timeout=0)


def test_raw_responses_show_status_headers_request_id_and_rate_limits(client):
    with client.raw_responses() as raw:
        balance = client.credits()
        client.projects.list()
    assert isinstance(balance, int)
    assert [(r.method, r.status_code) for r in raw] == [("GET", 200), ("GET", 200)]
    first = raw[0]
    assert isinstance(first, RawResponse) and first.url.endswith("/credits")
    assert first.request_id and first.request_id == first.headers["x-request-id"]
    assert first.rate_limit_remaining is not None and first.rate_limit_remaining >= 0
    assert json.loads(json.dumps(first.to_dict()))["request_id"] == first.request_id
    client.credits()
    assert len(raw) == 2  # only what happened inside the block


def test_raw_responses_count_retries_and_see_waits_on_a_helper_thread(scripted):
    done = {"data": {"id": "j1", "status": "completed"}}
    client, _ = scripted(
        answer(429, {}, **{"retry-after": "0"}), answer(200, {"balance": 2}), answer(200, done)
    )
    with client.raw_responses() as raw:
        client.credits()
        client.jobs.wait("j1", cancel=threading.Event())  # the poll runs on a helper thread
    assert [(r.status_code, r.retries) for r in raw] == [(429, 0), (200, 1), (200, 0)]
    assert raw[-1].url.endswith("/jobs/j1?wait=true")


def test_iterators_fetch_pages_only_as_they_are_used(scripted):
    client, script = scripted(pages_of(7, 3))
    items = client.items.iter("c1")
    assert script.requests == []
    assert next(items).id == "i0"
    assert len(script.requests) == 1
    assert [item.id for item in items] == [f"i{n}" for n in range(1, 7)]
    assert len(script.requests) == 3
    client, script = scripted(pages_of(5, 2))
    jobs = client.jobs.iter(status="completed")
    assert [next(jobs).id, next(jobs).id] == ["i0", "i1"] and len(script.requests) == 1
    assert script.requests[0].url.params["status"] == "completed"


@pytest.mark.anyio
async def test_async_iterators_fetch_pages_only_as_they_are_used(ascripted):
    client, script = ascripted(pages_of(7, 3))
    seen = []
    async for item in client.items.iter("c1"):
        seen.append(item.id)
        if len(seen) == 2:
            break
    assert seen == ["i0", "i1"] and len(script.requests) == 1
    assert [job.id for job in await client.jobs.list()] == [f"i{n}" for n in range(7)]


@pytest.mark.anyio
async def test_async_with_options_and_raw_responses(ascripted):
    client, _ = ascripted(busy(), answer(200, {"data": {"balance": 4}}, **{"x-request-id": "r1"}))
    with client.raw_responses() as raw:
        with pytest.raises(InternalServerError):
            await client.with_options(max_retries=0).credits()
        assert await client.credits() == 4
    assert [(r.status_code, r.request_id) for r in raw] == [(503, None), (200, "r1")]


def test_models_turn_into_plain_dicts(client, collection):
    job = Job.from_api(
        {
            "id": "j1",
            "status": "failed",
            "asset_ids": {"image": "a1"},
            "error": {"code": "x", "message": "gave up"},
        },
        client,
    )
    plain = job.to_dict()
    assert json.loads(json.dumps(plain)) == plain
    assert plain["asset_ids"] == {"image": "a1"} and plain["error"] == {
        "code": "x",
        "message": "gave up",
    }
    assert "_client" not in plain and plain["id"] == "j1"
    assert JobError("c", "m").to_dict() == {"code": "c", "message": "m"}
    fetched = client.collections.get(collection).to_dict()
    assert fetched["id"] == collection.id and fetched["reference_asset_ids"] == []
    assert json.loads(json.dumps(fetched)) == fetched
