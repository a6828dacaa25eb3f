"""Mistakes are refused before any request, with a message that says what to do instead."""

from __future__ import annotations

import json

import pytest

from masko_widgets import (
    Asset,
    AuthenticationError,
    BadRequestError,
    Item,
    Job,
    MaskoClient,
    MaskoError,
    MissingAPIKeyError,
    Preview,
    ReferenceLimitError,
    References,
    SourceImageError,
)
from tests.client._scripted import BASE, KEY, answer

PREVIEW = Preview(url="https://api.test/v1/previews/p.png", prompt="waving")
IMAGE = Asset(id="a-image", type="image", item_id="i1")

BAD_SOURCES = [
    (PREVIEW, r"preview cannot be the source image: it has no asset id\. Generate it as an item"),
    ("https://example.com/fox.png", r"URL cannot be the source image.*uploads\.create"),
    (Asset(id="a-t", type="transparent_image"), r"'transparent_image' asset.*asset_ids\['image'\]"),
    (Asset(id="a-v", type="video"), r"'video' asset and cannot be the source image"),
    (Asset(id="a-w", type="webm"), r"'webm' asset"),
    (Item(id="i2", assets={"video": "v"}), r"item i2 has no 'image' asset"),
    (Job(id="j2", status="completed", asset_ids={"video": "v"}), r"job j2 has no 'image' asset"),
    (("a1", "a2"), r"not the collection's references.*Pass one pose"),
    (References(asset_ids=("a1",)), r"not the collection's references"),
    (None, r"cannot use a NoneType as the source image"),
    ("", r"cannot use a str"),
]


@pytest.mark.parametrize(("source", "message"), BAD_SOURCES)
def test_animate_refuses_what_cannot_be_a_source(scripted, source, message):
    client, script = scripted(answer(202, {"data": {"job_id": "j"}}))
    with pytest.raises(SourceImageError, match=message) as caught:
        client.generations.animate("c1", source, "wave")
    assert isinstance(caught.value, ValueError)
    assert script.requests == []


@pytest.mark.parametrize(("source", "message"), BAD_SOURCES[:4])
def test_edit_refuses_what_cannot_be_a_source(scripted, source, message):
    client, script = scripted(answer(202, {"data": {"job_id": "j"}}))
    with pytest.raises(SourceImageError, match=message):
        client.generations.edit("c1", source, "add a hat")
    assert script.requests == []


def test_the_end_image_follows_the_same_rules(scripted):
    client, script = scripted(answer(202, {"data": {"job_id": "j"}}))
    with pytest.raises(SourceImageError, match="preview cannot be the end image"):
        client.generations.animate("c1", IMAGE, "morph", end=PREVIEW)
    assert script.requests == []


def test_items_and_jobs_use_their_image_asset(scripted):
    client, script = scripted(answer(202, {"data": {"job_id": "j"}}))
    client.generations.animate("c1", Item(id="i1", assets={"image": "a1", "video": "v"}), "wave")
    client.generations.animate(
        "c1", IMAGE, "morph", end=Job(id="j1", status="completed", asset_ids={"image": "a2"})
    )
    first, second = (json.loads(request.read()) for request in script.requests)
    assert first["source_image_asset_id"] == "a1"
    assert second["end_image_asset_id"] == "a2" and second["auto_reverse"] is False


@pytest.mark.parametrize("duration", [0, -1, 2.5, True, "4"])
def test_duration_is_whole_seconds(scripted, duration):
    client, script = scripted(answer(202, {"data": {"job_id": "j"}}))
    with pytest.raises(ValueError, match="duration is whole seconds"):
        client.generations.animate("c1", IMAGE, "wave", duration=duration)
    assert script.requests == []


@pytest.mark.parametrize(
    "error",
    [
        {"code": "bad_request", "message": "not an image asset", "field": "source_image_asset_id"},
        {"code": "bad_request", "message": "end_image_asset_id is a transparent_image"},
        "source_image_asset_id must be a completed image asset",
    ],
)
def test_the_servers_source_error_becomes_source_image_error(scripted, error):
    client, _ = scripted(answer(400, {"error": error}))
    with pytest.raises(SourceImageError, match=r"asset_ids\['image'\]") as caught:
        client.generations.animate("c1", "a-unknown-kind", "wave")
    assert isinstance(caught.value.__cause__, BadRequestError)


def test_other_bad_requests_stay_bad_request(scripted):
    body = {"error": {"code": "bad_request", "message": "too long", "field": "animation_prompt"}}
    client, _ = scripted(answer(400, body))
    with pytest.raises(BadRequestError) as caught:
        client.generations.animate("c1", IMAGE, "wave")
    assert not isinstance(caught.value, SourceImageError)


