"""Generation: every kind, its files decoded, its credits, and every refused request."""

from __future__ import annotations

import pytest

from masko_widgets import local
from tests.conftest import draw_character
from tests.local.conftest import Api, data_uri, png_image, video_facts


@pytest.fixture(scope="module")
def drawn(standin, workspace_key):
    """A collection with one reference and a completed image job."""
    api = Api(standin.url, workspace_key)
    reference = api.upload(draw_character())
    collection = api.collection(reference_asset_ids=[reference["id"]])
    job = api.wait(api.image_job(collection["id"])["job_id"])
    yield collection, job
    api.close()


@pytest.fixture(scope="module")
def slow(tmp_path_factory):
    """A stand-in whose jobs take a minute: their assets stay pending during a test."""
    with local.start(tmp_path_factory.mktemp("slow"), latency=60, max_wait=0.2) as server:
        yield server


def test_image_job_answers_202_and_makes_two_pngs(api, drawn):
    collection, _ = drawn
    before = api.balance()
    accepted = api.image_job(collection["id"], "cheer", "cheering")
    assert set(accepted["asset_ids"]) == set(accepted["urls"]) == {"image", "transparent_image"}
    assert accepted["poll_url"].endswith(f"/jobs/{accepted['job_id']}")
    assert api.balance() == before - 1
    job = api.wait(accepted["job_id"])
    assert (job["status"], job["type"], job["cost_credits"], job["error"]) == (
        "completed",
        "image",
        1,
        None,
    )
    assert job["item_name"] == "cheer" and job["completed_at"]
    flat = png_image(api.download(job["urls"]["image"]).content)
    cut = png_image(api.download(job["urls"]["transparent_image"]).content)
    assert flat.size == cut.size == (512, 512)
    assert flat.mode == "RGB" and cut.mode == "RGBA"
    assert cut.getpixel((0, 0))[3] == 0 and cut.getchannel("A").getextrema()[1] == 255
    item = api.ok("GET", f"/collections/{collection['id']}/items", params={"limit": 200})
    mine = next(i for i in item if i["id"] == job["item_id"])
    assert mine["assets"] == job["asset_ids"] and mine["image_prompt"] == "cheering"
    asset = api.ok("GET", f"/assets/{job['asset_ids']['image']}")
    assert (asset["status"], asset["width"], asset["item_id"]) == ("completed", 512, job["item_id"])


def test_same_inputs_give_the_same_pixels(api, drawn):
    collection, job = drawn
    again = api.wait(api.image_job(collection["id"])["job_id"])
    first = api.download(job["urls"]["image"]).content
    assert api.download(again["urls"]["image"]).content == first


def test_regenerating_into_an_item_keeps_older_assets(api, drawn):
    collection, job = drawn
    again = api.wait(
        api.generate(
            collection["id"], type="image", item_id=job["item_id"], image_prompt="waving again"
        )["job_id"]
    )
    assert again["item_id"] == job["item_id"]
    item = next(
        i
        for i in api.ok("GET", f"/collections/{collection['id']}/items", params={"limit": 200})
        if i["id"] == job["item_id"]
    )
    assert item["assets"]["image"] == again["asset_ids"]["image"]
    assert api.ok("GET", f"/assets/{job['asset_ids']['image']}")["status"] == "completed"


