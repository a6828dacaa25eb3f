"""The front door: notebooks/01_quickstart.ipynb run top to bottom in JupyterLab."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser._lab import REPO

pytestmark = pytest.mark.browser


def test_quickstart_runs_in_lab_and_plays_its_animation(notebook) -> None:
    source = REPO / "notebooks" / "01_quickstart.ipynb"
    with notebook("01_quickstart.ipynb", source, size=(1280, 2000)) as nb:
        page = nb.page
        # The studio shows twice: where it is made, and again after the work (its saved output
        # there is the still picture); both views show the state of now.
        views = page.locator(".jp-OutputArea-output").filter(has=page.locator(".masko-grid"))
        expect(views).to_have_count(2)
        for view in (views.first, views.last):
            expect(view.locator(".masko-studio-bar .masko-card-status")).to_have_text("Ready")
            tile = view.locator(".masko-grid [role=option]")
            expect(tile).to_have_count(1)
            expect(tile).to_contain_text("waving")
            expect(tile).to_have_attribute("aria-selected", "true")  # selected from Python
            video = view.locator(".masko-grid video").element_handle()
            page.wait_for_function("(v) => v.readyState >= 2 && v.duration > 0", arg=video)
        assert nb.kernel.value("studio.grid.selected_item_id == pose.item_id") is True
        nb.screenshot("quickstart-studio", views.first)
