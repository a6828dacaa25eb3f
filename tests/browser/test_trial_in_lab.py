"""Try before you pin, clicked in the studio in JupyterLab: a candidate is uploaded and tried
beside the current references (nothing pinned), then "Pin these" asks which of the six
references to replace, and the Python side and the server follow."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser._axe import axe_violations

pytestmark = pytest.mark.browser

SETUP = (
    "from masko_widgets import connect, MascotStudio\n"
    "from PIL import Image, ImageDraw\n"
    "client = connect()\n"
    "def character(color):\n"
    "    image = Image.new('RGB', (160, 160), (245, 245, 240))\n"
    "    ImageDraw.Draw(image).ellipse((40, 24, 120, 144), fill=color, outline=(20, 20, 20),"
    " width=4)\n"
    "    return image\n"
    "oranges = [character((240, 100 + 8 * n, 40)) for n in range(6)]\n"
    "collection = client.collections.create('Pip', references=oranges)\n"
    "before = list(client.references.list(collection).asset_ids)"
)


def test_try_a_candidate_then_pin_it_in_place_of_a_reference(
    notebook, make_png, tmp_path: Path
) -> None:
    cells = [SETUP, "studio = MascotStudio(client, collection)\nstudio"]
    with notebook("trial.ipynb", cells, size=(1024, 2000)) as nb:
        kernel, page = nb.kernel, nb.page
        before = kernel.value("before")
        trial = page.locator(".masko-trial")
        trial.locator("summary").click()
        blue = tmp_path / "blue.png"
        blue.write_bytes(make_png((40, 90, 200)))
        trial.locator(".masko-candidate-file-input").set_input_files(blue)
        expect(trial.get_by_role("img", name="Candidate 1: blue.png")).to_be_visible()
        kernel.wait_for("len(studio.gallery.trial_candidates) == 1")

        trial.get_by_label("Trial prompt").fill("the mascot waving")
        trial.get_by_role("button", name="Try", exact=True).click()
        sides = trial.locator(".masko-trial-result .masko-result-set")
        expect(sides).to_have_count(2, timeout=60_000)
        expect(sides.first).to_contain_text("against the current references")
        scores = kernel.value("studio.gallery.trial['sides']['candidates']['scores']")
        assert scores["candidates"] > scores["current"]
        assert kernel.value("list(client.references.list(collection).asset_ids)") == before
        nb.screenshot("studio-trial", page.locator(".masko-studio"))

        candidate = kernel.value("studio.gallery.trial_candidates[0]['asset_id']")
        trial.get_by_role("button", name="Pin these").click()
        assert axe_violations(page) == {}  # the trial result and the chooser, too
        trial.get_by_label("Replace reference 2").check()
        trial.get_by_role("button", name="Pin and replace").click()
        kernel.wait_for(f"{candidate!r} in studio.gallery.reference_asset_ids", timeout=30)
        expected = [*before[:1], *before[2:], candidate]
        assert kernel.value("list(client.references.list(collection).asset_ids)") == expected
        assert kernel.value("studio.grid.reference_asset_ids") == expected
        expect(page.locator(".masko-gallery .masko-slot.is-filled")).to_have_count(6)
        expect(page.locator(f".masko-slot[data-asset-id='{candidate}']")).to_be_visible()