def test_animation_from_scratch_makes_images_and_three_videos(api, drawn):
    collection, _ = drawn
    before = api.balance()
    accepted = api.generate(
        collection["id"],
        type="animation",
        name="hop",
        image_prompt="standing",
        animation_prompt="bounce",
        duration=1,
        loop=True,
    )
    assert set(accepted["asset_ids"]) == {"image", "transparent_image", "video", "webm", "hevc"}
    assert api.balance() == before - 6
    job = api.wait(accepted["job_id"])
    assert job["status"] == "completed" and job["type"] == "animation"
    facts = {
        role: video_facts(api.download(job["urls"][role]).content)
        for role in ("video", "webm", "hevc")
    }
    assert "mp4" in facts["video"][0] and facts["video"][1] == "h264"
    assert facts["webm"][0].startswith("matroska") and facts["webm"][1] in ("vp9", "libvpx-vp9")
    assert "mov" in facts["hevc"][0] and facts["hevc"][1] == "hevc"
    for _container, _codec, width, height, frames, _seconds in facts.values():
        assert (width, height) == (512, 512) and frames >= 12
    asset = api.ok("GET", f"/assets/{job['asset_ids']['webm']}")
    assert (asset["type"], asset["mime_type"]) == ("webm", "video/webm")
    assert (asset["width"], asset["height"]) == facts["webm"][2:4]


def test_animate_existing_adds_videos_to_the_source_item(api, drawn):
    collection, job = drawn
    accepted = api.generate(
        collection["id"],
        type="animation",
        duration=2,
        loop=False,
        source_image_asset_id=job["asset_ids"]["image"],
        animation_prompt="sway",
    )
    assert set(accepted["asset_ids"]) == {"video", "webm", "hevc"}
    done = api.wait(accepted["job_id"])
    assert (done["item_id"], done["cost_credits"]) == (job["item_id"], 10)
    frames = video_facts(api.download(done["urls"]["video"]).content)[4]
    assert frames >= 24


def test_animating_an_upload_makes_a_new_item(api, drawn, make_png):
    collection, _ = drawn
    upload = api.upload(make_png())
    done = api.wait(
        api.generate(
            collection["id"],
            type="animation",
            duration=1,
            name="spin",
            source_image_asset_id=upload["id"],
            animation_prompt="turn",
        )["job_id"]
    )
    assert done["status"] == "completed" and done["item_name"] == "spin"
    items = api.ok("GET", f"/collections/{collection['id']}/items", params={"limit": 200})
    assert any(i["id"] == done["item_id"] and "video" in i["assets"] for i in items)


def test_transition_with_auto_reverse_adds_free_reverse_videos(api, drawn, make_png):
    collection, job = drawn
    end = api.upload(make_png(color=(60, 160, 90)))
    before = api.balance()
    accepted = api.generate(
        collection["id"],
        type="animation",
        duration=1,
        source_image_asset_id=job["asset_ids"]["image"],
        end_image_asset_id=end["id"],
        auto_reverse=True,
        animation_prompt="morph",
    )
    assert set(accepted["asset_ids"]) == {
        "video",
        "webm",
        "hevc",
        "reverse_video",
        "reverse_webm",
        "reverse_hevc",
    }
    assert api.balance() == before - 5
    done = api.wait(accepted["job_id"])
    assert done["status"] == "completed"
    forward = api.download(done["urls"]["video"]).content
    backward = api.download(done["urls"]["reverse_video"]).content
    assert video_facts(backward)[1] == "h264" and backward != forward
    assert api.ok("GET", f"/assets/{done['asset_ids']['reverse_hevc']}")["type"] == "hevc"


def test_edit_puts_new_images_on_the_same_item(api, drawn):
    collection, job = drawn
    accepted = api.generate(
        collection["id"],
        type="edit",
        item_id=job["item_id"],
        source_image_asset_id=job["asset_ids"]["image"],
        edit_instructions="add a red scarf",
    )
    assert set(accepted["asset_ids"]) == {"image", "transparent_image"}
    done = api.wait(accepted["job_id"])
    assert (done["type"], done["item_id"], done["cost_credits"]) == ("edit", job["item_id"], 1)
    edited = png_image(api.download(done["urls"]["image"]).content)
    original = png_image(api.download(job["urls"]["image"]).content)
    assert edited.size == original.size and edited.tobytes() != original.tobytes()


