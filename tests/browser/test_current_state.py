"""The studio shows its current state in every front end, however late it is displayed.

The kernel makes a studio, then (before any view of it exists) pins a tried reference,
generates two poses and animates one; only then is the studio displayed. JupyterLab, Notebook
7, Voila and marimo must all show what Python holds: the references, the two poses with the
animated one selected, the video and the credits (JupyterLab, Notebook 7 and marimo's editor
again after a page reload).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from masko_widgets import MaskoClient
from tests.browser import _frontends as fe
from tests.browser._frontends import WAIT
from tests.browser._lab import ARTIFACTS, FRONT_ENDS
from tests.conftest import draw_character

pytestmark = pytest.mark.browser

WORK = """\
studio.try_references([str(probe / "candidate.png")], "waving")
studio.pin()
studio.grid.generate(["waving", "jumping"]).wait(120)
studio.grid.select(studio.grid.poses[0].item_id)
studio.grid.animate("waves hello", duration=2).wait(120)
(probe / "facts.json").write_text(json.dumps({
    "references": list(studio.gallery.reference_asset_ids),
    "poses": [pose.item_id for pose in studio.grid.poses],
    "selected": studio.grid.selected_item_id,
    "credits": studio.credits,
}))
"""
"""Work done on a studio nobody has displayed yet (the cell then shows it)."""


@pytest.fixture
def worked(tmp_path: Path, standin) -> Path:
    """A probe folder naming a fresh collection with one reference, and a candidate image."""
    key = standin.new_workspace_key(credits=100)
    with MaskoClient(api_key=key, base_url=standin.url) as client:
        collection = client.collections.create("Late mascot")
        client.references.add(collection, client.uploads.create(draw_character((240, 120, 40))))
    folder = tmp_path / "probe"
    fe.write_probe(folder, standin.url, key, collection.id)
    (folder / "candidate.png").write_bytes(draw_character((230, 100, 50)))
    return folder


def work_code(probe: Path) -> str:
    return fe.studio_code(probe) + WORK


def check_current(page: Page, probe: Path, name: str) -> None:
    """The page shows what the kernel holds (see WORK)."""
    facts_file = probe / "facts.json"
    studio = page.locator(".masko-studio").first
    studio.wait_for(timeout=WAIT)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        facts = json.loads(facts_file.read_text())
        grid = studio.locator(".masko-grid")
        expect(grid.locator(".masko-count")).to_have_text("2 poses", timeout=WAIT)
        tiles = grid.locator("[role=option]")
        expect(tiles).to_have_count(2, timeout=WAIT)
        selected = grid.locator("[role=option][aria-selected=true]")
        expect(selected).to_have_attribute("data-item-id", facts["selected"], timeout=WAIT)
        video = grid.locator("video.masko-video")
        expect(video).to_be_visible(timeout=WAIT)
        expect(video).to_have_attribute("data-item-id", facts["selected"], timeout=WAIT)
        slots = studio.locator(".masko-gallery .masko-slot.is-filled")
        expect(slots).to_have_count(len(facts["references"]), timeout=WAIT)
        assert [slots.nth(i).get_attribute("data-asset-id") for i in range(slots.count())] == facts[
            "references"
        ]
        expect(studio.locator(".masko-studio-bar .masko-credits")).to_have_text(
            f"{facts['credits']} credits", timeout=WAIT
        )
    finally:
        page.screenshot(path=str(ARTIFACTS / f"studio-late-{name}.png"))


@pytest.mark.parametrize("frontend", FRONT_ENDS)
def test_studio_displayed_after_work_in_jupyterlab_and_notebook7(
    notebook, frontend: str, worked: Path
) -> None:
    code = work_code(worked) + "studio"
    with notebook("late.ipynb", [code], size=(1280, 1000), frontend=frontend) as nb:
        check_current(nb.page, worked, frontend)
        nb.page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        nb.page.reload()
        check_current(nb.page, worked, f"{frontend}-reloaded")


@pytest.mark.parametrize("server", ["voila", "marimo"])
def test_studio_displayed_after_work_in_voila_and_marimo(
    request: pytest.FixtureRequest, server: str, worked: Path, page: Page
) -> None:
    page.goto(request.getfixturevalue(server).page(work_code(worked)))
    check_current(page, worked, server)


def test_studio_displayed_after_work_in_marimo_after_a_reload(
    tmp_path: Path, worked: Path, page: Page
) -> None:
    """In `marimo edit` a reload rejoins the kernel, which sends the studio's state of now
    (had it run the work again, the page would show four poses)."""
    with fe.marimo_server(tmp_path / "marimo", mode="edit") as server:
        page.goto(server.page(work_code(worked)))
        check_current(page, worked, "marimo-edit")
        page.reload()
        check_current(page, worked, "marimo-edit-reloaded")
