"""Browser figures: click -> Python trait latency; first screen of a 24-, 1,000- and
10,000-pose grid in Chromium, with a cold and a warm picture cache, beside a hand-written
GridBox of widgets.Image; tiles in the page; what scrolling to the end makes; notebook times.

Run from the repository root: `python -m bench.bench_browser [data folder] [--sizes N ...]`
(about 9 minutes for every size on a busy 2-core machine, 4 for `--sizes 10000`). JupyterLab
and headless Chromium run as in the browser tests, against a stand-in started here on the data
folder of bench/bench_widgets.py (its collections are seeded once and kept). The kernel's
client sends every request 20 ms late (an httpx transport, as in bench_widgets): an API 20 ms away.
The notebooks run offline with nbclient. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.bench_widgets import LATENCY, SIZES, arguments, bench_data, collection_of, spread
from masko_widgets import MaskoClient, local
from tests.browser._lab import chromium_browser, open_notebook, running_lab
from tests.notebooks._outputs import NOTEBOOKS, execute

CLICK_POSES = 6
CLICKS = 40
RENDERS = 3
GRIDBOX_AT_MOST = 1000
"""The hand-written GridBox is shown for at most this many poses (one widget model each)."""

CONNECT = """\
import os, time, httpx
from masko_widgets import MaskoClient, PoseGrid
from masko_widgets.widgets import _cache


class Latency(httpx.HTTPTransport):
    def handle_request(self, request):
        time.sleep(float(os.environ['BENCH_LATENCY']))
        return super().handle_request(request)


client = MaskoClient(
    api_key=os.environ['BENCH_KEY'], base_url=os.environ['BENCH_URL'], transport=Latency()
)
"""
CACHE = {
    "cold": "_cache._shared = _cache.PictureCache(None)",
    "warm": "_cache._shared = _cache.PictureCache(__import__('pathlib').Path({folder!r}))",
}
"""The kernel's picture cache: empty (memory only), or a folder a first run filled."""
# Marks the moment every tile in the list's visible window shows a decoded image (browser ms):
# [list selector, tile selector] for the PoseGrid or the hand-written GridBox.
FIRST_SCREEN_JS = """([listSelector, tileSelector]) => {
  const list = document.querySelector(listSelector);
  if (!list) return false;
  const box = list.getBoundingClientRect();
  const inView = [...list.querySelectorAll(tileSelector)].filter((tile) => {
    const r = tile.getBoundingClientRect();
    return r.bottom > box.top && r.top < box.bottom && r.top < window.innerHeight;
  });
  const ready = inView.length > 0 && inView.every((tile) => {
    const img = tile.tagName === 'IMG' ? tile : tile.querySelector('img');
    return img.complete && img.naturalWidth > 0;
  });
  if (ready && window.renderedAt === undefined) window.renderedAt = Date.now();
  return ready;
}"""
POSE_GRID = [".masko-grid .masko-poses", "[role=option]"]
GRIDBOX = [".widget-gridbox", "img"]
# Scrolls the grid to its end and says when every tile in view there shows its picture.
END_JS = """() => {
  const list = document.querySelector('.masko-grid .masko-poses');
  list.scrollTop = list.scrollHeight;
}"""
# Clicks a tile and returns the browser's clock (ms) just before the click.
CLICK_JS = """(index) => {
  const tile = document.querySelectorAll('.masko-grid [role=option]')[index];
  const at = Date.now();
  tile.click();
  return at;
}"""


