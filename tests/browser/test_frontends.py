"""The studio on a 1000-pose collection in every notebook front end: JupyterLab, Notebook 7,
Voila and marimo (`mo.ui.anywidget`). Each shows the references and the poses, a click selects
a pose and the Python trait follows, and scrolling the grid loads the tiles it shows (and not
the rest).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from masko_widgets import MaskoClient, PoseGrid
from masko_widgets.export import export_html
from masko_widgets.widgets import _cache
from masko_widgets.widgets._cache import PictureCache
from tests.browser import _frontends as fe
from tests.browser._frontends import DRAWN_AT_MOST, WAIT
from tests.browser._lab import ARTIFACTS, FRONT_ENDS

pytestmark = pytest.mark.browser

POSES = 1000
LOADED_AT_MOST = 300
"""Thumbnails a view may hold after showing the top and the bottom of the grid."""


def loaded(image) -> bool:
    return image.evaluate("(img) => img.complete && img.naturalWidth > 0")


def check_studio(page: Page, probe: Path, items: list[str], name: str) -> None:
    """References and poses show; a click reaches Python; scrolling loads what it shows."""
    grid = page.locator(".masko-grid")
    tiles = grid.locator("[role=option]")
    expect(grid.locator(".masko-count")).to_have_text(f"{POSES:,} poses", timeout=WAIT)
    assert 0 < tiles.count() < DRAWN_AT_MOST
    expect(page.locator(".masko-gallery .masko-slot.is-filled")).to_have_count(2, timeout=WAIT)
    page.wait_for_function(
        "(img) => img.naturalWidth > 0", arg=tiles.first.locator("img").element_handle()
    )

    tiles.nth(1).click()
    assert fe.selected(probe, expected=items[1]) == items[1]
    expect(tiles.nth(1)).to_have_attribute("aria-selected", "true", timeout=WAIT)

    poses = grid.locator(".masko-poses")
    poses.evaluate("(list) => { list.scrollTop = list.scrollHeight; }")
    expect(tiles.last).to_have_attribute("data-item-id", items[-1], timeout=WAIT)
    last = tiles.last.locator("img")
    page.wait_for_function("(img) => img.naturalWidth > 0", arg=last.element_handle())
    shown = poses.evaluate("(list) => list.querySelectorAll('img[src]').length")
    assert 0 < shown <= LOADED_AT_MOST, f"{shown} thumbnails loaded of {POSES}"
    tiles.last.click()
    assert fe.selected(probe, expected=items[-1]) == items[-1]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"studio-{name}.png"))


@pytest.mark.parametrize("frontend", FRONT_ENDS)
def test_studio_in_jupyterlab_and_notebook7(
    notebook, frontend: str, probe: Path, crowded: dict
) -> None:
    code = fe.studio_code(probe) + "studio"
    with notebook("crowded.ipynb", [code], size=(1280, 1000), frontend=frontend) as nb:
        check_studio(nb.page, probe, crowded["items"], frontend)


@pytest.mark.parametrize("server", ["voila", "marimo"])
def test_studio_in_voila_and_marimo(
    request: pytest.FixtureRequest, server: str, probe: Path, crowded: dict, page: Page
) -> None:
    page.goto(request.getfixturevalue(server).page(fe.studio_code(probe)))
    check_studio(page, probe, crowded["items"], server)


def test_a_1000_pose_grid_exports_and_renders_offline(
    crowded: dict, tmp_path: Path, chromium: Browser, monkeypatch
) -> None:
    monkeypatch.setattr(_cache, "_shared", PictureCache(tmp_path / "pictures"))
    with MaskoClient(api_key=crowded["key"], base_url=crowded["url"]) as client:
        grid = PoseGrid(client, crowded["collection"])
        path = export_html(grid, tmp_path / "crowded.html", title="Crowded")
    context = chromium.new_context(offline=True)
    context.set_default_timeout(60_000)
    context.route("http*://**/*", lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        tiles = page.locator(".masko-grid [role=option]")
        expect(tiles.first).to_be_visible(timeout=WAIT)
        page.locator(".masko-poses").evaluate("(list) => { list.scrollTop = list.scrollHeight; }")
        expect(tiles.last).to_have_attribute("data-item-id", crowded["items"][-1], timeout=WAIT)
        page.wait_for_function(
            "(img) => img.naturalWidth > 0", arg=tiles.last.locator("img").element_handle()
        )
        expect(tiles.last.locator(".masko-score-value")).not_to_have_text("–", timeout=WAIT)
    finally:
        context.close()
