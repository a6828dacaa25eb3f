"""Widget figures, side by side in one run: a hand-written GridBox of widgets.Image and the
PoseGrid, at 24, 200 and 1000 poses; then adding one pose, and kernel responsiveness.

Run from the repository root: `python bench/bench_widgets.py` (about 4 minutes: most of it is
the stand-in drawing 1000 poses). Everything runs against a local stand-in with latency 0;
messages are captured by a recording comm (no browser): "bytes at open" are what the kernel
publishes when the widget opens plus, for the PoseGrid, the thumbnails the front end asks for
to fill its first screen. Browser figures (first screen visible, click -> trait) are in
bench/bench_browser.py.
"""

from __future__ import annotations

import gc
import os
import statistics
import tempfile
import time
from pathlib import Path

import ipywidgets as widgets

from masko_widgets import MaskoClient, local
from masko_widgets.widgets import PoseGrid, _cache
from masko_widgets.widgets._cache import PictureCache
from tests.conftest import draw_character
from tests.widgets.wire import front_end_event, front_end_update, recording

SIZES = (24, 200, 1000)
FIRST_SCREEN = 32
"""Tiles the front end asks for at open: the grid's 560 px window at 1280 px wide, plus margin."""
BUSY_JOBS = 12
ROUND_TRIPS = 60


def generate(client: MaskoClient, collection: str, names: list[str]) -> None:
    jobs = []
    for start in range(0, len(names), 10):
        chunk = names[start : start + 10]
        requests = [{"type": "image", "name": name, "image_prompt": name} for name in chunk]
        jobs += client.generations.batch(collection, requests)
    for job in jobs:
        client.jobs.wait(job, timeout=600)


def rss_mb() -> float:
    """The process's resident memory now, in MB (Linux /proc)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def wait_for_thumbnails(wire, mark: int, grid: PoseGrid, count: int) -> list[bytes]:
    """The thumbnails the grid sent since `mark`, once there are `count`."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        sent = [
            buffer
            for message in wire.since(mark)
            if message.comm_id == grid.model_id
            for buffer in message.buffers
        ]
        if len(sent) >= count:
            return sent
        time.sleep(0.005)
    raise TimeoutError(f"{count} thumbnails asked, {len(sent)} came")


def hand_written(client: MaskoClient, collection: str, wire) -> tuple[float, int]:
    """(s, bytes) to open a GridBox of widgets.Image with every 256 px thumbnail made
    beforehand (the pictures come from the cache, outside the timing)."""
    cache = _cache.shared_cache()
    items = [item for item in client.items.list(collection) if item.image_asset_id]
    pictures = [cache.submit(client, item.image_asset_id) for item in items]
    images = [future.result().thumbnail.data for future in pictures]
    mark = wire.mark()
    started = time.perf_counter()
    tiles = [widgets.Image(value=data, format="webp", width=128) for data in images]
    grid = widgets.GridBox(tiles, layout=widgets.Layout(grid_template_columns="repeat(8, 1fr)"))
    seconds = time.perf_counter() - started
    sent = wire.bytes_since(mark)
    grid.close()
    for tile in tiles:
        tile.close()
    return seconds, sent


def pose_grid(client: MaskoClient, collection: str, wire) -> dict:
    """Open a PoseGrid with a cold cache; the front end then asks for its first screen."""
    gc.collect()
    rss = rss_mb()
    mark = wire.mark()
    started = time.perf_counter()
    grid = PoseGrid(client, collection)
    opened = time.perf_counter() - started
    code = len(grid._esm.encode()) + len(grid._css.encode())  # any size
    open_bytes = wire.bytes_since(mark) - code
    ids = [row[0] for row in grid.pose_list[:FIRST_SCREEN]]  # fewer when fewer poses
    front_end_event(grid, {"event": "thumbnails", "ids": ids})
    thumbnails = wait_for_thumbnails(wire, mark, grid, len(ids))
    first_screen = time.perf_counter() - started
    pictures = sum(len(thumbnail) for thumbnail in thumbnails)
    return {
        "grid": grid,
        "open_s": opened,
        "first_screen_s": first_screen,
        "open_bytes": open_bytes,
        "screen_bytes": wire.bytes_since(mark) - code,
        "code": code,
        "pictures": pictures,
        "rss_mb": rss_mb() - rss,
    }


