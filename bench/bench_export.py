"""Export figures, side by side in one run: the size of a 24-pose studio page beside ipywidgets'
`embed_minimal_html` of a hand-written `GridBox` of `widgets.Image` of the same poses, and the
time of a 1,000-pose studio export, cold (an empty picture cache: every thumbnail made) and warm.

Run from the repository root: `python -m bench.bench_export` (a few minutes: most of it is the
stand-in drawing 1,000 poses). Goals: the studio page at most 10% of the GridBox page; a cold
1,000-pose export within 10 s.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets
from ipywidgets.embed import dependency_state, embed_minimal_html

from masko_widgets import MascotStudio, MaskoClient, local
from masko_widgets.export import export_html
from masko_widgets.widgets import _cache
from masko_widgets.widgets._cache import PictureCache
from tests.conftest import draw_character

SMALL, LARGE = 24, 1000
RUNS = 3


def generate(client: MaskoClient, collection: str, count: int) -> list[str]:
    """`count` poses drawn by the stand-in; their image asset ids."""
    jobs = []
    for start in range(0, count, 10):
        names = [f"pose {n}" for n in range(start, min(count, start + 10))]
        requests = [{"type": "image", "name": name, "image_prompt": name} for name in names]
        jobs += client.generations.batch(collection, requests)
    for job in jobs:
        client.jobs.wait(job, timeout=900)
    return [item.image_asset_id for item in client.items.list(collection)]


def collection(client: MaskoClient, count: int) -> tuple[str, list[str]]:
    made = client.collections.create(f"export bench {count}").id
    client.references.add(made, client.uploads.create(draw_character()))
    return made, generate(client, made, count)


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


def sizes(client: MaskoClient, folder: Path) -> None:
    """Bytes of the studio page and of the hand-written GridBox pages of the same poses."""
    made, assets = collection(client, SMALL)
    _cache._shared = PictureCache(folder / "sizes")
    studio = export_html(MascotStudio(client, made), folder / "studio.html").stat().st_size
    files = [client.assets.get(asset).read() for asset in assets]
    thumbnails = [_cache.shared_cache().get(client, asset).thumbnail.data for asset in assets]
    print(f"{SMALL}-pose studio page: {studio / 1e3:,.0f} KB")
    for label, pictures in (("the poses' files", files), ("the same thumbnails", thumbnails)):
        grid = widgets.GridBox([widgets.Image(value=data, width=120) for data in pictures])
        page = folder / "gridbox.html"
        embed_minimal_html(page, views=[grid], state=dependency_state(grid), title="GridBox")
        size = page.stat().st_size
        verdict = "ok" if studio <= 0.1 * size else "over goal"
        print(
            f"  anchor embed_minimal_html(GridBox of widgets.Image of {label}): "
            f"{size / 1e3:,.0f} KB; studio page {studio / size:.1%} of it (goal 10%) {verdict}"
        )


def export_times(client: MaskoClient, folder: Path) -> None:
    """Cold and warm time of a 1,000-pose studio export, RUNS of each."""
    made, _ = collection(client, LARGE)
    cold, warm = [], []
    for run in range(RUNS):
        _cache._shared = PictureCache(folder / f"cold-{run}")  # empty: every picture made
        cold.append(timed(lambda: export_html(MascotStudio(client, made), folder / "big.html")))
        warm.append(timed(lambda: export_html(MascotStudio(client, made), folder / "big.html")))
    size = (folder / "big.html").stat().st_size
    verdict = "ok" if statistics.median(cold) <= 10 else "over goal"
    print(f"{LARGE}-pose studio export ({size / 1e6:.1f} MB), {RUNS} runs each:")
    print(f"  cold (empty picture cache) {spread(cold)}  goal 10 s  {verdict}")
    print(f"  warm (pictures cached)     {spread(warm)}")


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    print(f"load average (1, 5, 15 min): {os.getloadavg()}")
    with (
        tempfile.TemporaryDirectory() as temp,
        local.start(Path(temp), credits=5000) as server,
        MaskoClient(api_key=server.api_key, base_url=server.url) as client,
    ):
        sizes(client, Path(temp))
        export_times(client, Path(temp))


if __name__ == "__main__":
    main()
