"""Images by URL on the offline stand-in: the widgets say so before anything is sent, accept
the stand-in's own file URLs, and leave no hint behind that failed."""

from __future__ import annotations

import pytest

from masko_widgets import MaskoClient, PoseGrid, PreviewPanel, ReferenceGallery
from masko_widgets import client as api
from masko_widgets.widgets._uploads import URLS_OFFLINE
from tests.widgets.wire import front_end_event

WEB_IMAGE = "https://example.com/mascot.png"


def test_the_controls_say_urls_need_the_real_api_on_the_standin_only(client, collection):
    assert ReferenceGallery(client, collection).url_note == URLS_OFFLINE
    assert PreviewPanel(client).url_note == URLS_OFFLINE
    with MaskoClient(api_key="masko_test", base_url="https://api.masko.example") as real:
        assert PreviewPanel(real).url_note == ""


def test_a_web_url_is_refused_in_words_and_changes_nothing(client, collection, reference):
    gallery = ReferenceGallery(client, collection)
    front_end_event(gallery, {"event": "add_url", "url": WEB_IMAGE})
    gallery.wait(30)
    assert gallery.error == URLS_OFFLINE and gallery.reference_asset_ids == []
    own = client.assets.get(reference()).url  # the stand-in's own file: it takes that
    front_end_event(gallery, {"event": "add_url", "url": own})
    gallery.wait(30)
    assert gallery.error == "" and len(gallery.reference_asset_ids) == 1

    panel = PreviewPanel(client, collection)
    with pytest.raises(ValueError):
        panel.add_hint(WEB_IMAGE)
    assert panel.error == URLS_OFFLINE and panel.hints == []


def test_a_hint_the_browser_cannot_load_leaves_no_tile(client, collection, reference):
    panel = PreviewPanel(client, collection)
    url = client.assets.get(reference()).url
    front_end_event(panel, {"event": "add_hint_url", "url": url})
    (hint,) = panel.hints
    front_end_event(panel, {"event": "hint_failed", "id": hint["id"]})
    assert panel.hints == []
    assert panel.error.startswith(f"No image could be loaded from {url}")


def test_a_hint_the_server_refuses_leaves_the_preview_and_the_others_stay(
    client, collection, reference
):
    panel = PreviewPanel(client, collection)
    good = panel.add_hint(client.assets.get(reference()).url)
    missing = client.assets.get(reference()).url.rsplit("/", 1)[0] + "/" + "0" * 32 + ".png"
    panel.add_hint(missing)
    with pytest.raises(api.BadRequestError):
        panel.preview("the mascot waving")
    assert [hint["id"] for hint in panel.hints] == [good]
    assert panel.error == "A hint's URL: no file at this URL."
    assert "/v1/" not in panel.error and "`" not in panel.error


def test_the_next_action_clears_an_error_and_the_grids_own_requests_do_not(
    client, collection, generate
):
    panel = PreviewPanel(client, collection)
    front_end_event(panel, {"event": "add_hint_url", "url": WEB_IMAGE})
    assert panel.error == URLS_OFFLINE
    front_end_event(panel, {"event": "remove_hint", "id": "0" * 12})  # a later action
    assert panel.error == ""

    (job,) = generate(collection, "wave")
    grid = PoseGrid(client, collection)
    front_end_event(grid, {"event": "animate", "prompt": "waves"})  # nothing selected
    assert grid.error
    front_end_event(grid, {"event": "thumbnails", "ids": [job.item_id]})  # the view scrolled
    assert grid.error