def source_errors(api, collection_id, field, value, extra=None):
    body = {
        "type": "animation",
        "animation_prompt": "bounce",
        "duration": 1,
        "source_image_asset_id": value,
        **(extra or {}),
    }
    if field == "end_image_asset_id":
        body = {**body, "source_image_asset_id": extra["source"], "end_image_asset_id": value}
        del body["source"]
    return api.error("POST", f"/collections/{collection_id}/generate", 400, field, json=body)


@pytest.mark.parametrize("field", ["source_image_asset_id", "end_image_asset_id"])
def test_bad_sources_are_400_and_teach_what_to_pass(api, drawn, field):
    collection, job = drawn
    extra = {"source": job["asset_ids"]["image"]}
    preview = api.ok("POST", "/generate/preview", json={"prompt": "wave"})["previews"][0]
    before = api.balance()
    jobs_before = api.total("/jobs")
    for value, words in [
        (job["urls"]["image"], "not a URL"),
        (preview["url"], "Previews have no asset id"),
        (data_uri(b"x"), "not a URL"),
        (job["asset_ids"]["transparent_image"], "asset_ids.image"),
        ("00000000-0000-4000-8000-000000000000", "no asset"),
        ("nonsense", "no asset"),
    ]:
        error = source_errors(api, collection["id"], field, value, extra)
        assert words in error["message"], error
    assert api.balance() == before
    assert api.total("/jobs") == jobs_before


def test_video_asset_is_not_a_source(api, drawn):
    collection, job = drawn
    video = api.wait(
        api.generate(
            collection["id"],
            type="animation",
            duration=1,
            source_image_asset_id=job["asset_ids"]["image"],
            animation_prompt="bounce",
        )["job_id"]
    )
    error = source_errors(
        api, collection["id"], "source_image_asset_id", video["asset_ids"]["video"]
    )
    assert "video" in error["message"]
    api.error(
        "POST",
        f"/collections/{collection['id']}/generate",
        400,
        "source_image_asset_id",
        json={
            "type": "edit",
            "item_id": job["item_id"],
            "edit_instructions": "x",
            "source_image_asset_id": video["asset_ids"]["webm"],
        },
    )


def test_pending_asset_is_not_a_source(slow, connect):
    api = connect(slow)
    collection = api.collection()
    pending = api.image_job(collection["id"])
    assert api.ok("GET", f"/jobs/{pending['job_id']}", params={"wait": "true"})["status"] in (
        "pending",
        "processing",
    )
    error = source_errors(
        api, collection["id"], "source_image_asset_id", pending["asset_ids"]["image"]
    )
    assert "pending" in error["message"]
    placeholder = png_image(api.download(pending["urls"]["image"]).content)
    assert placeholder.size == (512, 512)
    assert api.ok("GET", f"/assets/{pending['asset_ids']['image']}")["status"] == "pending"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "sketch", "name": "a", "image_prompt": "a"}, "type"),
        ({"name": "a", "image_prompt": "a"}, "type"),
        ({"type": "image", "image_prompt": "a"}, "name"),
        ({"type": "image", "name": "a"}, "image_prompt"),
        ({"type": "image", "name": "a", "image_prompt": "  "}, "image_prompt"),
        (
            {
                "type": "image",
                "item_id": "00000000-0000-4000-8000-000000000000",
                "image_prompt": "a",
            },
            "item_id",
        ),
        (
            {"type": "animation", "name": "a", "image_prompt": "a", "duration": 1},
            "animation_prompt",
        ),
        (
            {"type": "animation", "name": "a", "image_prompt": "a", "animation_prompt": "b"},
            "duration",
        ),
        (
            {
                "type": "animation",
                "name": "a",
                "image_prompt": "a",
                "animation_prompt": "b",
                "duration": 0,
            },
            "duration",
        ),
        (
            {
                "type": "animation",
                "name": "a",
                "image_prompt": "a",
                "animation_prompt": "b",
                "duration": 16,
            },
            "duration",
        ),
        (
            {
                "type": "animation",
                "name": "a",
                "image_prompt": "a",
                "animation_prompt": "b",
                "duration": 2.5,
            },
            "duration",
        ),
        (
            {
                "type": "animation",
                "name": "a",
                "image_prompt": "a",
                "animation_prompt": "b",
                "duration": 1,
                "auto_reverse": True,
            },
            "auto_reverse",
        ),
        (
            {
                "type": "animation",
                "name": "a",
                "image_prompt": "a",
                "animation_prompt": "b",
                "duration": 1,
                "end_image_asset_id": "00000000-0000-4000-8000-000000000000",
            },
            "end_image_asset_id",
        ),
        ({"type": "edit", "edit_instructions": "x"}, "item_id"),
    ],
)
def test_invalid_generate_bodies_name_the_field(api, drawn, body, field):
    collection, _ = drawn
    before = api.balance()
    api.error("POST", f"/collections/{collection['id']}/generate", 400, field, json=body)
    assert api.balance() == before


