"""Collections, uploads and references: shapes, limits, URL imports and refused input."""

from __future__ import annotations

import io
import socket

import pytest
from PIL import Image

from tests.local.conftest import data_uri, png_bomb, png_image


def test_collection_uses_the_default_project_and_stores_the_description(api):
    collection = api.collection(description="an orange blob")
    assert collection["type"] == "mascot"
    assert collection["slug"].startswith("blob")
    assert collection["config"] == {
        "prompt": "an orange blob",
        "reference_asset_ids": [],
        "style_card": None,
        "caution_list": [],
    }
    again = api.collection(description="second")
    assert again["project_id"] == collection["project_id"]
    assert again["slug"] != collection["slug"]
    assert api.ok("GET", f"/collections/{collection['id']}") == collection


def test_collections_filter_by_project(api):
    project = api.ok("POST", "/projects", 201, json={"name": "Shelf"})
    inside = api.collection(project_id=project["id"])
    api.collection()
    listed = api.ok("GET", "/collections", params={"project_id": project["id"]})
    assert [c["id"] for c in listed] == [inside["id"]]


def test_collection_with_reference_ids_and_urls(api, make_png):
    first = api.upload(make_png())
    collection = api.collection(
        reference_asset_ids=[first["id"]],
        reference_image_urls=[data_uri(make_png(color=(30, 90, 200))), first["url"]],
    )
    refs = collection["config"]["reference_asset_ids"]
    assert refs[0] == first["id"] and len(refs) == 2  # the own URL of `first` is not a duplicate
    new = api.ok("GET", f"/assets/{refs[1]}")
    assert (new["type"], new["status"], new["item_id"]) == ("image", "completed", None)


def test_collection_refuses_more_than_six_references_and_creates_nothing(api, make_png):
    asset = api.upload(make_png())
    before = api.total("/collections")
    api.error(
        "POST",
        "/collections",
        400,
        json={"reference_asset_ids": [asset["id"]] * 4, "reference_image_urls": [asset["url"]] * 3},
    )
    api.error(
        "POST",
        "/collections",
        400,
        "reference_image_urls[0]",
        json={"reference_image_urls": ["https://example.com/cat.png"]},
    )
    api.error(
        "POST",
        "/collections",
        400,
        "reference_image_urls[0]",
        json={"reference_image_urls": [data_uri(b"not an image")]},
    )
    assert api.total("/collections") == before


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp"), ("GIF", "image/gif")],
)
def test_multipart_upload_of_each_format(api, make_png, fmt, mime):
    asset = api.ok(
        "POST",
        "/upload",
        201,
        files={"file": ("pose", make_png(size=(90, 60), fmt=fmt), "application/octet-stream")},
    )
    assert (asset["type"], asset["status"], asset["mime_type"]) == ("image", "completed", mime)
    assert (asset["width"], asset["height"]) == (90, 60)
    response = api.download(asset["url"])
    assert response.headers["content-type"] == mime
    assert Image.open(io.BytesIO(response.content)).size == (90, 60)


def test_json_upload_from_data_uri_and_own_file_url(api, make_png):
    from_data = api.ok("POST", "/upload", 201, json={"url": data_uri(make_png(size=(40, 40)))})
    copy = api.ok("POST", "/upload", 201, json={"url": from_data["url"]})
    assert copy["id"] != from_data["id"]
    assert png_image(api.download(copy["url"]).content).size == (40, 40)
    plain = "data:image/png," + "".join(f"%{b:02x}" for b in make_png(size=(8, 8)))
    assert api.ok("POST", "/upload", 201, json={"url": plain})["width"] == 8


def test_foreign_urls_are_refused_without_any_connection(api, standin):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        token_path = "/v1/files/" + "A" * 32 + ".png"
        for url in (
            f"http://127.0.0.1:{port}/x.png",
            f"http://127.0.0.1:{port}{token_path}",
            "https://example.com/cat.png",
            "file:///etc/passwd",
            "ftp://host/a.png",
            standin.url.replace("/v1", "") + "/v1/openapi.json",
        ):
            error = api.error("POST", "/upload", 400, "url", json={"url": url})
            assert "data: URI" in error["message"]
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody ever connected


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (b"hello, not an image", 400),
        (b"BM" + bytes(200), 400),  # BMP: not an accepted format
        (None, 400),  # truncated PNG, filled below
        (png_bomb(10_000, 10_000), 413),  # 100 megapixels claimed in a tiny file
    ],
    ids=["text", "bmp", "truncated", "bomb"],
)
def test_bad_uploads_are_refused_and_store_nothing(api, make_png, payload, status):
    data = payload if payload is not None else make_png()[:300]
    error = api.error(
        "POST", "/upload", status, "file", files={"file": ("x.png", data, "image/png")}
    )
    assert error["code"] == ("payload_too_large" if status == 413 else "bad_request")
    api.error("POST", "/upload", status, "url", json={"url": data_uri(data)})


