"""Enter submits in every text field of the studio, and images by URL on the offline stand-in,
in JupyterLab (where Enter used to do nothing), Notebook 7, Voila and marimo: each Enter reaches
Python, checked on the stand-in or by what Python sent back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from masko_widgets import MaskoClient
from tests.browser import _frontends as fe
from tests.browser._frontends import WAIT
from tests.browser._lab import ARTIFACTS, FRONT_ENDS
from tests.conftest import draw_character

pytestmark = pytest.mark.browser


@pytest.fixture
def small(standin, tmp_path: Path) -> dict:
    """A collection with one reference and one pose, in a workspace of its own; the probe
    folder that tells a kernel's studio where it is."""
    key = standin.new_workspace_key(credits=1000)
    with MaskoClient(api_key=key, base_url=standin.url) as client:
        collection = client.collections.create("Enter mascot")
        client.references.add(collection, client.uploads.create(draw_character()))
        client.generations.image(collection, "waving", "waving").wait(timeout=60)
    probe = tmp_path / "probe"
    fe.write_probe(probe, standin.url, key, collection.id)
    return {"url": standin.url, "key": key, "collection": collection.id, "probe": probe}


def pose_names(small: dict) -> set[str]:
    with MaskoClient(api_key=small["key"], base_url=small["url"]) as client:
        return {item.name for item in client.items.list(small["collection"])}


def wait_for_pose(small: dict, name: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while name not in pose_names(small):
        assert time.monotonic() < deadline, f"no pose {name!r} after {timeout} s"
        time.sleep(0.2)


def enter(page: Page, selector: str, text: str) -> None:
    field = page.locator(selector)
    field.fill(text)
    field.press("Enter")


def check_urls_and_enter(page: Page, small: dict, name: str) -> None:
    gallery, grid = page.locator(".masko-gallery"), page.locator(".masko-grid")
    adders = page.get_by_role("group", name="Add references")
    expect(gallery.locator(".masko-slot.is-filled")).to_have_count(1, timeout=WAIT)

    # On the stand-in, the URL boxes give way to the reason and an upload.
    for part in (adders, page.locator(".masko-hints")):
        expect(part.locator(".masko-url-note")).to_contain_text("needs the real Masko API")
    expect(page.locator(".masko-url-input, .masko-hint-url-input")).to_have_count(0)
    with page.expect_file_chooser() as chooser:
        adders.locator(".masko-url-note button").click()
    chooser.value.set_files(
        {"name": "blue.png", "mimeType": "image/png", "buffer": draw_character((40, 90, 200))}
    )
    expect(gallery.locator(".masko-slot.is-filled")).to_have_count(2, timeout=WAIT)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    gallery.screenshot(path=str(ARTIFACTS / f"urls-offline-{name}.png"))

    # Enter in every text field presses its button.
    asset = adders.get_by_label("Existing asset id")
    asset.fill("no-such-asset")
    asset.press("Enter")
    expect(gallery.locator(".masko-status .masko-error")).to_contain_text("no-such-asset")
    enter(page, ".masko-own-pose", "jumping")
    wait_for_pose(small, "jumping")
    enter(page, ".masko-prompt", "the mascot waving")
    expect(page.locator(".masko-prompt")).to_have_value("the mascot waving")  # no new line
    expect(page.locator(".masko-result img").first).to_be_visible(timeout=WAIT)
    grid.locator("[role=option]").first.click()
    enter(page, ".masko-animate-prompt", "waves hello")
    expect(grid.locator("video")).to_have_count(1, timeout=WAIT)


@pytest.mark.parametrize("frontend", FRONT_ENDS)
def test_enter_and_urls_in_jupyterlab_and_notebook7(notebook, frontend: str, small: dict) -> None:
    code = fe.studio_code(small["probe"]) + "studio"
    with notebook("enter.ipynb", [code], size=(1280, 1400), frontend=frontend) as nb:
        check_urls_and_enter(nb.page, small, frontend)
        assert nb.kernel.value("studio.preview.result_sets[0]['prompt']") == "the mascot waving"


@pytest.mark.parametrize("server", ["voila", "marimo"])
def test_enter_and_urls_in_voila_and_marimo(
    request: pytest.FixtureRequest, server: str, small: dict, page: Page
) -> None:
    page.goto(request.getfixturevalue(server).page(fe.studio_code(small["probe"])))
    check_urls_and_enter(page, small, server)
