"""A populated stand-in for the bad-input matrix: two workspaces, collections with
references, a finished pose, an animation, a job still pending, a preview, and the bad files.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import Any

import httpx
from PIL import Image

from masko_widgets import Asset, Job, MaskoClient, Preview, local
from tests.conftest import draw_character
from tests.local.conftest import png_bomb
from tests.reliability._tally import Tally

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def eleven_mb_png() -> bytes:
    """A real PNG of noise, 11.2 MB: only its size is wrong (3.9 megapixels)."""
    noise = Image.frombytes("RGB", (2000, 1960), os.urandom(2000 * 1960 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG", compress_level=0)
    return out.getvalue()


@dataclass
class Files:
    non_image: bytes
    truncated: bytes
    bomb: bytes
    eleven_mb: bytes


@dataclass
class World:
    server: Any
    client: MaskoClient
    tally: Tally
    http: httpx.Client
    other: MaskoClient
    other_http: httpx.Client
    col: str  # one reference, one pose, its animation, a pending edit
    refs: tuple[str, ...]
    full: str  # six references
    full_refs: tuple[str, ...]
    pose: Job
    video: str
    pending: Job
    preview: Preview
    spare: Asset  # uploaded, pinned nowhere
    foreign_col: str
    foreign_asset: str
    foreign_job: Job
    files: Files

    @property
    def transparent(self) -> str:
        return self.pose.asset_ids["transparent_image"]

    def state(self) -> dict[str, Any]:
        """What a failed request must leave as it was, in both workspaces."""
        return {"mine": _state(self.http), "other": _state(self.other_http)}

    def close(self) -> None:
        for closable in (self.client, self.other, self.http, self.other_http):
            closable.close()


def _state(http: httpx.Client) -> dict[str, Any]:
    def data(path: str) -> Any:
        answer = http.get(path, params={"limit": 200})
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]

    collections = data("/collections")
    return {
        "credits": data("/credits")["balance"],
        "projects": [p["id"] for p in data("/projects")],
        "collections": {
            c["id"]: (
                c["config"]["reference_asset_ids"],
                [(i["id"], i["assets"]) for i in data(f"/collections/{c['id']}/items")],
            )
            for c in collections
        },
        "jobs": [(j["id"], j["status"]) for j in data("/jobs")],
    }


def authed(server: Any, key: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=60)


def build(server: Any) -> World:
    """Populate `server` (its edit jobs must stay pending: give edits a long latency)."""
    tally = Tally()
    client = MaskoClient(api_key=server.api_key, base_url=server.url, transport=tally)
    other_key = server.new_workspace_key()
    other = MaskoClient(api_key=other_key, base_url=server.url)
    col = client.collections.create("matrix mascot", references=[draw_character()])
    pose = client.generations.image(col, "waving", "waving hello").wait(timeout=60)
    video = client.generations.animate(col, pose, "bounce", duration=1).wait(timeout=60)
    pending = client.generations.edit(col, pose, "add a scarf")
    assert pending.status in ("pending", "processing")
    colours = [(40 * n, 120, 200 - 20 * n) for n in range(6)]
    full = client.collections.create(
        "full mascot", references=[draw_character(colour) for colour in colours]
    )
    foreign_col = other.collections.create("someone else's mascot")
    foreign_job = other.generations.image(foreign_col, "hidden", "hidden pose").wait(timeout=60)
    valid = draw_character()
    return World(
        server=server,
        client=client,
        tally=tally,
        http=authed(server, server.api_key),
        other=other,
        other_http=authed(server, other_key),
        col=col.id,
        refs=col.reference_asset_ids,
        full=full.id,
        full_refs=full.reference_asset_ids,
        pose=pose,
        video=video.asset_ids["video"],
        pending=pending,
        preview=client.previews.create("a quick idea")[0],
        spare=client.uploads.create(draw_character((20, 200, 90))),
        foreign_col=foreign_col.id,
        foreign_asset=other.uploads.create(valid).id,
        foreign_job=foreign_job,
        files=Files(
            non_image=b"plain text, not a picture\n" * 20,
            truncated=valid[: len(valid) // 2],
            bomb=png_bomb(10_000, 10_000),
            eleven_mb=eleven_mb_png(),
        ),
    )


def start() -> Any:
    """A stand-in whose edit jobs stay pending for the whole module."""
    return local.start(latency={"edit": 600})
