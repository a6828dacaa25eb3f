"""Picture cache figures against the offline stand-in: run `python -m bench.bench_cache`.

Times making the pictures (thumbnail + palette) of PICTURES uploaded assets, each way
RUNS times: without a cache (download and make every time, in a pool of the same size: the
hand-written alternative), with a cold cache (an empty folder), a warm folder (a new
process's memory is empty, every picture is on disk) and warm memory. Prints the median and
the spread (min-max) in ms. The script uses only `PictureCache(folder).submit(client, id)`,
so the same file measures an earlier version of the package (PYTHONPATH to its checkout).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from masko_widgets import MaskoClient, local
from masko_widgets.widgets._cache import WORKERS, PictureCache, picture_of
from tests.conftest import draw_character

PICTURES = 48
RUNS = 5


def make_all(cache: PictureCache, client: MaskoClient, ids: list[str]) -> None:
    for future in [cache.submit(client, asset_id) for asset_id in ids]:
        future.result()


def without_cache(client: MaskoClient, ids: list[str]) -> None:
    def make(asset_id: str) -> object:
        return picture_of(client.assets.get(asset_id).read())

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(make, ids))


def runs(work: Callable[[], object]) -> str:
    """Median and spread of RUNS timings of `work`."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    spread = f"({min(times):.1f}-{max(times):.1f})"
    return f"{median:7.1f} ms {spread:>16}  {median / PICTURES:5.2f} ms/picture"


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as folders,
        local.start() as server,
        MaskoClient(server.api_key, base_url=server.url) as client,
    ):
        colours = [(40 + 4 * n, 200 - 3 * n, 90 + 2 * n) for n in range(PICTURES)]
        ids = [
            client.uploads.create(draw_character(colour, size=(768, 768))).id for colour in colours
        ]
        make_all(PictureCache(None), client, ids[:2])  # warm the pool and Pillow's plugins
        fresh = (Path(folders, str(n)) for n in range(10**6))
        warm = Path(folders, "warm")
        make_all(PictureCache(warm), client, ids)
        in_memory = PictureCache(warm)
        make_all(in_memory, client, ids)
        ways: dict[str, Callable[[], object]] = {
            "no cache (make every time)": lambda: without_cache(client, ids),
            "cold cache (empty folder)": lambda: make_all(PictureCache(next(fresh)), client, ids),
            "warm folder (new process)": lambda: make_all(PictureCache(warm), client, ids),
            "warm memory": lambda: make_all(in_memory, client, ids),
        }
        print(f"{PICTURES} pictures (768 px uploads), {RUNS} runs: median (min-max)")
        for name, work in ways.items():
            print(f"  {name:<28}{runs(work)}")


if __name__ == "__main__":
    main()
