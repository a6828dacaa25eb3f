"""Try before you pin, clicked in the studio in JupyterLab and Notebook 7: a candidate is
uploaded; with six references pinned, Try asks which one it would replace, then shows what
pinning would give beside the current references (nothing pinned), in two aligned columns with
short labelled scores; "Pin these in their place" pins with the same choice, and the Python
side and the server follow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser._axe import axe_violations
from tests.browser._lab import DARK_THEME, FRONT_ENDS, LIGHT_THEME, six_references_setup

pytestmark = pytest.mark.browser

SETUP = six_references_setup(8)

LINES = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}"""
"""How many lines an element's text takes."""
NARROW = range(640, 399, -40)
"""Page widths to try for a note that wraps onto more lines in one column than the other."""


@pytest.mark.parametrize("frontend", FRONT_ENDS)
def test_try_a_candidate_then_pin_it_in_place_of_a_reference(
    notebook, frontend: str, make_png, tmp_path: Path
) -> None:
    cells = [SETUP, "studio = MascotStudio(client, collection)\nstudio"]
    with notebook("trial.ipynb", cells, size=(1024, 2000), frontend=frontend) as nb:
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
        chooser = trial.locator(".masko-replace[data-action=try]")
        expect(chooser.locator("legend")).to_contain_text("choose 1 reference to replace")
        trial.get_by_label("Replace reference 2").check()
        nb.screenshot("trial-replace-light", trial.locator(".masko-trial-try"))
        trial.get_by_role("button", name="Try in their place").click()
        sides = trial.locator(".masko-trial-result .masko-trial-side")
        expect(sides).to_have_count(2, timeout=60_000)
        expect(sides.first.locator("h4")).to_have_text("If pinned")
        expect(sides.first.locator(".masko-set-prompt")).to_have_text(
            "5 current + 1 candidate (1 replaced)"
        )
        expect(sides.nth(1).locator(".masko-set-prompt")).to_have_text("6 references")
        expect(sides.first.locator(".masko-figures-row")).to_have_text(
            re.compile(r"^On-modelcurrent\d+candidates\d+$")
        )
        assert kernel.value("studio.gallery.trial['replace']") == [before[1]]
        scores = kernel.value("{k: v['scores'] for k, v in studio.gallery.trial['sides'].items()}")
        assert scores["candidates"]["candidates"] > scores["current"]["candidates"]
        check_columns_line_up(page, sides)
        nb.screenshot("trial-columns-narrow-light", trial.locator(".masko-trial-result"))
        page.set_viewport_size({"width": 1024, "height": 2000})
        assert kernel.value("list(client.references.list(collection).asset_ids)") == before
        assert axe_violations(page) == {}
        result = trial.locator(".masko-trial-result")
        for theme, name in (
            (LIGHT_THEME, "trial-columns-light"),
            (DARK_THEME, "trial-columns-dark"),
        ):
            nb.set_theme(theme)
            nb.screenshot(name, result)
        nb.set_theme(LIGHT_THEME)

        candidate = kernel.value("studio.gallery.trial_candidates[0]['asset_id']")
        trial.get_by_role("button", name="Pin these in their place").click()
        kernel.wait_for(f"{candidate!r} in studio.gallery.reference_asset_ids", timeout=30)
        expected = [*before[:1], *before[2:], candidate]
        assert kernel.value("list(client.references.list(collection).asset_ids)") == expected
        assert kernel.value("studio.grid.reference_asset_ids") == expected
        expect(page.locator(".masko-gallery .masko-slot.is-filled")).to_have_count(6)
        expect(page.locator(f".masko-slot[data-asset-id='{candidate}']")).to_be_visible()


def check_columns_line_up(page: Page, sides: Locator) -> None:
    """The two columns line up row by row (titles, notes, previews, scores), also when a
    narrow page wraps one column's note onto more lines than the other's."""
    for width in NARROW:  # the widest page where the notes wrap apart (front ends differ)
        page.set_viewport_size({"width": width, "height": 2000})
        lines = [sides.nth(n).locator(".masko-set-prompt").evaluate(LINES) for n in range(2)]
        if lines[0] > lines[1]:
            break
    assert lines[0] > lines[1], lines
    for part in ("h4", ".masko-set-prompt", ".masko-results", ".masko-figures-row"):
        tops = [sides.nth(n).locator(part).bounding_box()["y"] for n in range(2)]
        assert abs(tops[0] - tops[1]) < 1, (part, tops)
