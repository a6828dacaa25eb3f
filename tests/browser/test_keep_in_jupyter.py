"""Keeping a hinted preview, clicked in the studio in JupyterLab and Notebook 7: the two honest
choices. "Keep with the collection's look" leaves the references alone and shows the kept pose
beside the preview; "Pin 1 hint, then keep" asks which of the six references the hint replaces
and pins it first. The Python side and the server follow."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser._axe import axe_violations
from tests.browser._lab import DARK_THEME, FRONT_ENDS, LIGHT_THEME, six_references_setup

pytestmark = pytest.mark.browser

SETUP = six_references_setup(12)


@pytest.mark.parametrize("frontend", FRONT_ENDS)
def test_keep_a_hinted_preview_with_the_collections_look_then_with_its_hint_pinned(
    notebook, frontend: str, make_png, tmp_path: Path
) -> None:
    cells = [SETUP, "studio = MascotStudio(client, collection)\nstudio"]
    with notebook("keep.ipynb", cells, size=(1280, 2000), frontend=frontend) as nb:
        kernel, page = nb.kernel, nb.page
        before = kernel.value("before")
        preview = page.locator(".masko-preview")
        blue = tmp_path / "blue.png"
        blue.write_bytes(make_png((40, 90, 200)))
        preview.locator(".masko-hint-file-input").set_input_files(blue)
        kernel.wait_for("len(studio.preview.hints) == 1", timeout=30)
        preview.get_by_label("Preview prompt").fill("the mascot waving")
        preview.get_by_role("button", name="Preview", exact=True).click()
        kernel.wait_for("len(studio.preview.result_sets) or studio.preview.error", timeout=60)
        assert kernel.value("studio.preview.error") == ""
        result = preview.locator(".masko-result").first
        expect(result.locator("figcaption").first).to_have_text("Preview, with hints")
        expect(result.get_by_role("button", name="Keep this", exact=True)).to_have_count(0)

        result.get_by_role("button", name="with the collection's look").click()
        kept = result.locator(".masko-result-figure.is-kept")
        expect(kept).to_have_count(1, timeout=60_000)
        expect(kept.locator("figcaption")).to_have_text("Kept, collection's look")
        expect(kept.locator("img")).to_have_js_property("complete", True)
        assert page.evaluate("(img) => img.naturalWidth", kept.locator("img").element_handle())
        assert kernel.value("studio.preview.kept[0]['look']") == "collection"
        assert kernel.value("list(client.references.list(collection).asset_ids)") == before
        assert axe_violations(page) == {}
        for theme, name in ((LIGHT_THEME, "keep-choices-light"), (DARK_THEME, "keep-choices-dark")):
            nb.set_theme(theme)
            nb.screenshot(name, preview)
        nb.set_theme(LIGHT_THEME)

        result.get_by_role("button", name="Pin the 1 hint of").click()
        chooser = result.locator(".masko-replace[data-action=keep]")
        expect(chooser.locator("legend")).to_contain_text("choose 1 reference to replace")
        expect(chooser.locator("img")).to_have_count(6)
        confirm = chooser.get_by_role("button", name="Pin in their place, then keep")
        expect(confirm).to_be_disabled()
        chooser.get_by_label("Replace reference 1").check()
        nb.screenshot("keep-replace-light", result)
        confirm.click()
        expect(kept).to_have_count(2, timeout=60_000)
        expect(kept.nth(1).locator("figcaption")).to_have_text("Kept, hints pinned")
        pinned = kernel.value("list(client.references.list(collection).asset_ids)")
        assert pinned[:5] == before[1:] and len(pinned) == 6
        assert kernel.value("studio.gallery.reference_asset_ids") == pinned
        expect(page.locator(f".masko-slot[data-asset-id='{pinned[5]}']")).to_be_visible()
        assert kernel.value("[k['look'] for k in studio.preview.kept]") == [
            "collection",
            "hints pinned",
        ]
