"""A committed teaching notebook, turned into HTML by `jupyter nbconvert` and opened in Chromium
with no kernel and no network, shows the studio's still picture: it decodes, it is not empty,
and it shows the poses with the selected one marked."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, expect

from masko_widgets.widgets._picture import ACCENT
from tests.browser._frontends import WAIT
from tests.browser._lab import ARTIFACTS
from tests.notebooks._outputs import NOTEBOOKS, committed_text

pytestmark = pytest.mark.browser


def accent_pixels(image: Image.Image) -> int:
    colours = image.convert("RGB").getcolors(maxcolors=image.width * image.height) or []
    return sum(count for count, colour in colours if colour == ACCENT)


def test_nbconvert_html_of_the_quickstart_shows_the_studio_picture(
    tmp_path: Path, chromium: Browser
) -> None:
    notebook = tmp_path / "quickstart.ipynb"
    notebook.write_text(committed_text(NOTEBOOKS / "01_quickstart.ipynb"), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(notebook)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    page_file = tmp_path / "quickstart.html"

    context = chromium.new_context(offline=True, viewport={"width": 1280, "height": 1000})
    context.route("http*://**/*", lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        picture = page.locator("figure.masko-still img")
        expect(picture).to_have_count(1, timeout=WAIT)
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
        )
        alt = picture.get_attribute("alt") or ""
        assert "Mascot studio of Pip" in alt and "1 pose" in alt and "selected: waving" in alt
        src = picture.get_attribute("src") or ""
        image = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
        image.load()
        assert image.width >= 900 and image.height >= 400
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or ()) > 20
        assert accent_pixels(image) > 100  # the selected pose is marked
        picture.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        picture.screenshot(path=str(ARTIFACTS / "nbconvert-quickstart-studio.png"))
    finally:
        context.close()