def test_upload_over_ten_megabytes_is_413(api):
    big = b"\x89PNG\r\n\x1a\n" + bytes(10 * 1024 * 1024 + 10)
    api.error("POST", "/upload", 413, "file", files={"file": ("big.png", big, "image/png")})


def test_upload_needs_a_file_or_url(api):
    api.error("POST", "/upload", 400, "file", files={"other": ("x", b"x", "text/plain")})
    api.error("POST", "/upload", 400, "url", json={})


def test_references_add_duplicate_remove_and_the_six_limit(api, make_png):
    collection = api.collection()
    path = f"/collections/{collection['id']}/references"
    assets = [api.upload(make_png(color=(40 * i, 100, 200))) for i in range(6)]
    for count, asset in enumerate(assets[:5], start=1):
        refs = api.ok("POST", path, 201, json={"asset_id": asset["id"]})
        assert len(refs["reference_asset_ids"]) == count and refs["style_card"] is None
    same = api.ok("POST", path, 200, json={"asset_id": assets[0]["id"]})
    assert same["reference_asset_ids"] == [a["id"] for a in assets[:5]]
    by_url = api.ok("POST", path, 201, json={"url": data_uri(make_png(color=(1, 2, 3)))})
    assert len(by_url["reference_asset_ids"]) == 6
    full = api.ok("GET", f"/collections/{collection['id']}")
    error = api.error("POST", path, 400, "asset_id", json={"asset_id": assets[5]["id"]})
    assert "6" in error["message"]
    api.error("POST", path, 400, "url", json={"url": data_uri(make_png())})
    assert api.ok("GET", f"/collections/{collection['id']}") == full
    assert api.ok("POST", path, 200, json={"asset_id": assets[2]["id"]})  # duplicate still 200
    left = api.ok("DELETE", f"{path}/{assets[0]['id']}")
    assert (
        assets[0]["id"] not in left["reference_asset_ids"] and len(left["reference_asset_ids"]) == 5
    )
    api.error("DELETE", f"{path}/{assets[0]['id']}", 404)


def test_reference_needs_a_usable_image(api, make_png):
    collection = api.collection()
    path = f"/collections/{collection['id']}/references"
    api.error("POST", path, 400, "asset_id", json={})
    api.error("POST", path, 400, "asset_id", json={"asset_id": "not-an-id"})
    api.error("POST", path, 400, "url", json={"url": "http://example.com/a.png"})
    api.error(
        "POST",
        "/collections/00000000-0000-0000-0000-000000000000/references",
        404,
        json={"asset_id": api.upload(make_png())["id"]},
    )


def test_style_card_is_extracted_lazily_and_cleared_on_change(api, make_png):
    first = api.upload(make_png(color=(230, 120, 30)))
    collection = api.collection(reference_asset_ids=[first["id"]])
    assert collection["config"]["style_card"] is None
    api.wait(api.image_job(collection["id"])["job_id"])
    card = api.ok("GET", f"/collections/{collection['id']}")["config"]["style_card"]
    assert isinstance(card, str) and card
    path = f"/collections/{collection['id']}/references"
    second = api.upload(make_png(color=(30, 120, 230)))
    assert api.ok("POST", path, 201, json={"asset_id": second["id"]})["style_card"] is None
    api.wait(api.image_job(collection["id"], "again")["job_id"])
    changed = api.ok("GET", f"/collections/{collection['id']}")["config"]["style_card"]
    assert changed and changed != card
    assert api.ok("DELETE", f"{path}/{second['id']}")["style_card"] is None
    api.wait(api.image_job(collection["id"], "third")["job_id"])
    assert api.ok("GET", f"/collections/{collection['id']}")["config"]["style_card"] == card
