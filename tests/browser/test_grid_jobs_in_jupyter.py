"""The grid's slow jobs in JupyterLab and Notebook 7 (headless Chromium), on a stand-in in the
kernel whose jobs are held until the test lets them go: editing the selected pose, a
placeholder tile for each pose on its way, the reason on the disabled Generate button, and a
pose that finishes after Cancel appearing by itself."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser._axe import axe_violations
from tests.browser._lab import DARK_THEME, FRONT_ENDS, LIGHT_THEME

pytestmark = pytest.mark.browser

SETUP = (
    "from masko_widgets import MaskoClient, PoseGrid, local\n"
    "server = local.start()\n"
    "client = MaskoClient(api_key=server.api_key, base_url=server.url)\n"
    "collection = client.collections.create('Slow mascot')"
)
ONE_POSE = "wave = client.jobs.wait(client.generations.image(collection, 'waving', 'waving'))"
HOLD = """\
import threading
from masko_widgets.local._checkpoints import checkpoints
release = threading.Event()
_watching = checkpoints.watch("job.processing")  # kept: dropped, it would stop watching
_started = _watching.__enter__()
_count = _started.reached
def _held():
    _count()
    release.wait(120)
_started.reached = _held
"""
"""Kernel code: from here on, each job of the kernel's stand-in waits as it starts processing
until `release.set()` (120 s at most): the test looks at a running job as long as it needs,
then lets it end at once (in-process checkpoint watchers run on the job's own thread)."""
GRID = "grid = PoseGrid(client, collection)\ngrid"
AFTER_RELEASE = 60
"""Seconds a released job may take to reach the page (render and store on a busy machine)."""


def looked_at(nb, name: str, target) -> None:
    """`target` in Lab's light and dark themes: a screenshot of each
    (test-artifacts/browser/<name>-light|dark), and no serious axe-core violation in either."""
    for theme, suffix in ((LIGHT_THEME, "light"), (DARK_THEME, "dark")):
        nb.set_theme(theme)
        nb.screenshot(f"{name}-{suffix}", target)
        violations = axe_violations(nb.page)
        assert violations == {}, f"{theme}:\n{json.dumps(violations, indent=1)}"
    nb.set_theme(LIGHT_THEME)


@pytest.mark.parametrize("frontend", FRONT_ENDS)
def test_edit_shows_progress_on_the_tile_and_changes_it_in_place(notebook, frontend: str) -> None:
    cells = [SETUP, ONE_POSE, HOLD, GRID]
    with notebook("grid-edit.ipynb", cells, size=(1280, 1100), frontend=frontend) as nb:
        kernel, page = nb.kernel, nb.page
        grid = page.locator(".masko-grid")
        old = kernel.value("wave.asset_ids['image']")
        item = kernel.value("wave.item_id")
        tile = grid.locator(f"[role=option][data-item-id='{item}']")
        expect(tile.locator("img")).to_have_js_property("complete", True)
        shown_before = tile.locator("img").get_attribute("src")

        edit = grid.locator(".masko-edit")
        button = edit.get_by_role("button", name="Edit pose")
        expect(button).to_be_disabled()
        expect(edit.locator(".masko-reason")).to_have_text("Select a pose first.")
        tile.click()
        kernel.wait_for(f"grid.selected_item_id == {item!r}")
        expect(edit.locator(".masko-selected")).to_contain_text("Selected: waving")
        edit.get_by_label("What to change in the selected pose").fill("add a red scarf")
        button.click()

        # the job runs: its progress and Cancel in the panel, a note over the tile
        expect(edit.locator(".masko-task")).to_contain_text("Editing waving")
        expect(edit.get_by_role("button", name="Cancel Editing waving")).to_be_visible()
        expect(tile).to_have_class(re.compile(r"\bis-editing\b"))
        expect(tile).to_have_attribute("aria-label", re.compile(r"^waving, editing: "))
        expect(tile.locator(".masko-wait-text")).to_contain_text("Editing:")
        expect(tile.locator("img")).to_be_visible()  # the old picture stays beneath the note
        expect(edit.locator(".masko-reason")).to_have_text(
            "This pose is being edited: wait for its new picture."
        )
        looked_at(nb, "grid-edit-running", grid)
        expect(tile.locator(".masko-wait")).to_be_visible()  # still running: the pictures show it

        kernel.run("release.set()")
        kernel.wait_for("grid.pending == [] and grid.tasks == []", timeout=AFTER_RELEASE)
        new = kernel.value("grid.poses[0].asset_id")
        assert new != old
        assert kernel.value(
            f"[i.image_asset_id for i in client.items.list(grid.collection_id) if i.id == {item!r}]"
        ) == [new]
        assert kernel.value("grid.source_image_asset_id") == new
        assert kernel.value("grid.error") == ""
        # the same tile, in place, shows the new picture
        expect(grid.locator("[role=option]")).to_have_count(1)
        expect(tile.locator(".masko-wait")).to_be_hidden()
        expect(tile.locator("img")).not_to_have_attribute("src", shown_before or "")
        tile.scroll_into_view_if_needed()  # the grid asks for the pictures it shows
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0",
            arg=tile.locator("img").element_handle(),
        )
        nb.screenshot("grid-edit-done-light", grid)


