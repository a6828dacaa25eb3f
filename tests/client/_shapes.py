"""A fake Masko that answers the README flow in the shapes Masko's docs print, old and new.

- `contract`: the envelope and the full 202 and job bodies of the contract (the stand-in's).
- `docs-new`: the envelope; the 202 carries `asset_ids` (the image docs say so), the job detail
  only `urls` (as the jobs docs print it) and a new-style `type`.
- `docs-old`: bare objects without `data`; the 202 only `job_id` and `poll_url`; the job
  detail keeps the item id under `output_data` and lists `asset_ids`.
- `bare-202-new-job`: the 202 only `job_id` and `poll_url`, the job detail only `urls`.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.client._scripted import answer

SHAPES = ("contract", "docs-new", "docs-old", "bare-202-new-job")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
MP4 = b"\0\0\0\x18ftypmp42" + b"\0" * 16
_KINDS = {"image": ("image", "transparent_image"), "animation": ("video", "webm", "hevc")}


class ShapedMasko:
    """An httpx.MockTransport handler serving one shape; it refuses a wrong animation source."""

    def __init__(self, shape: str) -> None:
        self.shape = shape
        self.jobs: dict[str, dict[str, Any]] = {}
        self.items: dict[str, dict[str, Any]] = {}
        self.sources: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v1")
        body = json.loads(request.content) if request.content else {}
        if request.method == "POST" and path == "/collections":
            return self._ok(201, {"id": "c1", "name": body.get("name"), "config": {}})
        if request.method == "POST" and path == "/collections/c1/generate":
            return self._generate(body)
        if path.startswith("/jobs/"):
            return self._ok(200, self._job(path.rsplit("/", 1)[1]))
        if path == "/collections/c1/items":
            return self._ok(200, {"items": list(self.items.values())})
        if path.startswith("/assets/"):
            asset_id = path.rsplit("/", 1)[1]
            kind = asset_id.split("-")[0]
            url = f"https://api.test/files/{asset_id}"
            return self._ok(200, {"id": asset_id, "type": kind, "url": url})
        if path.startswith("/files/"):
            return httpx.Response(200, content=PNG if "image" in path else MP4)
        return answer(404, {"error": {"code": "not_found", "message": path}})

    def _generate(self, body: dict[str, Any]) -> httpx.Response:
        source = body.get("source_image_asset_id")
        if body["type"] == "animation" and source is not None:
            self.sources.append(source)
            if not source.startswith("image-"):
                message = "source_image_asset_id must be an image asset"
                error = {"code": "bad_request", "message": message}
                return answer(400, {"error": {**error, "field": "source_image_asset_id"}})
        number = len(self.jobs) + 1
        item_id = f"item{number}"
        ids = {kind: f"{kind}-{number}" for kind in _KINDS[body["type"]]}
        urls = {kind: f"https://api.test/files/{asset}" for kind, asset in ids.items()}
        self.items[item_id] = {"id": item_id, "name": body.get("name") or "pose", "assets": ids}
        self.jobs[f"j{number}"] = {"item_id": item_id, "asset_ids": ids, "urls": urls}
        accepted: dict[str, Any] = {"job_id": f"j{number}", "poll_url": f"/v1/jobs/j{number}"}
        if self.shape in ("contract", "docs-new"):
            accepted["asset_ids"] = ids
        if self.shape == "contract":
            accepted.update(item_id=item_id, urls=urls, status="pending")
        return self._ok(202, accepted)

    def _job(self, job_id: str) -> dict[str, Any]:
        made = self.jobs[job_id]
        job: dict[str, Any] = {"id": job_id, "status": "completed", "collection_id": "c1"}
        if self.shape == "docs-old":
            job.update(type="animation", output_data={"item_id": made["item_id"], "duration": 4})
            job.update(asset_ids=made["asset_ids"], urls=made["urls"])
        elif self.shape == "contract":
            job.update(type="image", **made)
        else:
            job.update(type="item_generation", item_id=made["item_id"], urls=made["urls"])
        return job

    def _ok(self, status: int, data: Any) -> httpx.Response:
        return answer(status, data if self.shape == "docs-old" else {"data": data})
