"""Browser figures: click -> Python trait latency, first screen of a 24- and a 1000-pose grid,
notebook times.

Run from the repository root: `python bench/bench_browser.py`. JupyterLab and headless
Chromium run as in the browser tests, against a stand-in started here; the notebooks run
offline with nbclient. Prints figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from masko_widgets import MaskoClient, local
from tests.browser._lab import chromium_browser, open_notebook, running_lab
from tests.conftest import draw_character
from tests.notebooks._outputs import NOTEBOOKS, execute

GRID_SIZES = (24, 1000)
CLICK_POSES = 6
CLICKS = 40
RENDERS = 5

CONNECT = (
    "import os, time\n"
    "from masko_widgets import MaskoClient, PoseGrid\n"
    "client = MaskoClient(api_key=os.environ['BENCH_KEY'], base_url=os.environ['BENCH_URL'])"
)
# Marks the moment every tile in the grid's visible window shows a decoded image (browser ms).
FIRST_SCREEN_JS = """() => {
  const list = document.querySelector('.masko-grid .masko-poses');
  if (!list) return false;
  const box = list.getBoundingClientRect();
  const inView = [...list.querySelectorAll('[role=option]')].filter((tile) => {
    const r = tile.getBoundingClientRect();
    return r.bottom > box.top && r.top < box.bottom && r.top < window.innerHeight;
  });
  const ready = inView.length > 0 && inView.every((tile) => {
    const img = tile.querySelector('img');
    return img.complete && img.naturalWidth > 0;
  });
  if (ready && window.renderedAt === undefined) window.renderedAt = Date.now();
  return ready;
}"""
# Clicks a tile and returns the browser's clock (ms) just before the click.
CLICK_JS = """(index) => {
  const tile = document.querySelectorAll('.masko-grid [role=option]')[index];
  const at = Date.now();
  tile.click();
  return at;
}"""


def collection_with_poses(client: MaskoClient, count: int) -> str:
    collection = client.collections.create(f"bench {count} poses").id
    client.references.add(collection, draw_character())
    names = [f"pose {n}" for n in range(count)]
    for start in range(0, count, 10):
        requests = [
            {"type": "image", "name": name, "image_prompt": name}
            for name in names[start : start + 10]
        ]
        for job in client.generations.batch(collection, requests):
            client.jobs.wait(job)
    return collection


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


def first_screen(lab, browser, collection: str) -> tuple[float, float]:
    """(ms from displaying a grid to every tile in its window decoded, s to build it)."""
    cells = [
        CONNECT,
        f"built = time.perf_counter()\ngrid = PoseGrid(client, {collection!r})\n"
        "built = time.perf_counter() - built",
        "shown_at = time.time()\ngrid",
    ]
    with open_notebook(lab, browser, "render.ipynb", cells, size=(1280, 1000)) as nb:
        nb.page.wait_for_function(FIRST_SCREEN_JS, polling="raf", timeout=30_000)
        rendered_at = nb.page.evaluate("() => window.renderedAt")
        shown_at, built = nb.kernel.value("[shown_at, built]")
    return rendered_at - shown_at * 1000, built


def notebook_times() -> None:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        _, seconds = execute(path)
        print(f"notebook {path.name}: {seconds:.1f} s offline (nbclient, kernel start included)")


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as temp,
        local.start(Path(temp) / "standin", credits=5000) as server,
    ):
        with MaskoClient(api_key=server.api_key, base_url=server.url) as client:
            small = collection_with_poses(client, CLICK_POSES)
            grids = {size: collection_with_poses(client, size) for size in GRID_SIZES}
        env = {"BENCH_KEY": server.api_key, "BENCH_URL": server.url}
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
            for size, collection in grids.items():
                renders = [first_screen(lab, browser, collection) for _ in range(RENDERS)]
                render_ms = [ms for ms, _ in renders]
                built = statistics.median(seconds for _, seconds in renders)
                print(
                    f"{size}-pose grid: first screen (display -> tiles in view decoded), "
                    f"{RENDERS} runs: median {statistics.median(render_ms):.0f} ms, "
                    f"max {max(render_ms):.0f} ms (goal <= 1500 ms); "
                    f"built in Python in {built:.2f} s (median)"
                )
    notebook_times()


if __name__ == "__main__":
    main()
