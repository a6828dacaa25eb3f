"""The virtual pose grid on a 1000-pose collection, in the studio, in JupyterLab and marimo:
a bounded number of tiles in the page, reused while scrolling to the end (whose thumbnails
are the only others made), keyboard navigation across the whole list (Home, End, arrows,
Enter) reaching the Python selection, and a pose selected in Python scrolled into view.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser import _frontends as fe
from tests.browser._frontends import DRAWN_AT_MOST, WAIT
from tests.browser.conftest import CROWD

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]  # the first one draws 1000 poses

MADE_AT_MOST = 150
"""Thumbnails the kernel may have made after the grid showed its top and its bottom."""


def tile(grid: Locator, item_id: str) -> Locator:
    return grid.locator(f"[role=option][data-item-id='{item_id}']")


def drawn(grid: Locator) -> int:
    return grid.locator("[role=option]").count()


def scroll_and_keys(page: Page, probe: Path, items: list[str]) -> Locator:
    """Every pose loads; scrolling to the end draws the last tiles in the same few elements;
    Home, End, the arrows and Enter work across the whole list. Returns the grid."""
    grid = page.locator(".masko-grid")
    expect(grid.locator(".masko-count")).to_have_text(f"{CROWD:,} poses", timeout=WAIT)
    first_screen = grid.locator("[role=option]").element_handles()
    assert 0 < len(first_screen) < DRAWN_AT_MOST

    grid.locator(".masko-poses").evaluate("(list) => { list.scrollTop = list.scrollHeight; }")
    last = tile(grid, items[-1])
    expect(last.locator("img")).to_have_js_property("complete", True, timeout=WAIT)
    page.wait_for_function(
        "(img) => img.naturalWidth > 0", arg=last.locator("img").element_handle()
    )
    assert drawn(grid) < DRAWN_AT_MOST
    expect(tile(grid, items[0])).to_have_count(0)  # the top left the page
    recycled = grid.locator("[role=option]").evaluate_all(
        "(tiles, before) => tiles.filter((tile) => before.includes(tile)).length",
        first_screen,
    )
    assert recycled > 0, "scrolling reuses the tiles"

    last.click()
    assert fe.selected(probe, expected=items[-1]) == items[-1]
    page.keyboard.press("Home")
    expect(tile(grid, items[0])).to_be_focused(timeout=WAIT)
    page.keyboard.press("ArrowRight")
    expect(tile(grid, items[1])).to_be_focused()
    page.keyboard.press("Enter")
    assert fe.selected(probe, expected=items[1]) == items[1]
    expect(tile(grid, items[1])).to_have_attribute("aria-selected", "true")
    page.keyboard.press("End")
    expect(tile(grid, items[-1])).to_be_focused(timeout=WAIT)
    page.keyboard.press("ArrowLeft")
    expect(tile(grid, items[-2])).to_be_focused()
    assert drawn(grid) < DRAWN_AT_MOST
    return grid


def in_view(grid: Locator, item_id: str) -> bool:
    """The tile shows whole inside the scrolled list."""
    return tile(grid, item_id).evaluate(
        """(tile) => {
          const list = tile.closest('.masko-poses').getBoundingClientRect();
          const box = tile.getBoundingClientRect();
          return box.top >= list.top - 1 && box.bottom <= list.bottom + 1;
        }"""
    )


def test_virtual_grid_in_jupyterlab(notebook, probe: Path, crowded: dict) -> None:
    items = crowded["items"]
    code = fe.studio_code(probe) + "studio"
    with notebook("virtual.ipynb", [code], size=(1280, 1000)) as nb:
        grid = scroll_and_keys(nb.page, probe, items)
        made = nb.kernel.value("sum(row[2] is not None for row in studio.grid.pose_list)")
        assert 0 < made <= MADE_AT_MOST, f"{made} thumbnails made of {CROWD}"

        middle = items[CROWD // 2]
        nb.kernel.run(f"studio.grid.select({middle!r})")
        expect(tile(grid, middle)).to_have_attribute("aria-selected", "true", timeout=WAIT)
        assert in_view(grid, middle)
        assert drawn(grid) < DRAWN_AT_MOST


def test_virtual_grid_in_marimo(marimo: fe.Server, probe: Path, crowded: dict, page: Page) -> None:
    page.goto(marimo.page(fe.studio_code(probe)))
    scroll_and_keys(page, probe, crowded["items"])
