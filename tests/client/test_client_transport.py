"""Retries, idempotency keys and error mapping over a scripted transport."""

from __future__ import annotations

import logging
import socket

import httpx
import pytest

from masko_widgets import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    GoneError,
    InsufficientCreditsError,
    InternalServerError,
    Item,
    MaskoClient,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    Preview,
    RateLimitError,
)
from tests.client._scripted import KEY, answer

JOB = {"data": {"job_id": "job-1", "poll_url": "/v1/jobs/job-1", "asset_ids": {}, "urls": {}}}
PROJECT = {"data": {"id": "p1", "name": "Mascots"}}
REFUSED = httpx.ConnectError("[Errno 111] Connection refused")


def keys(script) -> list[str | None]:
    return [request.headers.get("idempotency-key") for request in script.requests]


def test_429_is_retried_after_retry_after_with_the_same_idempotency_key(scripted, caplog):
    client, script = scripted(
        answer(
            429, {"error": {"code": "rate_limited", "message": "slow down"}}, **{"Retry-After": "0"}
        ),
        answer(202, JOB),
    )
    with caplog.at_level(logging.INFO, logger="masko_widgets.client"):
        job = client.generations.image("c1", "wave", "waving")
    assert job.id == "job-1"
    assert script.methods == ["POST", "POST"]
    assert keys(script)[0] is not None and keys(script)[0] == keys(script)[1]
    assert "retrying POST /v1/collections/c1/generate in 0.00 s after 429" in caplog.text


def test_retry_after_above_the_cap_raises_at_once(scripted):
    client, script = scripted(
        answer(
            429, {"error": {"code": "rate_limited", "message": "later"}}, **{"Retry-After": "3600"}
        )
    )
    with pytest.raises(RateLimitError) as caught:
        client.projects.create("x")
    assert caught.value.retry_after == 3600
    assert len(script.requests) == 1


def test_429_gives_up_after_max_retries(scripted):
    client, script = scripted(
        answer(429, {"error": {"code": "rate_limited", "message": "no"}}, **{"Retry-After": "0"}),
        max_retries=2,
    )
    with pytest.raises(RateLimitError):
        client.credits()
    assert len(script.requests) == 3


def test_500_on_a_post_is_never_replayed(scripted):
    client, script = scripted(
        answer(500, {"error": {"code": "internal_error", "message": "boom"}}), answer(202, JOB)
    )
    with pytest.raises(InternalServerError) as caught:
        client.generations.image("c1", "wave", "waving")
    assert caught.value.status_code == 500
    assert script.methods == ["POST"]


def test_500_on_a_get_is_retried(scripted):
    client, script = scripted(
        answer(500, {"error": {"code": "internal_error", "message": "boom"}}),
        answer(200, {"data": {"balance": 7}}),
        max_retries=1,
    )
    assert client.credits() == 7
    assert script.methods == ["GET", "GET"]


def test_500_on_a_get_gives_up_after_max_retries(scripted):
    client, script = scripted(
        answer(503, {"error": {"code": "internal_error", "message": "x"}}), max_retries=1
    )
    with pytest.raises(InternalServerError):
        client.credits()
    assert len(script.requests) == 2


def test_read_timeout_on_a_post_is_not_replayed(scripted):
    client, script = scripted(httpx.ReadTimeout("slow"), answer(201, PROJECT))
    with pytest.raises(APITimeoutError) as caught:
        client.projects.create("x")
    assert isinstance(caught.value, TimeoutError)
    assert script.methods == ["POST"]


def test_read_timeout_on_a_get_is_retried(scripted):
    client, script = scripted(httpx.ReadTimeout("slow"), answer(200, {"data": {"balance": 3}}))
    assert client.credits() == 3
    assert len(script.requests) == 2


def test_cut_connection_on_a_post_is_not_replayed(scripted):
    client, script = scripted(
        httpx.RemoteProtocolError("server disconnected"), answer(201, PROJECT)
    )
    with pytest.raises(APIConnectionError):
        client.projects.create("x")
    assert len(script.requests) == 1


def test_refused_connection_is_retried_for_a_post_with_the_same_key(scripted):
    client, script = scripted(REFUSED, answer(201, PROJECT))
    assert client.projects.create("Mascots").name == "Mascots"
    assert script.methods == ["POST", "POST"]
    assert keys(script)[0] == keys(script)[1]


def test_each_logical_post_gets_its_own_key(scripted):
    client, script = scripted(answer(201, PROJECT))
    client.projects.create("a")
    client.projects.create("b")
    assert keys(script)[0] != keys(script)[1]


