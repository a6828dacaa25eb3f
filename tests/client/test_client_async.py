"""AsyncMaskoClient: the same calls, rules and models as MaskoClient, awaited."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image

from masko_widgets import (
    AsyncAsset,
    AsyncJob,
    AsyncMaskoClient,
    InsufficientCreditsError,
    InternalServerError,
    JobFailedError,
    MaskoClient,
    ReferenceLimitError,
    SourceImageError,
    local,
)
from tests.client._scripted import KEY, AsyncRecording, answer

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory) -> Iterator:
    """Image jobs take two seconds; a long-poll holds up to twenty."""
    with local.start(
        tmp_path_factory.mktemp("async"), latency={"image": 2.0}, max_wait=20.0
    ) as server:
        yield server


async def test_the_readme_flow_awaited(standin, make_png, tmp_path):
    async with AsyncMaskoClient(api_key=standin.api_key, base_url=standin.url) as client:
        collection = await client.collections.create("Pip", references=[make_png()])
        job = await client.generations.image(collection, "waving", "the mascot waving")
        assert isinstance(job, AsyncJob)
        image_job = await job.wait()
        video = await (
            await client.generations.animate(collection, image_job, "waves hello", duration=1)
        ).wait()
        asset = await client.assets.get(video.asset_ids["video"])
        assert isinstance(asset, AsyncAsset)
        saved = await asset.save(tmp_path / "waving.mp4")
        assert saved.read_bytes()[4:8] == b"ftyp"
        picture = await client.assets.get(image_job.asset_ids["image"])
        assert (await picture.to_pil()).size == (picture.width, picture.height)
        assert [item.name async for item in client.items.iter(collection)] == ["waving"]
        assert (await client.items.list(collection))[0].image_asset_id == image_job.asset_ids[
            "image"
        ]


async def test_a_wait_leaves_the_event_loop_free(slow_server):
    transport = AsyncRecording()
    transport.long_poll = asyncio.Event()
    async with AsyncMaskoClient(
        api_key=slow_server.api_key, base_url=slow_server.url, transport=transport
    ) as client:
        collection = await client.collections.create("busy")
        job = await client.generations.image(collection, "wave", "waving")
        waiting = asyncio.create_task(job.wait(timeout=60))
        await transport.long_poll.wait()  # the long-poll is held by the server now
        balance = await client.credits()  # and other work goes on meanwhile
        assert not waiting.done()
        done = await waiting
    assert done.status == "completed" and isinstance(balance, int)


async def test_cancelling_the_task_stops_a_held_long_poll(slow_server):
    transport = AsyncRecording()
    transport.long_poll = asyncio.Event()
    async with AsyncMaskoClient(
        api_key=slow_server.api_key, base_url=slow_server.url, transport=transport
    ) as client:
        collection = await client.collections.create("impatient")
        job = await client.generations.image(collection, "wave", "waving")
        waiting = asyncio.create_task(job.wait(timeout=60))
        await transport.long_poll.wait()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(waiting, timeout=1.0)  # the hold would last 2 s more
        assert (await client.jobs.wait(job, timeout=60)).status == "completed"
    path = f"/v1/jobs/{job.id}"
    assert [p for _, p in transport.requests].count(path) == 2  # the cancelled poll, this one
    assert transport.answered.count(path) == 1  # the cancelled poll was dropped, not read


async def test_same_errors_and_checks_before_sending(ascripted):
    body = {"error": {"code": "insufficient_credits", "message": "no", "required": 1, "balance": 0}}
    client, script = ascripted(answer(402, body))
    with pytest.raises(InsufficientCreditsError) as caught:
        await client.generations.image("c1", "wave", "waving")
    assert (caught.value.required, caught.value.balance) == (1, 0)
    with pytest.raises(SourceImageError):
        await client.generations.animate("c1", "https://x.test/a.png", "wave")
    with pytest.raises(ReferenceLimitError):
        await client.collections.create("x", references=["https://x.test/a.png"] * 7)
    assert len(script.requests) == 1


async def test_same_retry_and_idempotency_rules(ascripted):
    accepted = answer(202, {"data": {"job_id": "j1"}})
    client, script = ascripted(answer(429, {}, **{"retry-after": "0"}), accepted)
    await client.generations.image("c1", "wave", "waving")
    keys = {request.headers["idempotency-key"] for request in script.requests}
    assert len(script.requests) == 2 and len(keys) == 1
    busy = answer(503, {"error": {"code": "internal_error", "message": "busy"}})
    client, script = ascripted(busy)
    with pytest.raises(InternalServerError):
        await client.generations.image("c1", "wave", "waving")
    assert script.methods == ["POST"]  # a POST the server may have run is not sent twice
    client, script = ascripted(busy, busy, answer(200, {"data": {"balance": 3}}))
    assert await client.credits() == 3
    assert script.methods == ["GET"] * 3


async def test_awaited_wait_keeps_the_202_asset_ids_and_raises_on_failure(ascripted):
    client, _ = ascripted(
        answer(202, {"data": {"job_id": "j1", "asset_ids": {"image": "a1"}}}),
        answer(200, {"data": {"id": "j1", "status": "completed", "urls": {"image": "u"}}}),
    )
    job = await (await client.generations.image("c1", "wave", "waving")).wait()
    assert dict(job.asset_ids) == {"image": "a1"} and job.urls["image"] == "u"
    failed = {"data": {"id": "j2", "status": "failed", "error": {"message": "gave up"}}}
    client, _ = ascripted(answer(200, failed))
    with pytest.raises(JobFailedError, match="gave up"):
        await client.jobs.wait("j2")


def reprs_within(root: object, depth: int = 4) -> list[str]:
    """The repr of every attribute reachable from `root` (what a verbose traceback shows)."""
    shown, todo, seen = [], [(root, 0)], set()
    while todo:
        value, level = todo.pop()
        if id(value) in seen or level > depth:
            continue
        seen.add(id(value))
        shown.append(repr(value))
        attributes = getattr(value, "__dict__", None) or {}
        todo.extend((child, level + 1) for child in attributes.values())
    return shown


async def test_the_key_stays_out_of_the_repr(ascripted):
    client, script = ascripted(answer(200, {"data": {"balance": 1}}))
    await client.credits()
    assert KEY not in repr(client)
    assert all(KEY not in shown for shown in reprs_within(client))
    assert script.requests[0].headers["authorization"] == f"Bearer {KEY}"


async def test_downloads_and_pictures_are_awaited(ascripted, make_png):
    png = make_png()
    client, _ = ascripted(
        answer(200, {"data": {"id": "a1", "type": "image", "url": "https://api.test/f/a1"}}),
        httpx.Response(200, content=png, headers={"content-type": "image/png"}),
    )
    asset = await client.assets.get("a1")
    assert (await asset.read()) == png
    assert Image.open(io.BytesIO(png)).size == (await asset.to_pil()).size


async def test_a_sync_client_hands_its_key_and_options_to_an_async_twin(standin):
    with MaskoClient(api_key=standin.api_key, base_url=standin.url) as client:
        patient = client.with_options(timeout=12, max_retries=1)
        async with patient.to_async() as twin:
            assert (twin.base_url, twin.timeout, twin.max_retries) == (client.base_url, 12, 1)
            assert await twin.credits() == client.credits()
            assert all(standin.api_key not in shown for shown in reprs_within(twin))
