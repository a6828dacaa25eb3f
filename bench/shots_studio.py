"""Screenshots of the studio in every front end, to look at (not a test; asserts nothing):
JupyterLab light and dark, Notebook 7, Voila and marimo, each 1280 and 800 px wide.

Run from the repository root: `python -m bench.shots_studio [folder]` (default
/tmp/studio-shots); about two minutes. A stand-in started here holds a collection with two
references, three poses (one selected and animated) and a preview; each front end shows a
studio of it, made as in the browser tests (tests/browser/_frontends.py).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page

from masko_widgets import MaskoClient, local
from tests.browser import _frontends as fe
from tests.browser._lab import (
    DARK_THEME,
    LIGHT_THEME,
    chromium_browser,
    open_notebook,
    running_lab,
)
from tests.conftest import draw_character

WIDTHS = (1280, 800)
HEIGHT = 2400
WORK = """\
studio.grid.select(studio.grid.poses[0].item_id)
studio.grid.animate("waves hello", duration=2).wait(120)
studio.preview.preview("the mascot waving")
"""


def collection(server: local.LocalServer, probe: Path) -> None:
    """Two references and three poses on the stand-in, named in `probe`."""
    with MaskoClient(api_key=server.api_key, base_url=server.url) as client:
        made = client.collections.create("Shots mascot")
        for color in ((240, 120, 40), (40, 90, 200)):
            client.references.add(made, client.uploads.create(draw_character(color)))
        for name in ("waving", "jumping", "sitting"):
            client.generations.image(made, name, name).wait(timeout=120)
    fe.write_probe(probe, server.url, server.api_key, made.id)


def shoot(page: Page, path: Path) -> None:
    """The studio once it shows its poses, as a PNG at `path`."""
    studio = page.locator(".masko-studio").first
    studio.locator(".masko-grid [role=option] img").first.wait_for(timeout=fe.WAIT)
    studio.locator("video").first.wait_for(timeout=fe.WAIT)
    studio.screenshot(path=str(path))
    print(path)


def in_jupyter(lab, browser: Browser, code: str, out: Path) -> None:
    for frontend, theme in (("lab", LIGHT_THEME), ("lab", DARK_THEME), ("notebook7", None)):
        for width in WIDTHS:
            size = (width, HEIGHT)
            with open_notebook(lab, browser, "shots.ipynb", [code], size=size,
                               frontend=frontend) as nb:  # fmt: skip
                name = frontend if theme is None else f"lab-{theme.split()[-1].lower()}"
                if theme is not None:
                    nb.set_theme(theme)
                shoot(nb.page, out / f"{name}-{width}.png")
                if theme is not None:
                    nb.set_theme(LIGHT_THEME)


def in_apps(start: Callable, base: Path, browser: Browser, code: str, out: Path) -> None:
    with start(base) as server:
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": HEIGHT})
            try:
                page = context.new_page()
                page.goto(server.page(code))
                shoot(page, out / f"{server.name}-{width}.png")
            finally:
                context.close()


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.gettempdir()) / "studio-shots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp, local.start(Path(temp) / "standin") as server:
        base = Path(temp)
        collection(server, base / "probe")
        code = fe.studio_code(base / "probe") + WORK
        with chromium_browser(base / "chromium") as browser:
            with running_lab(base / "lab") as lab:
                in_jupyter(lab, browser, code + "studio", out)
            in_apps(fe.voila_server, base / "voila", browser, code, out)
            in_apps(fe.marimo_server, base / "marimo", browser, code, out)


if __name__ == "__main__":
    main()