def test_edit_needs_source_and_instructions(api, drawn):
    collection, job = drawn
    path = f"/collections/{collection['id']}/generate"
    api.error(
        "POST",
        path,
        400,
        "source_image_asset_id",
        json={"type": "edit", "item_id": job["item_id"], "edit_instructions": "x"},
    )
    api.error(
        "POST",
        path,
        400,
        "edit_instructions",
        json={
            "type": "edit",
            "item_id": job["item_id"],
            "source_image_asset_id": job["asset_ids"]["image"],
        },
    )


def test_unknown_collection_is_404(api):
    api.error(
        "POST",
        "/collections/00000000-0000-4000-8000-000000000000/generate",
        404,
        json={"type": "image", "name": "a", "image_prompt": "a"},
    )


def test_too_few_credits_is_402_and_creates_nothing(standin, connect):
    api = connect(standin, standin.new_workspace_key(credits=3))
    collection = api.collection()
    error = api.error(
        "POST",
        f"/collections/{collection['id']}/generate",
        402,
        json={
            "type": "animation",
            "name": "a",
            "image_prompt": "a",
            "animation_prompt": "b",
            "duration": 1,
        },
    )
    assert (error["code"], error["required"], error["balance"]) == ("insufficient_credits", 6, 3)
    assert api.ok("GET", f"/collections/{collection['id']}/items") == []
    assert api.ok("GET", "/jobs") == []
    assert api.balance() == 3


def test_batch_answers_each_entry(standin, connect, make_png):
    api = connect(standin, standin.new_workspace_key(credits=2))
    collection = api.collection()
    good = {"type": "image", "name": "a", "image_prompt": "a"}
    answer = api.ok(
        "POST",
        f"/collections/{collection['id']}/generate-batch",
        202,
        json={"requests": [good, {"type": "image", "name": "b"}, good, good]},
    )
    first, missing, second, broke = answer["jobs"]
    assert first["job_id"] and second["job_id"] and first["job_id"] != second["job_id"]
    assert (missing["status"], missing["error"]["field"]) == (400, "image_prompt")
    assert (broke["status"], broke["error"]["code"], broke["error"]["required"]) == (
        402,
        "insufficient_credits",
        1,
    )
    for job_id in (first["job_id"], second["job_id"]):
        assert api.wait(job_id)["status"] == "completed"
    path = f"/collections/{collection['id']}/generate-batch"
    api.error("POST", path, 400, "requests", json={"requests": [good] * 11})
    api.error("POST", path, 400, "requests", json={"requests": []})


def test_suggest_actions_is_free_and_stable(api, drawn):
    collection, _ = drawn
    before = api.balance()
    path = f"/collections/{collection['id']}/suggest-actions"
    actions = api.ok("POST", path)["actions"]
    assert 6 <= len(actions) <= 8 and len(set(actions)) == len(actions)
    assert api.ok("POST", path)["actions"] == actions
    other = api.collection()
    assert api.ok("POST", f"/collections/{other['id']}/suggest-actions")["actions"] != actions
    assert api.balance() == before
