"""Widget figures: bytes a pose grid sends to the browser, and kernel responsiveness.

Run from the repository root: `python bench/bench_widgets.py`. Everything runs against a
local stand-in; messages are captured by a recording comm (no browser). Browser figures
(click -> trait, first render of 48 poses) are measured by the browser tests.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from masko_widgets import MaskoClient, local
from masko_widgets.widgets import PoseGrid
from tests.conftest import draw_character
from tests.widgets.wire import front_end_update, recording

POSES = 24
BUSY_JOBS = 12
ROUND_TRIPS = 60


def generate(client: MaskoClient, collection: str, names: list[str]) -> None:
    for start in range(0, len(names), 10):
        chunk = names[start : start + 10]
        requests = [{"type": "image", "name": name, "image_prompt": name} for name in chunk]
        for job in client.generations.batch(collection, requests):
            client.jobs.wait(job)


def pose_bytes(wire, mark: int, grid: PoseGrid) -> int:
    """Bytes of pose models and of the grid's pose chain (not the widget's code)."""
    pose_ids = {pose.model_id for pose in grid.poses}

    def pose_part(message) -> int:
        if message.comm_id in pose_ids:
            return message.size
        state = message.data.get("state", {})
        if message.comm_id != grid.model_id or "last_pose" not in state:
            return 0
        if message.kind == "comm_open":  # the grid's first state: count only its chain head
            return len(json.dumps({"last_pose": state["last_pose"]}))
        return message.size

    return sum(pose_part(message) for message in wire.since(mark))


def bytes_figures(server) -> None:
    with MaskoClient(api_key=server.api_key, base_url=server.url) as client, recording() as wire:
        collection = client.collections.create("bench mascot").id
        client.references.add(collection, client.uploads.create(draw_character()))
        generate(client, collection, [f"pose {n}" for n in range(POSES)])

        mark = wire.mark()
        grid = PoseGrid(client, collection)
        everything = wire.bytes_since(mark)
        poses_only = pose_bytes(wire, mark, grid)
        full_png = sum(len(grid._originals[pose.asset_id]) for pose in grid.poses)
        thumbnails = [len(pose.thumbnail) for pose in grid.poses]
        print(f"{POSES}-pose grid: full-size PNGs {full_png:,} B")
        print(
            f"  thumbnails alone {sum(thumbnails):,} B "
            f"(mean {statistics.mean(thumbnails):,.0f} B each)"
        )
        print(
            f"  pose models + chain {poses_only:,} B = {poses_only / full_png:.3f} x full PNGs"
            f"  (goal <= 0.15)"
        )
        print(
            f"  with the widget's own state, JS and CSS: {everything:,} B = "
            f"{everything / full_png:.3f} x"
        )

        ratios = []
        for n in range(5):
            generate(client, collection, [f"extra {n}"])
            mark = wire.mark()
            grid.refresh()
            added = grid.poses[-1]
            sent = pose_bytes(wire, mark, grid)
            ratios.append(sent / len(added.thumbnail))
            print(
                f"  adding pose {len(grid.poses)}: sent {sent:,} B for a "
                f"{len(added.thumbnail):,} B thumbnail = {ratios[-1]:.2f} x (goal <= 1.2)"
            )
        mark = wire.mark()
        grid.generate(["one more"]).wait(60)
        added = grid.poses[-1]
        print(
            f"  adding one pose through generate() incl. progress messages: "
            f"{wire.bytes_since(mark):,} B ({wire.bytes_since(mark) / len(added.thumbnail):.2f}"
            " x its thumbnail)"
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
        started = time.perf_counter()
        tasks = [
            grid.generate([f"busy {half}-{n}" for n in range(BUSY_JOBS // 2)]) for half in range(2)
        ]
        busy = round_trips()
        for task in tasks:
            task.wait(300)
        print(
            f"Kernel-side trait round trip (front-end update -> derived trait -> reply), "
            f"{ROUND_TRIPS} each, stand-in job latency {latency} s:"
        )
        print(
            f"  idle:               median {statistics.median(quiet):.2f} ms, "
            f"max {max(quiet):.2f} ms"
        )
        print(
            f"  {BUSY_JOBS} jobs running:    median {statistics.median(busy):.2f} ms, "
            f"max {max(busy):.2f} ms  (goal <= 300 ms)"
        )
        print(
            f"  the {BUSY_JOBS} jobs took {time.perf_counter() - started:.1f} s; "
            f"grid now shows {len(grid.poses)} poses"
        )


def main() -> None:
    with local.start() as server:
        bytes_figures(server)
    responsiveness(latency=1.5)


if __name__ == "__main__":
    main()