POSE = Item(id="i1", assets={"image": "a1"})
PAID_CALLS = {
    "image": lambda gen, key: gen.image("c1", "wave", "waving", idempotency_key=key),
    "animate": lambda gen, key: gen.animate("c1", POSE, "bounce", idempotency_key=key),
    "edit": lambda gen, key: gen.edit("c1", POSE, "add a hat", idempotency_key=key),
    "keep": lambda gen, key: gen.keep(
        "c1", Preview(url="https://files.test/p.png", prompt="waving"), "wave", idempotency_key=key
    ),
    "batch": lambda gen, key: gen.batch(
        "c1", [{"type": "image", "name": "a", "image_prompt": "x"}], idempotency_key=key
    ),
}


@pytest.mark.parametrize("call", PAID_CALLS)
def test_a_callers_idempotency_key_is_sent_on_every_retry(scripted, call):
    batch = {"data": {"jobs": [JOB["data"]]}}
    client, script = scripted(
        answer(429, {"error": {"code": "rate_limited", "message": "wait"}}, **{"Retry-After": "0"}),
        REFUSED,
        answer(202, batch if call == "batch" else JOB),
    )
    PAID_CALLS[call](client.generations, "order-42/wave")
    assert script.methods == ["POST"] * 3
    assert keys(script) == ["order-42/wave"] * 3


@pytest.mark.parametrize(
    "bad", ["", "   ", "k" * 256, "clé", 42], ids=["empty", "blank", "long", "non-ascii", "int"]
)
def test_an_unusable_idempotency_key_is_refused_before_sending(scripted, bad):
    client, script = scripted(answer(202, JOB))
    with pytest.raises(ValueError, match="idempotency_key"):
        client.generations.image("c1", "wave", "waving", idempotency_key=bad)
    assert script.requests == []


def test_gets_carry_no_idempotency_key(scripted):
    client, script = scripted(answer(200, {"data": {"balance": 1}}))
    client.credits()
    assert keys(script) == [None]


def test_a_replaying_server_yields_one_job_for_one_call(scripted):
    """The server did the work, the client could not tell and retried: the key makes it one job."""
    seen: dict[str, httpx.Response] = {}
    created: list[str] = []

    def idempotent_server(request: httpx.Request) -> httpx.Response:
        key = request.headers["idempotency-key"]
        if key in seen:
            return seen[key]
        created.append(key)
        seen[key] = answer(202, JOB)
        raise REFUSED

    client, script = scripted(idempotent_server)
    job = client.generations.image("c1", "wave", "waving")
    assert job.id == "job-1"
    assert len(script.requests) == 2
    assert len(created) == 1


def test_refused_port_on_loopback_raises_connection_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = MaskoClient(api_key=KEY, base_url=f"http://127.0.0.1:{port}/v1", max_retries=1)
    with client, pytest.raises(APIConnectionError, match=r"could not reach http://127\.0\.0\.1"):
        client.credits()


def test_status_error_carries_code_message_body_and_request_id(scripted):
    body = {"error": {"code": "bad_request", "message": "name is required", "field": "name"}}
    client, _ = scripted(answer(400, body, **{"x-request-id": "req-42"}))
    with pytest.raises(APIStatusError) as caught:
        client.projects.create("")
    error = caught.value
    assert (error.status_code, error.code, error.message) == (
        400,
        "bad_request",
        "name is required",
    )
    assert error.field == "name"
    assert error.body == body
    assert error.request_id == "req-42"
    assert str(error) == "400 bad_request: name is required (request_id=req-42)"


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (402, InsufficientCreditsError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (410, GoneError),
        (413, PayloadTooLargeError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
    ],
)
def test_each_status_maps_to_its_error_class(scripted, status, error):
    masko, _ = scripted(answer(status, {"error": {"code": "x", "message": "refused"}}))
    with pytest.raises(error, match="refused") as caught:
        masko.credits()
    assert caught.value.status_code == status


def test_key_is_sent_as_bearer_to_the_api_and_never_logged(scripted, caplog):
    client, script = scripted(answer(200, {"data": {"balance": 1}}))
    with caplog.at_level(logging.DEBUG, logger="masko_widgets.client"):
        client.credits()
    assert script.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert "GET /v1/credits -> 200" in caplog.text
    assert KEY not in caplog.text
    assert KEY not in repr(client)


def test_downloads_from_other_hosts_get_no_key(scripted):
    client, script = scripted(httpx.Response(200, content=b"\x89PNG\r\n\x1a\nrest"))
    assert client.download("https://cdn.example/files/a.png").startswith(b"\x89PNG")
    client.download(f"{client.base_url}/files/b.png")
    assert "authorization" not in script.requests[0].headers
    assert script.requests[1].headers["authorization"] == f"Bearer {KEY}"


def test_non_json_success_is_a_clear_error(scripted):
    client, _ = scripted(httpx.Response(200, content=b"<html>proxy</html>"))
    with pytest.raises(APIStatusError, match="not JSON"):
        client.credits()
