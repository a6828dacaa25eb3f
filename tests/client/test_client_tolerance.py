"""The older answer shapes Masko's docs also show are read like the current ones."""

from __future__ import annotations

import pytest

from masko_widgets import BadRequestError, InsufficientCreditsError, NotFoundError
from tests.client._scripted import answer

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
