"""The older answer shapes Masko's docs also show are read like the current ones."""

from __future__ import annotations

import httpx
import pytest

from masko_widgets import (
    BadRequestError,
    InsufficientCreditsError,
    JobTimeoutError,
    MaskoClient,
    NotFoundError,
)
from tests.client._scripted import BASE, KEY, answer
from tests.client._shapes import MP4, ShapedMasko

COLLECTION = {
    "id": "c1",
    "project_id": "p1",
    "name": "Fox",
    "type": "mascot",
    "slug": "fox",
    "config": {
        "prompt": "a fox",
        "reference_asset_ids": ["a1", "a2"],
        "style_card": "orange, round",
        "caution_list": ["no text"],
    },
}


def test_bare_object_without_data(scripted):
    client, _ = scripted(answer(200, COLLECTION))
    collection = client.collections.get("c1")
    assert collection.name == "Fox"
    assert collection.reference_asset_ids == ("a1", "a2")
    assert collection.style_card == "orange, round"
    assert collection.caution_list == ("no text",)


def test_list_under_a_named_key(scripted):
    client, _ = scripted(answer(200, {"collections": [COLLECTION, {**COLLECTION, "id": "c2"}]}))
    assert [c.id for c in client.collections.list()] == ["c1", "c2"]


def test_list_under_data_with_a_named_key(scripted):
    client, _ = scripted(answer(200, {"data": {"projects": [{"id": "p1", "name": "A"}]}}))
    assert [p.name for p in client.projects.list()] == ["A"]


def test_flat_error_string_with_available(scripted):
    body = {"error": "Insufficient credits", "required": 21, "available": 5}
    client, _ = scripted(answer(402, body))
    with pytest.raises(InsufficientCreditsError) as caught:
        client.generations.image("c1", "wave", "waving")
    error = caught.value
    assert (error.message, error.required, error.balance) == ("Insufficient credits", 21, 5)
    assert error.code is None
    assert error.body == body


def test_nested_error_with_balance(scripted):
    body = {
        "error": {
            "code": "insufficient_credits",
            "message": "need 21",
            "required": 21,
            "balance": 2,
        }
    }
    client, _ = scripted(answer(402, body))
    with pytest.raises(InsufficientCreditsError) as caught:
        client.generations.image("c1", "wave", "waving")
    assert (caught.value.code, caught.value.required, caught.value.balance) == (
        "insufficient_credits",
        21,
        2,
    )


def test_framework_style_detail_error(scripted):
    client, _ = scripted(answer(404, {"detail": "Not Found"}))
    with pytest.raises(NotFoundError, match="Not Found"):
        client.assets.get("nope")


def test_error_without_a_body_uses_the_reason(scripted):
    client, _ = scripted(answer(400))
    with pytest.raises(BadRequestError, match="Bad Request"):
        client.projects.create("x")


def test_accepted_with_only_job_id_and_poll_url(scripted):
    client, _ = scripted(answer(202, {"job_id": "j9", "poll_url": "https://api.test/v1/jobs/j9"}))
    job = client.generations.image("c1", "wave", "waving")
    assert (job.id, job.status, job.type, job.collection_id, job.item_name) == (
        "j9",
        "pending",
        "image",
        "c1",
        "wave",
    )
    assert dict(job.asset_ids) == {}
    assert not job.done


def test_pagination_is_followed(scripted):
    def page(request):
        offset = int(request.url.params["offset"])
        items = [{"id": f"i{n}", "name": f"pose {n}"} for n in range(offset, min(offset + 2, 5))]
        meta = {
            "pagination": {"total": 5, "limit": 2, "offset": offset, "has_more": offset + 2 < 5}
        }
        return answer(200, {"data": items, "meta": meta})

    client, script = scripted(page)
    items = client.items.list("c1")
    assert [item.id for item in items] == ["i0", "i1", "i2", "i3", "i4"]
    assert [r.url.params["offset"] for r in script.requests] == ["0", "2", "4"]


def test_pagination_by_total_when_has_more_is_absent(scripted):
    def page(request):
        offset = int(request.url.params["offset"])
        jobs = [{"id": f"j{offset}", "status": "completed"}]
        return answer(200, {"jobs": jobs, "pagination": {"total": 2, "offset": offset}})

    client, script = scripted(page)
    assert [job.id for job in client.jobs.list(status="completed")] == ["j0", "j1"]
    assert script.requests[0].url.params["status"] == "completed"
    assert len(script.requests) == 2


def test_credits_as_a_bare_object(scripted):
    client, _ = scripted(answer(200, {"credits": 12}))
    assert client.credits() == 12