def click_latency(lab, browser, collection: str) -> list[float]:
    """Milliseconds from a tile click in Chromium to the Python observer of selected_item_id."""
    cells = [
        CONNECT,
        f"grid = PoseGrid(client, {collection!r})\n"
        "seen = []\n"
        "grid.observe(lambda change: seen.append(time.time()), names='selected_item_id')\n"
        "grid",
    ]
    with open_notebook(lab, browser, "clicks.ipynb", cells) as nb:
        nb.page.locator(".masko-grid [role=option]").nth(CLICK_POSES - 1).wait_for()
        clicked = []
        for n in range(CLICKS):
            clicked.append(nb.page.evaluate(CLICK_JS, n % 2))
            time.sleep(0.25)  # one click at a time, nothing else asked of the kernel meanwhile
        nb.kernel.wait_for(f"len(seen) == {CLICKS}")
        seen = nb.kernel.value("seen")
    return [python * 1000 - browser_ms for python, browser_ms in zip(seen, clicked, strict=True)]


def first_screen(lab, browser, collection: str, cache: str) -> dict:
    """A PoseGrid displayed in Lab: ms from the display cell to every tile in view decoded,
    the cell's seconds, tiles in the page; then, with every pose loaded, scrolled to the end:
    ms to the last screen and the thumbnails the kernel made in all."""
    cells = [
        CONNECT,
        cache,
        f"built = time.perf_counter()\ngrid = PoseGrid(client, {collection!r})\n"
        "built = time.perf_counter() - built",
        "shown_at = time.time()\ngrid",
    ]
    with open_notebook(lab, browser, "render.ipynb", cells, size=(1280, 1000)) as nb:
        nb.page.wait_for_function(FIRST_SCREEN_JS, arg=POSE_GRID, polling="raf", timeout=60_000)
        rendered_at = nb.page.evaluate("() => window.renderedAt")
        shown_at, built = nb.kernel.value("[shown_at, built]")
        tiles = nb.page.locator(".masko-grid [role=option]").count()
        nb.kernel.wait_for("not grid.tasks", timeout=300)
        poses = nb.kernel.value("len(grid.pose_list)")
        nb.page.locator(".masko-grid .masko-count").filter(has_text=f"{poses:,} poses").wait_for()
        nb.page.evaluate("() => { window.renderedAt = undefined; }")
        scrolled_at = nb.page.evaluate(f"() => {{ ({END_JS})(); return Date.now(); }}")
        nb.page.wait_for_function(
            "() => [...document.querySelectorAll('.masko-grid [role=option]')].some("
            "(tile) => tile.getAttribute('aria-posinset') === tile.getAttribute('aria-setsize'))",
            timeout=60_000,
        )
        nb.page.wait_for_function(FIRST_SCREEN_JS, arg=POSE_GRID, polling="raf", timeout=60_000)
        end_ms = nb.page.evaluate("() => window.renderedAt") - scrolled_at
        made = nb.kernel.value("sum(row[2] is not None for row in grid.pose_list)")
        tiles_at_end = nb.page.locator(".masko-grid [role=option]").count()
    return {
        "ms": rendered_at - shown_at * 1000,
        "built_s": built,
        "tiles": max(tiles, tiles_at_end),
        "end_ms": end_ms,
        "made": made,
    }


def gridbox_screen(lab, browser, collection: str, cache: str) -> dict:
    """The hand-written anchor: a GridBox of widgets.Image (thumbnails from a warm cache),
    ms from its display cell to every image in view decoded, the cell's seconds, images."""
    cells = [
        CONNECT,
        cache,
        "import ipywidgets as widgets\n"
        "built = time.perf_counter()\n"
        f"items = [i for i in client.items.list({collection!r}) if i.image_asset_id]\n"
        "futures = [_cache.shared_cache().submit(client, i.image_asset_id) for i in items]\n"
        "box = widgets.GridBox(\n"
        "    [widgets.Image(value=f.result().thumbnail.data, format='webp', width=128)\n"
        "     for f in futures],\n"
        "    layout=widgets.Layout(grid_template_columns='repeat(8, 1fr)', max_height='560px',\n"
        "                          overflow_y='auto'))\n"
        "built = time.perf_counter() - built",
        "shown_at = time.time()\nbox",
    ]
    with open_notebook(lab, browser, "gridbox.ipynb", cells, size=(1280, 1000)) as nb:
        nb.page.wait_for_function(FIRST_SCREEN_JS, arg=GRIDBOX, polling="raf", timeout=300_000)
        rendered_at = nb.page.evaluate("() => window.renderedAt")
        shown_at, built = nb.kernel.value("[shown_at, built]")
        tiles = nb.page.locator(".widget-gridbox img").count()
    return {"ms": rendered_at - shown_at * 1000, "built_s": built, "tiles": tiles}


