"""The Masko widgets in JupyterLab and headless Chromium, on the offline stand-in.

Each test drives the real front end (Lab's widget manager, the bundled ES modules) and then
asserts on the Python side through a second kernel client.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser._lab import DARK_THEME, LIGHT_THEME

pytestmark = pytest.mark.browser

SETUP = (
    "from masko_widgets import connect, MascotStudio, PoseGrid, PreviewPanel, ReferenceGallery\n"
    "client = connect()\n"
    "collection = client.collections.create('Browser mascot')"
)
POSES = (
    "jobs = [client.generations.image(collection, name, name + ' pose')\n"
    "        for name in ('waving', 'sitting', 'jumping')]\n"
    "done = [job.wait(timeout=60) for job in jobs]"
)
REFERENCES = (
    "from PIL import Image, ImageDraw\n"
    "def character(color):\n"
    "    image = Image.new('RGB', (160, 160), (245, 245, 240))\n"
    "    outline = {'outline': (20, 20, 20), 'width': 4}\n"
    "    ImageDraw.Draw(image).ellipse((40, 24, 120, 144), fill=color, **outline)\n"
    "    return image\n"
    "for color in [(240, 120, 40), (230, 100, 50), (250, 140, 30), (220, 90, 60), (245, 130, 5)]:\n"
    "    client.references.add(collection, character(color))"
)


def test_pose_grid_click_and_keyboard_set_the_python_selection(notebook) -> None:
    with notebook("grid.ipynb", [SETUP, POSES, "grid = PoseGrid(client, collection)\ngrid"]) as nb:
        kernel, page = nb.kernel, nb.page
        jobs = kernel.value(
            "[{'item': j.item_id, 'image': j.asset_ids['image'],"
            " 'transparent': j.asset_ids['transparent_image']} for j in done]"
        )
        tiles = page.locator(".masko-grid [role=option]")
        expect(tiles).to_have_count(3)
        expect(page.locator(".masko-grid img").first).to_have_js_property("complete", True)

        page.locator(f"[role=option][data-item-id='{jobs[1]['item']}']").click()
        kernel.wait_for(f"grid.selected_item_id == {jobs[1]['item']!r}")
        source = kernel.value("grid.source_image_asset_id")
        assert source == jobs[1]["image"] != jobs[1]["transparent"]
        expect(tiles.nth(1)).to_have_attribute("aria-selected", "true")

        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        kernel.wait_for(f"grid.selected_item_id == {jobs[2]['item']!r}")
        assert kernel.value("grid.source_image_asset_id") == jobs[2]["image"]


def test_pose_grid_animates_the_selection_and_plays_it(notebook) -> None:
    cells = [SETUP, POSES, "grid = PoseGrid(client, collection)\ngrid"]
    with notebook("animate.ipynb", cells) as nb:
        kernel, page = nb.kernel, nb.page
        grid = page.locator(".masko-grid")
        grid.locator("[role=option]").first.click()
        kernel.wait_for("grid.source_image_asset_id")
        grid.get_by_label("Animation prompt").fill("waves hello")
        grid.get_by_label("Duration in seconds").fill("1")
        grid.get_by_role("button", name="Animate", exact=True).click()
        kernel.wait_for("bool(grid.animation)", timeout=60)
        assert kernel.value("grid.animation['item_id'] == grid.selected_item_id") is True
        video = grid.locator("video")
        page.wait_for_function(
            "(v) => v.readyState >= 2 && v.duration > 0", arg=video.element_handle()
        )
        page.wait_for_function("(v) => v.currentTime > 0", arg=video.element_handle())


def test_reference_gallery_takes_a_file_and_shows_the_limit_at_six(
    notebook, make_png, tmp_path: Path
) -> None:
    cells = [SETUP, REFERENCES, "gallery = ReferenceGallery(client, collection)\ngallery"]
    with notebook("gallery.ipynb", cells) as nb:
        kernel, page = nb.kernel, nb.page
        gallery = page.locator(".masko-gallery")
        expect(gallery.locator(".masko-slot.is-filled")).to_have_count(5)
        expect(gallery.locator(".masko-slot.is-empty")).to_have_count(1)
        limit = gallery.locator(".masko-limit")
        expect(limit).to_be_hidden()

        picture = tmp_path / "sixth.png"
        picture.write_bytes(make_png((200, 60, 160)))
        gallery.locator(".masko-file-input").set_input_files(picture)
        kernel.wait_for("len(gallery.reference_asset_ids) == 6")
        server_ids = kernel.value("list(client.references.list(collection).asset_ids)")
        assert kernel.value("gallery.reference_asset_ids") == server_ids

        expect(gallery.locator(".masko-slot.is-filled")).to_have_count(6)
        expect(limit).to_be_visible()
        expect(limit).to_contain_text("6")
        expect(gallery.get_by_role("button", name="Upload images…")).to_be_disabled()
        # on the stand-in, the upload offered instead of a URL
        expect(gallery.get_by_role("button", name="Upload the file…")).to_be_disabled()
        expect(gallery.locator(".masko-card-status")).to_have_text("Not made yet")


def test_preview_panel_previews_a_prompt_and_keeps_no_hint(notebook) -> None:
    cells = [SETUP, "panel = PreviewPanel(client, collection)\npanel"]
    with notebook("preview.ipynb", cells) as nb:
        kernel, page = nb.kernel, nb.page
        panel = page.locator(".masko-preview")
        panel.get_by_label("Preview prompt").fill("jumping for joy")
        panel.get_by_role("button", name="Preview", exact=True).click()
        kernel.wait_for("len(panel.result_sets) == 1", timeout=60)
        first = panel.locator(".masko-result img").first
        expect(first).to_have_js_property("complete", True)
        assert page.evaluate("(img) => img.naturalWidth", first.element_handle()) > 0
        assert kernel.value("panel.result_sets[0]['prompt']") == "jumping for joy"
        assert kernel.value("panel.hints") == []


def test_studio_in_light_and_dark_themes(notebook) -> None:
    cells = [SETUP, POSES, REFERENCES, "studio = MascotStudio(client, collection)\nstudio"]
    with notebook("studio.ipynb", cells, size=(1280, 2000)) as nb:
        page = nb.page
        for part in (".masko-studio-bar", ".masko-gallery", ".masko-preview", ".masko-grid"):
            expect(page.locator(part)).to_be_visible()
        expect(page.locator(".masko-grid [role=option]")).to_have_count(3)
        studio = page.locator(".jp-OutputArea-output").filter(has=page.locator(".masko-grid"))
        colours = {}
        for theme, name in ((LIGHT_THEME, "studio-light"), (DARK_THEME, "studio-dark")):
            nb.set_theme(theme)
            colours[theme] = page.evaluate(
                "() => getComputedStyle(document.querySelector('.masko-grid')).color"
            )
            nb.screenshot(name, studio)
        assert colours[LIGHT_THEME] != colours[DARK_THEME], json.dumps(colours)