@pytest.mark.parametrize("frontend", FRONT_ENDS)
def test_poses_on_their_way_show_as_tiles_and_come_after_cancel(notebook, frontend: str) -> None:
    cells = [SETUP, HOLD, GRID]
    with notebook("grid-slow.ipynb", cells, size=(1280, 1100), frontend=frontend) as nb:
        kernel, page = nb.kernel, nb.page
        grid = page.locator(".masko-grid")
        form = grid.locator(".masko-new-poses")
        form.get_by_label("Another pose to generate").fill("jumping")
        form.get_by_role("button", name="Generate 1 pose").click()

        placeholder = grid.locator("[role=option].is-placeholder")
        expect(placeholder).to_have_count(1)
        expect(placeholder.locator(".masko-pose-name")).to_have_text("jumping")
        expect(placeholder.locator(".masko-wait-text")).to_contain_text("New pose:")
        expect(placeholder.locator("progress")).to_be_visible()
        expect(placeholder).to_have_attribute("aria-disabled", "true")
        expect(grid.locator(".masko-count")).to_have_text("0 poses, 1 on the way")
        expect(grid.locator(".masko-empty")).to_be_hidden()
        # the picks were cleared, but the reason given is the job that runs
        generate = form.locator(".masko-generate")
        expect(generate).to_be_disabled()
        expect(form.locator(".masko-reason")).to_have_text(
            "Poses are on their way: wait for them, or Cancel."
        )
        looked_at(nb, "grid-placeholder", grid)

        form.get_by_role("button", name="Cancel Generating 1 pose").click()
        kernel.wait_for("[t['kind'] for t in grid.tasks] == ['late']")  # cancelled in time
        expect(grid.locator(".masko-notice")).to_contain_text("still appears here")
        expect(placeholder).to_have_count(1)
        form.get_by_label("Another pose to generate").fill("sitting")
        expect(generate).to_be_enabled()  # no longer waiting: another batch may start

        # no Refresh: the pose comes by itself, in the placeholder's stead
        kernel.run("release.set()")
        kernel.wait_for("len(grid.poses) == 1 and grid.pending == []", timeout=AFTER_RELEASE)
        item = kernel.value("grid.poses[0].item_id")
        assert kernel.value("grid.poses[0].name") == "jumping"
        assert kernel.value("grid.error") == ""
        tile = grid.locator(f"[role=option][data-item-id='{item}']")
        expect(tile.locator("img")).to_have_js_property("complete", True)
        expect(placeholder).to_have_count(0)
        expect(grid.locator(".masko-count")).to_have_text("1 pose")
        tile.click()
        kernel.wait_for(f"grid.selected_item_id == {item!r}")
