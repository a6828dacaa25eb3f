"""Export figures, side by side in one run: the size of a 24-pose studio page beside ipywidgets'
`embed_minimal_html` of a hand-written `GridBox` of `widgets.Image` of the same poses' files (as
the API serves them), and the time of a 1,000-pose studio export, cold (an empty picture cache:
every thumbnail made) and warm, with the API on this machine and 20 ms away.

Run from the repository root: `python -m bench.bench_export [data folder]`. The stand-in runs
here (as `connect()` starts it); "20 ms away" adds 20 ms before every request with an httpx
transport (bench_widgets' `Latency`). The poses are drawn once into a data folder kept in the
temp dir and reused by later runs (the first run draws 1,024 poses: minutes on a busy machine;
later runs take about two minutes). Goals: the studio page at most 10% of the GridBox page; a
cold 1,000-pose export within 10 s. CPU seconds are this process's (the stand-in's included),
steadier than wall time on a shared machine.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import os
import re
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets
from ipywidgets.embed import dependency_state, embed_minimal_html

from bench.bench_widgets import bench_data, collection_of, far_client
from masko_widgets import MascotStudio, MaskoClient, local
from masko_widgets.export import export_html
from masko_widgets.widgets import _cache
from masko_widgets.widgets._cache import PictureCache

SMALL, LARGE = 24, 1000
RUNS = 3


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


def gridbox_page(pictures: list[bytes], page: Path) -> int:
    """Bytes of the hand-written page: a GridBox of widgets.Image, embed_minimal_html."""
    grid = widgets.GridBox([widgets.Image(value=data, width=120) for data in pictures])
    embed_minimal_html(page, views=[grid], state=dependency_state(grid), title="GridBox")
    return page.stat().st_size


def parts(page: Path) -> str:
    """What our page is made of: its compressed code, CSS and state, and its pictures."""
    text = page.read_text(encoding="utf-8")
    found = {
        name: re.search(rf'id="masko-export-{name}">([^<]*)<', text) for name in ("state", "bytes")
    }
    state, data = (match[1] if match else "" for match in found.values())
    inflated = len(gzip.decompress(base64.b64decode(state))) if state else 0
    return (
        f"code, CSS and state {len(state) / 1e3:.0f} KB (gzip of {inflated / 1e3:.0f} KB,"
        f" base64), pictures {len(data) / 1e3:.0f} KB (base64), the rest"
        f" {(len(text) - len(state) - len(data)) / 1e3:.1f} KB"
    )


def sizes(client: MaskoClient, folder: Path) -> None:
    """Bytes of the studio page beside the hand-written GridBox page of the same poses."""
    made = collection_of(client, SMALL)
    _cache._shared = PictureCache(folder / "sizes")
    path = export_html(MascotStudio(client, made), folder / "studio.html")
    studio = path.stat().st_size
    files = [client.assets.get(item.image_asset_id).read() for item in client.items.list(made)]
    anchor = gridbox_page(files, folder / "gridbox.html")
    verdict = "ok" if studio <= 0.1 * anchor else "over goal"
    print(f"{SMALL}-pose studio page: {studio / 1e3:,.1f} KB: {parts(path)}")
    print(
        f"  anchor embed_minimal_html(GridBox of widgets.Image of the {SMALL} poses' files):"
        f" {anchor / 1e3:,.0f} KB; studio page {studio / anchor:.1%} of it (goal 10%) {verdict}"
    )


def hand_written(client: MaskoClient, made: str, folder: Path) -> None:
    """The anchor: a notebook cell fetching every pose's file, then its GridBox page."""
    assets = [item.image_asset_id for item in client.items.list(made)]
    files = [client.assets.get(asset).read() for asset in assets]
    gridbox_page(files, folder / "gridbox-large.html")


def export_times(client: MaskoClient, folder: Path, where: str, anchor: bool) -> None:
    """Cold and warm times of a 1,000-pose studio export (RUNS of each), and the anchor's."""
    made = collection_of(client, LARGE)
    page = folder / "big.html"
    print(f"{LARGE}-pose studio export, API {where}, {RUNS} runs each ({load()} at start):")
    cold, warm, cpu = [], [], []
    for run in range(RUNS):
        _cache._shared = PictureCache(folder / f"cold-{where}-{run}")  # empty: all made
        began = cpu_seconds()
        cold.append(timed(lambda: export_html(MascotStudio(client, made), page)))
        cpu.append(cpu_seconds() - began)
        warm.append(timed(lambda: export_html(MascotStudio(client, made), page)))
    verdict = "ok" if statistics.median(cold) <= 10 else "over goal"
    print(f"  cold (empty picture cache) {spread(cold)}  goal 10 s  {verdict}")
    print(f"    CPU seconds of a cold export: {spread(cpu)}")
    print(f"  warm (pictures cached)     {spread(warm)}  page {page.stat().st_size / 1e6:.1f} MB")
    if anchor:
        times = [timed(lambda: hand_written(client, made, folder)) for _ in range(RUNS)]
        print(f"  anchor: fetch every file in a loop + embed_minimal_html(GridBox) {spread(times)}")
    print(f"  ({load()} at end)")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, help="the stand-in's data folder")
    folder = bench_data(
        parser.parse_args().data or Path(tempfile.gettempdir()) / "masko-bench-export"
    )
    print(f"{load()}, {os.cpu_count()} cores; stand-in data in {folder}")
    with (
        tempfile.TemporaryDirectory() as temp,
        local.start(folder, credits=5000) as server,
    ):
        with MaskoClient(api_key=server.api_key, base_url=server.url) as client:
            sizes(client, Path(temp))
            export_times(client, Path(temp), "on this machine", anchor=True)
        with far_client(server) as client:
            export_times(client, Path(temp), "20 ms away", anchor=False)


if __name__ == "__main__":
    main()
