"""Widget figures, side by side in one run: a hand-written GridBox of widgets.Image and the
PoseGrid (and the MascotStudio), at 24, 1,000 and 10,000 poses, against an API that takes
20 ms a request; then adding one pose, and kernel responsiveness.

Run from the repository root: `python -m bench.bench_widgets [data folder] [--sizes N ...]`
(about a minute). The stand-in runs here; the 20 ms are added by an httpx transport in front
of the client (`Latency`: every request, API and file downloads alike, waits 20 ms before it
is sent), so the stand-in keeps its own timing. The collections are seeded once into a data
folder kept in the temp dir (bench/_seed.py: a few poses drawn, the rest sharing their files;
under a minute) and reused by later runs; a data folder given on the command line is topped
up by drawing instead.
Messages are captured by a recording comm (no browser): "bytes at open" are what the kernel
publishes when the widget opens (its JS and CSS left out), "first screen" adds the thumbnails
the front end asks for to fill its first screen. Browser figures are in bench/bench_browser.py.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import ipywidgets as widgets

from bench._seed import seeded_folder
from masko_widgets import MascotStudio, MaskoClient, PoseGrid, local
from masko_widgets.widgets import _cache
from masko_widgets.widgets._cache import PictureCache
from tests.conftest import draw_character
from tests.widgets.wire import front_end_event, front_end_update, recording

SIZES = (24, 1000, 10_000)
RUNS = 3
LATENCY = 0.020
"""Seconds every request waits before it is sent: an API 20 ms away."""
GRIDBOX_AT_MOST = 1000
"""The hand-written GridBox is built for at most this many poses (at 10,000 it would need
10,000 thumbnails made beforehand and 10,000 widget models: minutes and gigabytes)."""
FIRST_SCREEN = 32
"""Tiles the front end asks for at open: the grid's 560 px window at 1280 px wide, plus margin."""
BUSY_JOBS = 12
ROUND_TRIPS = 60


