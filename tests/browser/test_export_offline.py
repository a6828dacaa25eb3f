"""The static HTML export opens in Chromium with the network cut off and still renders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import anywidget
import ipywidgets as w
import pytest
import traitlets
from playwright.sync_api import Browser, Page, expect

from masko_widgets.export import export_html
from tests.browser._lab import ARTIFACTS

pytestmark = pytest.mark.browser


class Badge(anywidget.AnyWidget):
    """A minimal anywidget with a text trait and a binary trait, as the real widgets have."""

    _esm = """
    export default {
      render({ model, el }) {
        const bytes = new Uint8Array(model.get("payload").buffer);
        const badge = document.createElement("p");
        badge.className = "badge";
        badge.textContent = `${model.get("label")} / ${bytes.length} bytes`;
        el.append(badge);
      }
    };
    """
    label = traitlets.Unicode("").tag(sync=True)
    payload = traitlets.Bytes(b"").tag(sync=True)


@pytest.fixture
def offline_page(chromium: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page whose every non-file request is aborted; yields it and the blocked script URLs."""
    context = chromium.new_context(offline=True)
    context.set_default_timeout(20_000)
    blocked: list[str] = []

    def block(route) -> None:
        if route.request.resource_type == "script":
            blocked.append(route.request.url)
        route.abort()

    context.route("http*://**/*", block)
    try:
        yield context.new_page(), blocked
    finally:
        context.close()


def open_export(page: Page, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_selector(".masko-export-view *")


def test_export_refuses_widgets_that_are_not_anywidgets(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="IntSlider is not one"):
        export_html([Badge(label="fine"), w.IntSlider()], tmp_path / "plain.html")
    assert not (tmp_path / "plain.html").exists()


def test_anywidget_with_binary_trait_renders_offline(offline_page, tmp_path: Path) -> None:
    page, blocked = offline_page
    badges = [Badge(label="first", payload=bytes(5)), Badge(label="second", payload=bytes(300))]
    path = export_html(badges, tmp_path / "badges.html", title="Badges")
    open_export(page, path)
    page.wait_for_selector("text=second / 300 bytes")
    assert page.locator(".badge").all_inner_texts() == ["first / 5 bytes", "second / 300 bytes"]
    assert page.title() == "Badges"
    assert blocked == []


def test_bytes_held_by_two_widgets_are_saved_once(offline_page, tmp_path: Path) -> None:
    page, blocked = offline_page
    payload = os.urandom(30_000)  # incompressible, like a thumbnail or a video
    badges = [Badge(label="first", payload=payload), Badge(label="second", payload=payload)]
    path = export_html(badges, tmp_path / "twice.html")
    assert path.stat().st_size < 1.5 * len(payload) * 4 / 3  # base64 of one copy, and the rest
    open_export(page, path)
    page.wait_for_selector("text=second / 30000 bytes")
    assert page.locator(".badge").all_inner_texts() == [
        "first / 30000 bytes",
        "second / 30000 bytes",
    ]
    assert blocked == []


def test_state_text_cannot_break_out_of_the_page_script(offline_page, tmp_path: Path) -> None:
    page, _ = offline_page
    label = "</script><script>document.title='hijacked'</script><!--"
    path = export_html(Badge(label=label), tmp_path / "escape.html", title="Escaped")
    open_export(page, path)
    page.get_by_text(f"{label} / 0 bytes").wait_for()
    assert page.title() == "Escaped"


@pytest.mark.parametrize(
    "leaky",
    [
        pytest.param(lambda key: Badge(label=key), id="text"),
        pytest.param(lambda key: Badge(payload=b"\x89PNG " + key.encode() + b" \xff"), id="bytes"),
    ],
)
def test_export_refuses_state_holding_an_api_key(leaky, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="API key"):
        export_html(leaky("masko_" + "ab" * 32), tmp_path / "leak.html")
    assert not (tmp_path / "leak.html").exists()


def test_export_rejects_what_is_not_a_widget(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="widget"):
        export_html([], tmp_path / "empty.html")


def test_studio_export_renders_offline_with_its_images(
    offline_page, tmp_path: Path, standin, client, collection, make_png
) -> None:
    from masko_widgets import MascotStudio

    page, blocked = offline_page
    for color in ((240, 120, 40), (230, 100, 50)):
        client.references.add(collection, make_png(color))
    jobs = [client.generations.image(collection, name, name) for name in ("waving", "sitting")]
    for job in jobs:
        job.wait(timeout=60)
    studio = MascotStudio(client, collection)
    studio.grid.select(jobs[0].wait(timeout=60).item_id)
    studio.grid.animate("waves hello", duration=2).wait(timeout=120)
    path = export_html(studio, tmp_path / "studio.html", title="Studio")
    assert standin.api_key not in path.read_text(encoding="utf-8")

    open_export(page, path)
    tiles = page.locator(".masko-grid [role=option]")
    tiles.nth(1).wait_for()
    assert tiles.count() == 2
    assert page.locator(".masko-gallery .masko-slot.is-filled").count() == 2
    pictures = page.locator(".masko-grid img, .masko-gallery img")
    pictures.nth(3).wait_for()
    widths = pictures.evaluate_all(
        "(imgs) => Promise.all(imgs.map((img) => img.decode().then(() => img.naturalWidth)))"
    )
    assert len(widths) == 4 and min(widths) > 0
    tiles.nth(1).click()
    expect(tiles.nth(1)).to_have_attribute("aria-selected", "true")
    expect(tiles.nth(0)).to_have_attribute("aria-selected", "false")
    page.wait_for_function(
        "() => { const v = document.querySelector('.masko-video');"
        " return v && v.currentTime > 0 && !v.paused; }"
    )
    assert blocked == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "export-studio.png"), full_page=True)


def test_a_crowded_studio_export_scrolls_to_its_last_pose_offline(
    offline_page, tmp_path: Path, crowded: dict
) -> None:
    from masko_widgets import MascotStudio, MaskoClient

    page, blocked = offline_page
    with MaskoClient(api_key=crowded["key"], base_url=crowded["url"]) as client:
        path = export_html(MascotStudio(client, crowded["collection"]), tmp_path / "many.html")
    total = len(crowded["items"])
    open_export(page, path)
    poses = page.locator(".masko-grid .masko-poses")
    poses.locator("[role=option]").first.wait_for()
    poses.evaluate("(list) => { list.scrollTop = list.scrollHeight; }")
    last = poses.locator(f'[role=option][aria-posinset="{total}"]')
    last.wait_for()
    width = last.locator("img").evaluate("(img) => img.decode().then(() => img.naturalWidth)")
    assert width > 0  # its thumbnail was saved in the page: nothing is fetched
    last.click()
    expect(last).to_have_attribute("aria-selected", "true")
    assert poses.locator("[role=option]").count() < total  # the grid stays virtual
    assert blocked == []
