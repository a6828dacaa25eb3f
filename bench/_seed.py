"""A stand-in data folder with large collections, seeded fast for the grid benches.

Drawing 10,000 poses through the stand-in's renderer takes half an hour on a busy 2-core
machine; the grid's figures need the collection, not 10,000 different pictures. So a few poses
are drawn by the renderer (`render_job`) and every other pose reuses one of their files. Each
pose goes through the store's own public steps (`submit_job`, `start_job`, `complete_job`), as
a job the server ran, so the folder is an ordinary data folder that `masko-local` serves: items,
assets, jobs and credits as the API would leave them.

The folder is kept in the temp dir, keyed by the sizes, and marked complete at the end, so a
re-run finds it ready (an interrupted seeding starts over).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from masko_widgets.local.api._generation import IMAGE_COST, plan
from masko_widgets.local.api._schemas import GenerateRequest
from masko_widgets.local.render import Files, render_job
from masko_widgets.local.store import Store, Upload, hash_key
from tests.conftest import draw_character

PICTURES = 8
"""Poses drawn by the renderer in each collection; the others reuse their files."""
EXTRA_CREDITS = 1000
"""Credits left once the collections are paid for, for what the benches generate."""
_DONE = "seeded"


def seeded_folder(sizes: Sequence[int], root: Path | None = None) -> Path:
    """A data folder holding a collection "bench N poses" of N poses for each of `sizes`,
    seeded on first use and kept (under `root`, by default the temp dir)."""
    name = "masko-bench-seeded-" + "-".join(str(size) for size in sorted(sizes))
    folder = (root or Path(tempfile.gettempdir())) / name
    if (folder / _DONE).exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    seed(folder, sizes)
    (folder / _DONE).write_text(f"{time.perf_counter() - started:.1f} s\n")
    return folder


def seed(folder: Path, sizes: Sequence[int]) -> None:
    """Fill `folder` with one collection per size, each with one reference."""
    store = Store(folder)
    try:
        key = store.default_key(sum(sizes) * IMAGE_COST + EXTRA_CREDITS)
        found = store.workspace_for_hash(hash_key(key))
        assert found is not None
        workspace = found[0]
        project = store.default_project(workspace)["id"]
        for size in sizes:
            collection = store.create_collection(
                workspace, project, f"bench {size} poses", None, [reference()]
            )
            fill(store, workspace, collection, size)
    finally:
        store.close()


def reference() -> Upload:
    """The collection's one reference: the tests' character, as an accepted upload."""
    data = draw_character()
    return data, "image/png", 256, 256


def fill(store: Store, workspace: str, collection: dict, size: int) -> None:
    """`size` completed image poses: the first `PICTURES` drawn, the rest reusing them."""
    drawn: list[Files] = []
    for number in range(size):
        body = GenerateRequest(type="image", name=f"pose {number}", image_prompt=f"pose {number}")
        job, _ = store.submit_job(workspace, plan(store, workspace, collection, body))
        started = store.start_job(job["id"])
        assert started is not None
        if len(drawn) < PICTURES:
            drawn.append(render_job(store, started))
        store.complete_job(job["id"], drawn[number % PICTURES])