class Latency(httpx.HTTPTransport):
    """Real HTTP, each request sent `LATENCY` seconds late: the API as seen from afar."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        time.sleep(LATENCY)
        return super().handle_request(request)


def far_client(server) -> MaskoClient:
    return MaskoClient(api_key=server.api_key, base_url=server.url, transport=Latency())


def spread(values: list[float], scale: float = 1000, unit: str = "ms") -> str:
    """Median and range of the runs, e.g. "46 ms (41-52)"."""
    low, mid, high = (
        f"{value * scale:,.0f}" for value in (min(values), statistics.median(values), max(values))
    )
    return f"{mid}{' ' + unit if unit else ''} ({low}-{high})"


def generate(client: MaskoClient, collection: str, names: list[str]) -> None:
    jobs = []
    for start in range(0, len(names), 10):
        chunk = names[start : start + 10]
        requests = [{"type": "image", "name": name, "image_prompt": name} for name in chunk]
        jobs += client.generations.batch(collection, requests)
    for job in jobs:
        client.jobs.wait(job, timeout=600)


def collection_of(client: MaskoClient, size: int, top_up: bool = True) -> str:
    """The id of a collection named "bench N poses" with one reference and `size` poses, made
    (or topped up) now: the stand-in's data folder keeps it for the next run. Without
    `top_up`, the poses it has (`--as-is`: when drawing the rest would take too long)."""
    name = f"bench {size} poses"
    found = [c for c in client.collections.list() if c.name == name]
    if found:
        collection = found[0].id
    else:
        collection = client.collections.create(name).id
        client.references.add(collection, client.uploads.create(draw_character()))
    for status in ("pending", "processing"):  # left by a run that was stopped: finish them
        for job in client.jobs.list(status=status, collection_id=collection):
            client.jobs.wait(job, timeout=600)
    have = len(client.items.list(collection))
    for start in range(have, size if top_up else have, 500):
        generate(client, collection, [f"pose {n}" for n in range(start, min(size, start + 500))])
    return collection


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, help="the stand-in's data folder")
    parser.add_argument(
        "--as-is", action="store_true", help="measure the collections as they are, no top-up"
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=SIZES,
        choices=SIZES,
        help="measure these collection sizes only (default: all), e.g. --sizes 10000",
    )
    return parser.parse_args()


def bench_data(folder: Path | None) -> Path:
    """The stand-in's data folder for the benches: `folder`, or one seeded fast in the temp
    dir with a collection of each of `SIZES` (bench/_seed.py), kept for the next run."""
    if folder is None:
        started = time.perf_counter()
        folder = seeded_folder(SIZES)
        print(f"data folder {folder} ready in {time.perf_counter() - started:.1f} s")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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
    """(s, bytes) of the cell a user would write: list the items (through the far client),
    then a GridBox of widgets.Image with every 256 px thumbnail made beforehand (outside
    the timing, from the cache)."""
    cache = _cache.shared_cache()
    items = [item for item in client.items.list(collection) if item.image_asset_id]
    pictures = [cache.submit(client, item.image_asset_id) for item in items]
    images = [future.result().thumbnail.data for future in pictures]
    gc.collect()
    mark = wire.mark()
    started = time.perf_counter()
    listed = [item for item in client.items.list(collection) if item.image_asset_id]
    tiles = [widgets.Image(value=data, format="webp", width=128) for data in images]
    grid = widgets.GridBox(tiles, layout=widgets.Layout(grid_template_columns="repeat(8, 1fr)"))
    seconds = time.perf_counter() - started
    assert len(listed) == len(tiles)
    sent = wire.bytes_since(mark)
    grid.close()
    for tile in tiles:
        tile.close()
    return seconds, sent


def code_bytes() -> int:
    """The JS and CSS every anywidget sends at open, whatever its size (left out of bytes)."""
    traits = PoseGrid.class_traits()
    return sum(len(traits[name].default_value.encode()) for name in ("_esm", "_css"))


def pose_grid(client: MaskoClient, collection: str, wire) -> dict:
    """Open a PoseGrid with a cold picture cache and display it (its still picture drawn);
    the front end then asks for its first screen; then wait for the rest of the list (loaded
    in the background). Times from the start of the cell."""
    _cache._shared = PictureCache(None)  # cold: memory only, nothing on disk
    gc.collect()
    rss = rss_mb()
    mark = wire.mark()
    started = time.perf_counter()
    grid = PoseGrid(client, collection)
    opened = time.perf_counter() - started
    open_bytes = wire.bytes_since(mark) - code_bytes()
    grid._repr_mimebundle_()  # the notebook displays it: the still picture is drawn
    displayed = time.perf_counter() - started
    ids = [row[0] for row in grid.pose_list[:FIRST_SCREEN]]  # fewer when fewer poses
    front_end_event(grid, {"event": "thumbnails", "ids": ids})
    thumbnails = wait_for_thumbnails(wire, mark, grid, len(ids))
    first_screen = time.perf_counter() - started
    grid.wait(600)
    loaded = time.perf_counter() - started
    poses = len(grid.pose_list)
    grid.close()
    return {
        "open_s": opened,
        "display_s": displayed,
        "first_screen_s": first_screen,
        "loaded_s": loaded,
        "poses": poses,
        "open_bytes": open_bytes,
        "pictures": sum(len(thumbnail) for thumbnail in thumbnails),
        "rss_mb": rss_mb() - rss,
    }


def studio_cell(client: MaskoClient, collection: str) -> float:
    """Seconds to make a MascotStudio (its grid's first page in), cold picture cache."""
    _cache._shared = PictureCache(None)
    started = time.perf_counter()
    studio = MascotStudio(client, collection)
    seconds = time.perf_counter() - started
    studio.wait(600)
    studio.close()
    for part in studio.named_parts.values():
        part.close()
    return seconds


def runs(measure: Callable[[], dict], count: int = RUNS) -> dict[str, list[float]]:
    """`measure()` `count` times; each figure as the list of its values."""
    results = [measure() for _ in range(count)]
    return {key: [result[key] for result in results] for key in results[0]}


def side_by_side(server, sizes: tuple[int, ...] = SIZES, as_is: bool = False) -> None:
    rows = []
    with (
        MaskoClient(api_key=server.api_key, base_url=server.url) as near,
        far_client(server) as client,
        recording() as wire,
    ):
        collections = {size: collection_of(near, size, not as_is) for size in sizes}
        for size, collection in collections.items():
            ours = runs(lambda collection=collection: pose_grid(client, collection, wire))
            studio = [studio_cell(client, collection) for _ in range(RUNS)]
            theirs = None
            if size <= GRIDBOX_AT_MOST:
                theirs = runs(
                    lambda collection=collection: dict(
                        zip(("s", "bytes"), hand_written(client, collection, wire), strict=True)
                    )
                )
            rows.append((size, ours, studio, theirs))
        print_table(rows)
        adding(near, wire)


def print_table(rows: list) -> None:
    print(
        f"Against an API {LATENCY * 1000:.0f} ms away (httpx transport), {RUNS} runs each, "
        "median (min-max), cold picture cache:"
    )
    print("| poses | GridBox+Image cell | GridBox bytes | PoseGrid cell | studio cell | "
          "displayed | first screen | all poses in | bytes at open | per pose | + first screen | "
          "RSS growth |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for _, ours, studio, theirs in rows:
        (size,) = set(ours["poses"])  # every run loaded them all
        box = (
            f"{spread(theirs['s'])} | {statistics.median(theirs['bytes']) / 1e3:,.0f} KB"
            if theirs
            else f"not built (capped at {GRIDBOX_AT_MOST:,}) | -"
        )
        opened = statistics.median(ours["open_bytes"])
        screen = statistics.median(
            [b + p for b, p in zip(ours["open_bytes"], ours["pictures"], strict=True)]
        )
        print(
            f"| {size:,} | {box} | {spread(ours['open_s'])} | {spread(studio)} "
            f"| {spread(ours['display_s'])} | {spread(ours['first_screen_s'])} "
            f"| {spread(ours['loaded_s'])} "
            f"| {opened / 1e3:,.1f} KB | {opened / size:,.1f} B | {screen / 1e3:,.1f} KB "
            f"| {statistics.median(ours['rss_mb']):.1f} MB |"
        )
    print(f"(PoseGrid bytes leave out its JS and CSS, {code_bytes() / 1e3:,.1f} KB at any size)")
    small, large = rows[0][1], rows[-1][1]
    ratio = statistics.median(large["open_s"]) / statistics.median(small["open_s"])
    most = large["poses"][0]
    print(
        f"PoseGrid cell time {most:,} / {small['poses'][0]} poses: {ratio:.2f} x (goal <= 1.5); "
        f"bytes at open per pose at {most:,}: "
        f"{statistics.median(large['open_bytes']) / most:.1f} B (goal < 200)"
    )


def adding(client: MaskoClient, wire) -> None:
    """Bytes on the wire for one more pose, in a small collection of its own."""
    collection = client.collections.create("bench adding").id
    client.references.add(collection, client.uploads.create(draw_character()))
    generate(client, collection, ["idle", "sit"])
    grid = PoseGrid(client, collection)
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
    args = arguments()
    print(f"load average at start: {os.getloadavg()}")
    with local.start(bench_data(args.data), credits=sum(SIZES) + 1000) as server:
        side_by_side(server, tuple(args.sizes), args.as_is)
    responsiveness(latency=1.5)
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
