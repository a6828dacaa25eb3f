"""Re-running a cell, 20 times: what stays behind. A MascotStudio beside a plain anywidget (a
minimal `anywidget.AnyWidget` subclass whose `_esm`/`_css` are file paths, as the studio's
were), in one run.

Each cycle is what a re-run does: make the widget, take the state a display sends (its whole
state and its mimebundle; for the studio, the grid's first screen of thumbnails as its view
asks), then close it as the re-run replaces the output. Before and after each round of 20:
widgets registered with ipywidgets, comms open, threads, file descriptors, resident memory, and
how many of the 20 widgets Python could free. Three rounds give a median and spread; the first
cycle of the run (cold: empty picture cache, first connections) is shown apart. The stand-in
serves from a process of its own, so the memory measured is the kernel's.

Run from the repository root: `python -m bench.bench_lifecycle` (about a minute). Linux only
(/proc for file descriptors and memory).
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anywidget
import comm
from ipywidgets.widgets import widget as ipywidget

from masko_widgets import MascotStudio, MaskoClient
from masko_widgets.widgets import _cache
from masko_widgets.widgets._cache import PictureCache
from tests.conftest import draw_character
from tests.widgets.wire import Wire, front_end_event, recording

CYCLES = 20
ROUNDS = 3
POSES = 8


def snapshot() -> dict[str, float]:
    """What is open now, after a full garbage collection."""
    gc.collect()
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return {
        "widgets": len(ipywidget._instances),
        "comms": len(comm.get_comm_manager().comms),
        "threads": threading.active_count(),
        "fds": len(os.listdir("/proc/self/fd")),
        "rss_mb": pages * os.sysconf("SC_PAGE_SIZE") / 1e6,
    }


def plain_widget_class(folder: Path) -> type[anywidget.AnyWidget]:
    """A minimal anywidget with the same kind of front end: `_esm` and `_css` as paths."""
    esm, css = folder / "plain.js", folder / "plain.css"
    esm.write_text("export default { render({ el }) { el.textContent = 'plain'; } };\n")
    css.write_text(".plain { color: inherit; }\n")
    return type("PlainWidget", (anywidget.AnyWidget,), {"_esm": esm, "_css": css})


def studio_cell(client: MaskoClient, collection: str, wire: Wire) -> Callable[[], Any]:
    def run() -> MascotStudio:
        studio = MascotStudio(client, collection)
        studio.get_state()
        studio._repr_mimebundle_()
        mark = wire.mark()
        ids = [row[0] for row in studio.grid.pose_list]
        ask = {"event": "thumbnails", "ids": ids}
        front_end_event(studio, {"part": "grid", "method": "custom", "content": ask})
        wire.wait_for(lambda: sum(len(s.buffers) for s in wire.since(mark)) >= len(ids), 60)
        return studio

    return run


def plain_cell(kind: type[anywidget.AnyWidget]) -> Callable[[], Any]:
    def run() -> anywidget.AnyWidget:
        widget = kind()
        widget.get_state()
        widget._repr_mimebundle_()
        return widget

    return run


def cycle(make: Callable[[], Any], wire: Wire) -> tuple[float, weakref.ref]:
    """One re-run: make and show, then close. Returns its time and a weak reference."""
    started = time.perf_counter()
    widget = make()
    widget.close()
    elapsed = time.perf_counter() - started
    with wire.lock:  # the recording comm keeps every message: its memory is not the widget's
        wire.sent.clear()
    return elapsed, weakref.ref(widget)


def round_of(make: Callable[[], Any], wire: Wire) -> dict[str, Any]:
    before = snapshot()
    times, refs = zip(*(cycle(make, wire) for _ in range(CYCLES)), strict=True)
    after = snapshot()
    return {
        "delta": {key: after[key] - before[key] for key in before},
        "before": before,
        "alive": sum(ref() is not None for ref in refs),
        "cycle_ms": statistics.median(times) * 1e3,
    }


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):+.1f} (range {min(values):+.1f} to {max(values):+.1f})"


def report(name: str, cold_ms: float, rounds: list[dict[str, Any]]) -> None:
    print(f"\n{name}: cold first cycle {cold_ms:.0f} ms")
    print(f"  start of round 1: {rounds[0]['before']}")
    for key in ("widgets", "comms", "threads", "fds", "rss_mb"):
        print(f"  {key:8} change per {CYCLES} cycles: {spread([r['delta'][key] for r in rounds])}")
    alive = [r["alive"] for r in rounds]
    print(f"  still alive after close: {alive} of {CYCLES} per round")
    times = [r["cycle_ms"] for r in rounds]
    shown = ", ".join(f"{value:.1f}" for value in times)
    print(f"  warm cycle median {statistics.median(times):.1f} ms (round medians {shown})")


def setup(client: MaskoClient) -> str:
    collection = client.collections.create("lifecycle")
    client.references.add(collection, client.uploads.create(draw_character()).id)
    requests = [
        {"type": "image", "name": f"pose {n}", "image_prompt": "wave"} for n in range(POSES)
    ]
    for job in client.generations.batch(collection, requests):
        client.jobs.wait(job, timeout=120)
    return collection.id


@contextmanager
def standin_process(folder: Path) -> Iterator[tuple[str, str]]:
    """The stand-in in a process of its own (so this process's memory is the kernel's alone);
    yields its URL and API key."""
    command = [sys.executable, "-m", "masko_widgets.local", "--data-dir", str(folder)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        found: dict[str, str] = {}
        for line in server.stdout or ():  # ends when it prints its key, or exits
            key, _, value = line.strip().partition("=")
            found[key] = value
            if "MASKO_API_KEY" in found:
                break
        yield found["MASKO_BASE_URL"], found["MASKO_API_KEY"]
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, standin_process(Path(folder) / "s") as (url, key):
        _cache._shared = PictureCache(Path(folder) / "pictures")  # cold, not the user's
        with (
            MaskoClient(api_key=key, base_url=url) as client,
            recording() as wire,
        ):
            collection = setup(client)
            cells = {
                "MascotStudio": studio_cell(client, collection, wire),
                "plain anywidget (_esm/_css paths)": plain_cell(plain_widget_class(Path(folder))),
            }
            cold = {name: cycle(make, wire)[0] * 1e3 for name, make in cells.items()}
            rounds: dict[str, list] = {name: [] for name in cells}
            for _ in range(ROUNDS):
                for name, make in cells.items():
                    rounds[name].append(round_of(make, wire))
            print(f"{CYCLES} re-runs of a cell, {ROUNDS} rounds, {POSES} poses in the studio grid")
            for name in cells:
                report(name, cold[name], rounds[name])


if __name__ == "__main__":
    main()
