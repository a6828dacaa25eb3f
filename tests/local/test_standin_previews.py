"""Previews: an expiring PNG URL with no asset id; hints are used once and never stored."""

from __future__ import annotations

from masko_widgets import local
from tests.local.conftest import data_uri, png_image


def test_preview_is_free_has_no_asset_id_and_serves_a_png(api, make_png):
    reference = api.upload(make_png())
    collection = api.collection(reference_asset_ids=[reference["id"]])
    before = api.balance()
    jobs = api.total("/jobs")
    answer = api.ok(
        "POST", "/generate/preview", json={"prompt": "waving", "collection_id": collection["id"]}
    )
    (preview,) = answer["previews"]
    assert set(preview) == {"url", "expires_at", "width", "height", "prompt"}
    assert preview["expires_at"].endswith("Z") and "/previews/" in preview["url"]
    image = png_image(api.download(preview["url"]).content)
    assert image.size == (preview["width"], preview["height"]) == (512, 512)
    assert api.balance() == before
    assert api.total("/jobs") == jobs


def test_hints_are_one_off(api, make_png):
    collection = api.collection()
    hint = data_uri(make_png(color=(20, 160, 60)))
    uploaded = api.upload(make_png(color=(160, 20, 60)))
    plain = api.ok("POST", "/generate/preview", json={"prompt": "jumping"})["previews"][0]
    hinted = api.ok(
        "POST",
        "/generate/preview",
        json={
            "prompt": "jumping",
            "collection_id": collection["id"],
            "reference_image_urls": [hint, uploaded["url"]],
        },
    )["previews"][0]
    assert api.download(plain["url"]).content != api.download(hinted["url"]).content
    after = api.ok("GET", f"/collections/{collection['id']}")["config"]
    assert after["reference_asset_ids"] == [] and after["style_card"] is None


def test_bad_preview_requests_name_the_field(api, other_api, make_png):
    api.error("POST", "/generate/preview", 400, "prompt", json={})
    error = api.error("POST", "/generate/preview", 400, "prompt", json={"prompt": " \t\n "})
    assert error["code"] == "bad_request" and "`prompt` is required" in error["message"]
    api.error(
        "POST",
        "/generate/preview",
        400,
        "reference_image_urls[0]",
        json={"prompt": "a", "reference_image_urls": ["https://example.com/a.png"]},
    )
    api.error(
        "POST",
        "/generate/preview",
        400,
        "reference_image_urls[1]",
        json={"prompt": "a", "reference_image_urls": [data_uri(make_png()), data_uri(b"junk")]},
    )
    api.error(
        "POST",
        "/generate/preview",
        400,
        "reference_image_urls",
        json={"prompt": "a", "reference_image_urls": [data_uri(make_png())] * 7},
    )
    theirs = other_api.collection()
    api.error(
        "POST",
        "/generate/preview",
        400,
        "collection_id",
        json={"prompt": "a", "collection_id": theirs["id"]},
    )


def test_preview_url_can_be_uploaded_to_get_an_asset(api):
    preview = api.ok("POST", "/generate/preview", json={"prompt": "sitting"})["previews"][0]
    asset = api.ok("POST", "/upload", 201, json={"url": preview["url"]})
    assert asset["type"] == "image" and asset["width"] == 512


def test_expired_preview_is_410(tmp_path, connect):
    with local.start(tmp_path, preview_ttl=0) as server:
        api = connect(server)
        preview = api.ok("POST", "/generate/preview", json={"prompt": "waving"})["previews"][0]
        gone = api.download(preview["url"])
        assert gone.status_code == 410 and gone.json()["error"]["code"] == "gone"
        api.error("POST", "/upload", 400, "url", json={"url": preview["url"]})