def screens(lab, browser, size: int, collection: str, folder: Path) -> None:
    """Cold and warm first screens of the PoseGrid, and the GridBox anchor, `RENDERS` each."""
    warm = CACHE["warm"].format(folder=str(folder))
    cold = [first_screen(lab, browser, collection, CACHE["cold"]) for _ in range(RENDERS)]
    first_screen(lab, browser, collection, warm)  # fills the folder: not counted
    warmed = [first_screen(lab, browser, collection, warm) for _ in range(RENDERS)]
    for name, found in (("cold", cold), ("warm", warmed)):
        print(
            f"{size:,}-pose PoseGrid, {name} picture cache, {RENDERS} runs: first screen "
            f"(display -> tiles in view decoded) {spread([r['ms'] / 1000 for r in found])} "
            f"(goal <= 1500 ms); cell {spread([r['built_s'] for r in found])}; "
            f"tiles in the page at most {max(r['tiles'] for r in found)} (goal < 200); "
            f"scrolled to the end: last screen in {spread([r['end_ms'] / 1000 for r in found])}, "
            f"thumbnails made in all {spread([r['made'] for r in found], 1, '')}"
        )
    if size > GRIDBOX_AT_MOST:
        print(f"{size:,}-pose GridBox+Image: not shown (capped at {GRIDBOX_AT_MOST:,} poses)")
        return
    box = [gridbox_screen(lab, browser, collection, warm) for _ in range(RENDERS)]
    print(
        f"{size:,}-pose GridBox+Image (anchor, warm cache), {RENDERS} runs: first screen "
        f"{spread([r['ms'] / 1000 for r in box])}; cell {spread([r['built_s'] for r in box])}; "
        f"images in the page {box[0]['tiles']}"
    )


def notebook_times() -> None:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        _, seconds = execute(path)
        print(f"notebook {path.name}: {seconds:.1f} s offline (nbclient, kernel start included)")


def main() -> None:
    args = arguments()
    print(f"load average at start: {os.getloadavg()}")
    with (
        tempfile.TemporaryDirectory() as temp,
        local.start(bench_data(args.data), credits=sum(SIZES) + 1000) as server,
    ):
        with MaskoClient(api_key=server.api_key, base_url=server.url) as client:
            small = collection_of(client, CLICK_POSES)
            grids = {}
            for size in args.sizes:
                collection = collection_of(client, size, not args.as_is)
                poses = [item for item in client.items.list(collection) if item.image_asset_id]
                grids[len(poses)] = collection
        env = {
            "BENCH_KEY": server.api_key,
            "BENCH_URL": server.url,
            "BENCH_LATENCY": str(LATENCY),
        }
        with (
            running_lab(Path(temp) / "lab", env) as lab,
            chromium_browser(Path(temp) / "chromium-home") as browser,
        ):
            latencies = click_latency(lab, browser, small)
            print(
                f"click -> Python trait (selected_item_id), {CLICKS} clicks: "
                f"median {statistics.median(latencies):.1f} ms, "
                f"max {max(latencies):.1f} ms (goal <= 150 ms median)"
            )
            print(f"The kernel's API is {LATENCY * 1000:.0f} ms away (httpx transport).")
            for size, collection in grids.items():
                screens(lab, browser, size, collection, Path(temp) / "pictures")
    print(f"load average after the browser runs: {os.getloadavg()}")
    notebook_times()


if __name__ == "__main__":
    main()