def side_by_side(server) -> PoseGrid:
    rows = []
    with MaskoClient(api_key=server.api_key, base_url=server.url) as client, recording() as wire:
        collection = client.collections.create("bench mascot").id
        client.references.add(collection, client.uploads.create(draw_character()))
        made = 0
        for size in SIZES:
            generate(client, collection, [f"pose {n}" for n in range(made, size)])
            made = size
            _cache._shared = PictureCache(None)  # cold: memory only, nothing on disk
            ours = pose_grid(client, collection, wire)
            theirs = hand_written(client, collection, wire)
            rows.append((size, theirs, ours))
            grid = ours["grid"]
        print_table(rows)
        adding(client, collection, grid, wire)
    return grid


def print_table(rows: list) -> None:
    print("| poses | GridBox+Image open | GridBox bytes | PoseGrid open | first screen | "
          "bytes at open (list) | + first screen | budget | RSS growth |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for size, (seconds, sent), ours in rows:
        budget = ours["pictures"] + 200 * size
        print(
            f"| {size} | {seconds * 1000:.0f} ms | {sent / 1e3:,.0f} KB "
            f"| {ours['open_s'] * 1000:.0f} ms | {ours['first_screen_s'] * 1000:.0f} ms "
            f"| {ours['open_bytes'] / 1e3:,.1f} KB | {ours['screen_bytes'] / 1e3:,.1f} KB "
            f"| {budget / 1e3:,.1f} KB | {ours['rss_mb']:.1f} MB |"
        )
    print(
        f"(PoseGrid bytes leave out its JS and CSS, {rows[0][2]['code'] / 1e3:,.1f} KB at any size)"
    )
    ratio = rows[-1][2]["open_s"] / rows[0][2]["open_s"]
    print(f"PoseGrid open time {SIZES[-1]} / {SIZES[0]} poses: {ratio:.2f} x (goal <= 2)")


def adding(client: MaskoClient, collection: str, grid: PoseGrid, wire) -> None:
    for n in range(3):
        generate(client, collection, [f"extra {n}"])
        mark = wire.mark()
        grid.refresh()
        new_id = grid.pose_list[-1][0]
        front_end_event(grid, {"event": "thumbnails", "ids": [new_id]})
        (thumbnail,) = wait_for_thumbnails(wire, mark, grid, 1)
        sent = sum(m.size for m in wire.since(mark) if m.comm_id == grid.model_id)
        size = len(thumbnail)
        print(
            f"adding pose {len(grid.pose_list)}: patch + thumbnail {sent:,} B for a "
            f"{size:,} B thumbnail = {sent / size:.2f} x (goal <= 1.2)"
        )


def responsiveness(latency: float) -> None:
    with (
        local.start(latency=latency) as server,
        MaskoClient(api_key=server.api_key, base_url=server.url) as client,
        recording(),
    ):
        collection = client.collections.create("busy mascot").id
        client.references.add(collection, client.uploads.create(draw_character()))
        generate(client, collection, ["idle", "sit"])
        grid = PoseGrid(client, collection)
        ids = [pose.item_id for pose in grid.poses]

        def round_trips() -> list[float]:
            times = []
            for n in range(ROUND_TRIPS):
                started = time.perf_counter()
                front_end_update(grid, {"selected_item_id": ids[n % 2]})
                assert grid.source_image_asset_id == grid.poses[n % 2].asset_id
                times.append((time.perf_counter() - started) * 1000)
                time.sleep(0.01)
            return times

        quiet = round_trips()
        tasks = [
            grid.generate([f"busy {half}-{n}" for n in range(BUSY_JOBS // 2)]) for half in range(2)
        ]
        busy = round_trips()
        for task in tasks:
            task.wait(300)
        print(
            f"kernel-side click round trip (front-end update -> derived trait), {ROUND_TRIPS} "
            f"each: idle median {statistics.median(quiet):.2f} ms (max {max(quiet):.2f}); "
            f"{BUSY_JOBS} jobs running median {statistics.median(busy):.2f} ms "
            f"(max {max(busy):.2f})"
        )


def main() -> None:
    with tempfile.TemporaryDirectory() as temp, local.start(Path(temp), credits=5000) as server:
        side_by_side(server)
    responsiveness(latency=1.5)


if __name__ == "__main__":
    main()
