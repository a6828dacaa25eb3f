"""Wire conventions of the stand-in: auth, envelope, errors, headers, pagination, projects."""

from __future__ import annotations

import contextlib
import logging

import httpx

from masko_widgets import local


def test_missing_or_unknown_key_is_401(standin):
    for headers in (
        {},
        {"Authorization": "Bearer masko_" + "0" * 64},
        {"Authorization": "Basic x"},
    ):
        response = httpx.get(f"{standin.url}/credits", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
        assert standin.api_key not in response.text


def test_success_envelope_request_id_and_rate_limit_headers(api):
    response = api.request("GET", "/credits")
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert isinstance(body["data"]["balance"], int)
    assert response.headers["x-request-id"] == body["meta"]["request_id"]
    assert int(response.headers["x-ratelimit-remaining"]) < int(
        response.headers["x-ratelimit-limit"]
    )
    assert int(response.headers["x-ratelimit-reset"]) > 0


def test_every_answer_has_a_request_id(api, standin):
    answers = [
        api.request("GET", "/nowhere"),
        httpx.get(f"{standin.url}/credits"),
        httpx.get(f"{standin.url}/openapi.json"),
        api.request("POST", "/projects", json={}),
    ]
    ids = [answer.headers["x-request-id"] for answer in answers]
    assert len(set(ids)) == len(ids)


def test_unknown_route_and_method_speak_the_error_body(api):
    assert api.error("GET", "/nowhere", 404)["code"] == "not_found"
    assert api.error("DELETE", "/credits", 405)["code"] == "method_not_allowed"


def test_projects_create_list_and_paginate(api):
    made = [api.ok("POST", "/projects", 201, json={"name": f"Project {i}"}) for i in range(3)]
    assert set(made[0]) == {"id", "name", "organization_id", "created_at", "updated_at"}
    assert made[0]["created_at"].endswith("Z")
    response = api.request("GET", "/projects", params={"limit": 2, "offset": 0})
    page = response.json()["meta"]["pagination"]
    assert page["limit"] == 2 and page["offset"] == 0 and page["has_more"] is True
    newest = api.ok("GET", "/projects", params={"offset": api.total("/projects") - 3})
    assert [p["id"] for p in newest] == [p["id"] for p in made]
    last = api.request("GET", "/projects", params={"limit": 2, "offset": page["total"] - 1})
    assert last.json()["meta"]["pagination"]["has_more"] is False
    assert len(last.json()["data"]) == 1


def test_bad_pagination_and_missing_fields_name_the_field(api):
    api.error("GET", "/projects", 400, "limit", params={"limit": 201})
    api.error("GET", "/projects", 400, "offset", params={"offset": -1})
    error = api.error("POST", "/projects", 400, "name", json={})
    assert "name" in error["message"]
    api.error(
        "POST",
        "/projects",
        400,
        "body",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )


def test_openapi_document_lists_the_routes(standin):
    response = httpx.get(f"{standin.url}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/v1/collections/{collection_id}/generate",
        "/v1/upload",
        "/v1/jobs/{job_id}",
        "/v1/generate/preview",
        "/v1/collections/{collection_id}/references",
    ):
        assert path in paths


def test_workspaces_are_isolated(api, other_api):
    collection = api.collection()
    job = api.image_job(collection["id"])
    project = api.ok("POST", "/projects", 201, json={"name": "mine"})
    assert other_api.error("GET", f"/collections/{collection['id']}", 403)["code"] == "forbidden"
    other_api.error("GET", f"/jobs/{job['job_id']}", 403)
    other_api.error("GET", f"/assets/{job['asset_ids']['image']}", 403)
    other_api.error(
        "POST",
        f"/collections/{collection['id']}/generate",
        403,
        json={"type": "image", "name": "x", "image_prompt": "x"},
    )
    assert project["id"] not in {p["id"] for p in other_api.ok("GET", "/projects")}
    assert collection["id"] not in {c["id"] for c in other_api.ok("GET", "/collections")}
    assert job["job_id"] not in {j["id"] for j in other_api.ok("GET", "/jobs")}
    assert other_api.balance() == 1000
    api.wait(job["job_id"])


def test_other_workspace_ids_in_bodies_are_400(api, other_api, make_png):
    asset = api.upload(make_png())
    mine = other_api.collection()
    other_api.error(
        "POST",
        "/collections",
        400,
        "reference_asset_ids[0]",
        json={"reference_asset_ids": [asset["id"]]},
    )
    other_api.error(
        "POST",
        f"/collections/{mine['id']}/references",
        400,
        "asset_id",
        json={"asset_id": asset["id"]},
    )
    other_api.error(
        "POST",
        f"/collections/{mine['id']}/generate",
        400,
        "source_image_asset_id",
        json={
            "type": "animation",
            "source_image_asset_id": asset["id"],
            "animation_prompt": "bounce",
            "duration": 1,
        },
    )
    project = api.ok("POST", "/projects", 201, json={"name": "p"})
    other_api.error("POST", "/collections", 400, "project_id", json={"project_id": project["id"]})


def test_the_key_is_never_logged(tmp_path, connect, caplog, make_png):
    caplog.set_level(logging.DEBUG)
    with local.start(tmp_path, faults=local.Faults(drop=0.5, server_error=0.2, seed=3)) as server:
        api = connect(server)
        for _ in range(6):
            with contextlib.suppress(httpx.HTTPError):
                api.request("POST", "/upload", files={"file": ("a.png", make_png(), "image/png")})
                api.request("POST", "/projects", json={})
        server.set_faults(local.Faults(job_failure=1.0))
        collection = api.ok("POST", "/collections", 201, json={})
        api.wait(api.image_job(collection["id"])["job_id"])
        key = server.api_key
    assert len(caplog.records) > 20  # everything at DEBUG was captured, client and server
    assert key not in caplog.text and key[6:] not in caplog.text
