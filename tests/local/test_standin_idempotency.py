"""Idempotency-Key: a replayed POST answers the same and charges nothing twice."""

from __future__ import annotations

import threading


def test_same_key_and_body_replays_without_a_second_charge(standin, connect):
    api = connect(standin, standin.new_workspace_key())
    collection = api.collection()
    path = f"/collections/{collection['id']}/generate"
    body = {"type": "image", "name": "wave", "image_prompt": "waving"}
    headers = {"Idempotency-Key": "generate-wave-1"}
    first = api.request("POST", path, json=body, headers=headers)
    again = api.request("POST", path, json=body, headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.json()["data"] == first.json()["data"]
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    api.wait(first.json()["data"]["job_id"])
    charges = [
        row
        for row in standin.ledger(api.http.headers["Authorization"][7:])
        if row["kind"] == "charge"
    ]
    assert len(charges) == 1 and api.balance() == 999
    assert len(api.ok("GET", "/jobs")) == 1


def test_same_key_with_another_body_is_400(api):
    collection = api.collection()
    path = f"/collections/{collection['id']}/generate"
    headers = {"Idempotency-Key": "generate-once"}
    api.ok(
        "POST", path, 202, json={"type": "image", "name": "a", "image_prompt": "a"}, headers=headers
    )
    error = api.error(
        "POST",
        path,
        400,
        "Idempotency-Key",
        json={"type": "image", "name": "b", "image_prompt": "b"},
        headers=headers,
    )
    assert "new key" in error["message"]
    api.error("POST", "/projects", 400, "Idempotency-Key", json={"name": "x"}, headers=headers)


def test_keys_belong_to_one_workspace(api, other_api):
    headers = {"Idempotency-Key": "shared-key"}
    mine = api.ok("POST", "/projects", 201, json={"name": "p"}, headers=headers)
    theirs = other_api.ok("POST", "/projects", 201, json={"name": "p"}, headers=headers)
    assert mine["id"] != theirs["id"]


def test_uploads_and_errors_replay_too(api, make_png):
    headers = {"Idempotency-Key": "upload-1"}
    files = {"file": ("a.png", make_png(), "image/png")}
    first = api.ok("POST", "/upload", 201, files=files, headers=headers)
    assert api.ok("POST", "/upload", 201, files=files, headers=headers)["id"] == first["id"]
    bad = {"Idempotency-Key": "bad-project"}
    assert api.error("POST", "/projects", 400, "name", json={}, headers=bad) == api.error(
        "POST", "/projects", 400, "name", json={}, headers=bad
    )


def test_concurrent_duplicates_make_one_job(standin, connect):
    api = connect(standin, standin.new_workspace_key())
    collection = api.collection()
    path = f"/collections/{collection['id']}/generate"
    body = {"type": "image", "name": "wave", "image_prompt": "waving"}
    answers = []

    def post() -> None:
        answers.append(api.ok("POST", path, 202, json=body, headers={"Idempotency-Key": "race"}))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({answer["job_id"] for answer in answers}) == 1
    assert api.balance() == 999