def test_a_seventh_reference_is_refused_after_one_get(scripted, make_png):
    full = {"data": {"id": "c1", "config": {"reference_asset_ids": [f"a{n}" for n in range(6)]}}}
    client, script = scripted(answer(200, full))
    with pytest.raises(ReferenceLimitError, match=r"already has 6 references.*remove one first"):
        client.references.add("c1", make_png())
    assert script.methods == ["GET"]


def test_pinning_an_existing_reference_at_six_is_allowed(scripted):
    ids = [f"a{n}" for n in range(6)]
    full = {"data": {"id": "c1", "config": {"reference_asset_ids": ids}}}
    client, script = scripted(
        answer(200, full), answer(200, {"data": {"reference_asset_ids": ids}})
    )
    assert client.references.add("c1", Asset(id="a3", type="image")).asset_ids == tuple(ids)
    assert script.methods == ["GET", "POST"]


def test_collections_take_at_most_six_references(scripted, make_png):
    client, script = scripted(answer(201, {"data": {"id": "c1"}}))
    with pytest.raises(ReferenceLimitError, match="at most 6 references, got 7"):
        client.collections.create("fox", references=[make_png()] * 7)
    assert script.requests == []


def test_previews_take_at_most_six_hints(scripted):
    client, script = scripted(answer(200, {"data": {"previews": []}}))
    with pytest.raises(ReferenceLimitError, match="at most 6 hints"):
        client.previews.create("wave", hints=["https://example.com/a.png"] * 7)
    assert script.requests == []


def test_batches_hold_one_to_ten_requests(scripted):
    client, script = scripted(answer(202, {"data": {"jobs": []}}))
    request = {"type": "image", "name": "a", "image_prompt": "b"}
    with pytest.raises(ValueError, match="1 to 10 requests, got 11"):
        client.generations.batch("c1", [request] * 11)
    with pytest.raises(SourceImageError):
        client.generations.batch("c1", [{"type": "animation", "source_image_asset_id": PREVIEW}])
    assert script.requests == []


def test_keep_needs_a_preview(scripted):
    client, script = scripted(answer(202, {"data": {"job_id": "j"}}))
    with pytest.raises(ValueError, match="needs a Preview"):
        client.generations.keep("c1", IMAGE, "wave")
    client.generations.keep("c1", PREVIEW, "wave")
    assert json.loads(script.requests[0].read())["image_prompt"] == "waving"


@pytest.mark.parametrize("prompt", ["", "   ", None])
def test_empty_prompts_are_refused(scripted, prompt):
    client, script = scripted(answer(202, {"data": {"job_id": "j"}}))
    with pytest.raises(ValueError, match="must be a non-empty string"):
        client.generations.image("c1", "wave", prompt)
    with pytest.raises(ValueError, match="must be a non-empty string"):
        client.previews.create(prompt)
    assert script.requests == []


def test_missing_key_says_how_to_set_it(monkeypatch):
    monkeypatch.delenv("MASKO_API_KEY", raising=False)
    with pytest.raises(MissingAPIKeyError, match="MASKO_API_KEY") as caught:
        MaskoClient()
    assert "getpass" in str(caught.value)


def test_key_and_base_url_are_read_when_the_client_is_made(monkeypatch):
    monkeypatch.setenv("MASKO_API_KEY", KEY)
    monkeypatch.setenv("MASKO_BASE_URL", BASE + "/")
    with MaskoClient() as client:
        assert client.base_url == BASE
    monkeypatch.delenv("MASKO_BASE_URL")
    with MaskoClient() as client:
        assert client.base_url == "https://api.masko.ai/v1"


@pytest.mark.parametrize(
    ("option", "value"), [("max_retries", None), ("max_retries", -1), ("timeout", 0)]
)
def test_bad_options_are_explained(option, value):
    with pytest.raises(ValueError, match=option):
        MaskoClient(api_key=KEY, **{option: value})


def test_the_key_appears_in_no_repr_or_error(scripted):
    client, _ = scripted(answer(401, {"error": {"code": "unauthorized", "message": "unknown key"}}))
    with pytest.raises(AuthenticationError) as caught:
        client.credits()
    assert KEY not in repr(client)
    assert KEY not in str(caught.value) and KEY not in repr(caught.value)
    assert KEY not in repr(Asset(id="a", type="image", _client=client))


def test_models_built_by_hand_explain_why_they_cannot_read():
    with pytest.raises(MaskoError, match="built by hand"):
        IMAGE.read()
    with pytest.raises(MaskoError, match="built by hand"):
        Job(id="j1", status="pending").wait()