def test_suggested_actions_as_a_bare_list(scripted):
    client, _ = scripted(answer(200, {"data": ["wave", "jump", "sleep"]}))
    assert client.suggest_actions("c1") == ["wave", "jump", "sleep"]


@pytest.mark.parametrize("shape", ["contract", "docs-new", "docs-old"])
def test_the_readme_flow_on_each_documented_shape(shape, tmp_path):
    masko = ShapedMasko(shape)
    with MaskoClient(api_key=KEY, base_url=BASE, transport=httpx.MockTransport(masko)) as client:
        collection = client.collections.create("Pip")
        job = client.generations.image(collection, "waving", "the mascot waving").wait()
        video = client.generations.animate(collection, job, "waves hello", duration=2).wait()
        client.assets.get(video.asset_ids["video"]).save(tmp_path / "waving.mp4")
    assert masko.sources == ["image-1"]
    assert (tmp_path / "waving.mp4").read_bytes() == MP4
    assert job.item_id == "item1" and video.item_id == "item2"


def test_a_job_known_only_by_its_urls_is_animated_through_its_item(tmp_path):
    masko = ShapedMasko("bare-202-new-job")
    with MaskoClient(api_key=KEY, base_url=BASE, transport=httpx.MockTransport(masko)) as client:
        job = client.generations.image("c1", "waving", "the mascot waving").wait()
        assert dict(job.asset_ids) == {} and job.item_id == "item1"
        video = client.generations.animate("c1", job, "waves hello", duration=2).wait()
        assert client.download(video.urls["video"]) == MP4
    assert masko.sources == ["image-1"]


def test_wait_keeps_the_asset_ids_of_the_202_when_the_job_has_none(scripted):
    accepted = {"data": {"job_id": "j1", "item_id": "i1", "asset_ids": {"image": "a1"}}}
    detail = {"data": {"id": "j1", "status": "completed", "urls": {"image": "https://u"}}}
    client, _ = scripted(answer(202, accepted), answer(200, detail))
    job = client.generations.image("c1", "wave", "waving").wait()
    assert (dict(job.asset_ids), job.item_id, job.urls["image"]) == (
        {"image": "a1"},
        "i1",
        "https://u",
    )
    assert job.type == "image" and job.item_name == "wave"


def test_the_older_job_shape_names_its_item_under_output_data(scripted):
    old = {"id": "j1", "status": "completed", "output_data": {"item_id": "item_456", "duration": 4}}
    client, _ = scripted(answer(200, old))
    assert client.jobs.get("j1").item_id == "item_456"


@pytest.mark.timeout(30)
def test_a_long_poll_held_past_the_read_timeout_is_asked_again(scripted):
    held = httpx.ReadTimeout("held longer than the read timeout")
    done = {"data": {"id": "j1", "status": "completed"}}
    client, script = scripted(held, held, held, held, answer(200, done))
    assert client.jobs.wait("j1", timeout=600).status == "completed"
    reads = [request.extensions["timeout"]["read"] for request in script.requests]
    assert len(reads) == 5
    assert reads[0] < reads[1] < reads[2] <= reads[3] == reads[4] <= 600


def test_the_deadline_holds_while_long_polls_time_out(scripted):
    client, script = scripted(httpx.ReadTimeout("held"))
    with pytest.raises(JobTimeoutError):
        client.jobs.wait("j1", timeout=1.0)
    assert 1 <= len(script.requests) <= 4


def test_a_refused_page_limit_falls_back_to_the_servers_own(scripted):
    def page(request):
        params = request.url.params
        if "limit" in params:
            error = {"code": "bad_request", "message": "limit must be at most 100"}
            return answer(400, {"error": {**error, "field": "limit"}})
        offset = int(params["offset"])
        items = [{"id": f"i{n}"} for n in range(offset, min(offset + 3, 7))]
        pagination = {"total": 7, "limit": 3, "offset": offset, "has_more": offset + 3 < 7}
        return answer(200, {"data": items, "meta": {"pagination": pagination}})

    client, script = scripted(page)
    assert [item.id for item in client.items.list("c1")] == [f"i{n}" for n in range(7)]
    asked = [dict(request.url.params) for request in script.requests]
    assert asked[0]["limit"] == "200" and all("limit" not in query for query in asked[1:])
    assert [query["offset"] for query in asked[1:]] == ["0", "3", "6"]


def test_a_refusal_that_is_not_about_the_limit_is_raised(scripted):
    client, script = scripted(answer(400, {"error": {"code": "bad_request", "message": "status"}}))
    with pytest.raises(BadRequestError, match="status"):
        client.jobs.list(status="bogus")
    assert len(script.requests) == 2  # once with the limit, once without
