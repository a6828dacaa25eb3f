"""PreviewPanel through the real message path against the stand-in."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from masko_widgets import PreviewPanel
from masko_widgets._palette import dominant_palette
from masko_widgets.widgets._score import on_model_score
from tests.widgets.wire import front_end_event, front_end_update


def state_buffers(widget) -> list[bytes]:
    """Every bytes value anywhere in the widget's state (what a saved notebook would hold)."""
    found: list[bytes] = []

    def walk(value) -> None:
        if isinstance(value, (bytes, memoryview)):
            found.append(bytes(value))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(widget.get_state())
    return found


def test_hints_go_with_one_request_and_leave_the_state(client, collection, reference, make_png):
    pinned = reference()
    client.references.add(collection, pinned)
    panel = PreviewPanel(client, collection)
    hint_url = client.assets.get(reference((30, 160, 90))).url

    front_end_event(
        panel,
        {"event": "add_hint_file", "name": "style.png", "mime": "image/png"},
        [make_png(color=(120, 40, 200))],
    )
    front_end_event(panel, {"event": "add_hint_url", "url": hint_url})
    panel.wait(30)
    kinds = sorted(hint["kind"] for hint in panel.hints)
    assert kinds == ["file", "url"] and panel.error == ""
    (hint_thumbnail,) = [hint["thumbnail"] for hint in panel.hints if hint["kind"] == "file"]
    assert hint_thumbnail in state_buffers(panel)

    front_end_update(panel, {"prompt": "the mascot waving"})
    front_end_event(panel, {"event": "preview", "prompt": "the mascot waving"})
    panel.wait(60)

    assert panel.error == ""
    assert panel.hints == []
    assert hint_thumbnail not in state_buffers(panel)
    assert hint_url not in str(panel.get_state())
    (result,) = panel.result_sets
    assert (result["prompt"], result["hint_count"]) == ("the mascot waving", 2)
    pictures = [Image.open(io.BytesIO(tile["thumbnail"])) for tile in result["previews"]]
    assert pictures and all(picture.format == "WEBP" for picture in pictures)
    # hints are one-off: the collection's references did not change
    assert list(client.references.list(collection).asset_ids) == [pinned]


def test_a_failed_preview_keeps_the_hints_for_a_retry(client, collection, make_png):
    panel = PreviewPanel(client, collection)
    panel.add_hint(make_png())
    front_end_event(panel, {"event": "preview", "prompt": "   "})
    panel.wait(30)
    assert "write a prompt" in panel.error.lower()
    assert len(panel.hints) == 1 and panel.result_sets == []


def test_seven_hints_are_refused(client, make_png):
    panel = PreviewPanel(client)
    for _ in range(6):
        panel.add_hint(make_png())
    with pytest.raises(ValueError, match="at most 6"):
        panel.add_hint(make_png())
    assert len(panel.hints) == 6 and "at most 6" in panel.error


def test_compare_keeps_the_last_result_set(client):
    panel = PreviewPanel(client)
    panel.preview("sitting")
    panel.preview("jumping")
    assert [entry["prompt"] for entry in panel.result_sets] == ["jumping", "sitting"]
    panel.preview("running")
    assert [entry["prompt"] for entry in panel.result_sets] == ["running", "jumping"]
    front_end_update(panel, {"compare": True})
    assert panel.compare is True


def test_keep_this_makes_a_real_pose(client, collection):
    panel = PreviewPanel(client, collection)
    assert panel.can_keep
    panel.preview("the mascot cheering loudly with both arms up high")
    set_id = panel.result_sets[0]["id"]
    front_end_event(panel, {"event": "keep", "set": set_id, "index": 0})
    panel.wait(60)

    assert panel.error == ""
    (kept,) = panel.kept
    assert kept["name"] == "the mascot cheering loudly with both"
    (item,) = client.items.list(collection)
    assert (item.id, item.name, item.image_asset_id) == (
        kept["item_id"],
        kept["name"],
        kept["asset_id"],
    )


def test_keeping_needs_a_collection(client):
    panel = PreviewPanel(client)
    panel.preview("waving")
    assert panel.can_keep is False
    with pytest.raises(ValueError, match="needs a collection"):
        panel.keep(0)


ORANGE = [(240, 120, 40), (230, 100, 50), (250, 140, 30)]
BLUE = (40, 90, 200)


def _palette(client, asset_id):
    return dominant_palette(Image.open(io.BytesIO(client.assets.get(asset_id).read())))


def test_a_hinted_preview_is_kept_with_the_collections_look_or_with_its_hints_pinned(
    client, make_png
):
    orange = client.collections.create("Pip", references=[make_png(color=c) for c in ORANGE])
    before = list(client.references.list(orange).asset_ids)
    panel = PreviewPanel(client, orange)
    assert [p["asset_id"] for p in panel.reference_pictures] == before
    assert all(Image.open(io.BytesIO(p["thumbnail"])).width for p in panel.reference_pictures)
    hint = make_png(color=BLUE)
    panel.add_hint(hint, "blue.png")
    panel.preview("the mascot waving")
    (hinted,) = panel.result_sets
    assert hinted["hint_count"] == 1

    front_end_event(panel, {"event": "keep", "set": hinted["id"], "index": 0})
    panel.wait(60)
    assert panel.error == "" and panel.keeping == []
    (as_is,) = panel.kept
    assert (as_is["set"], as_is["index"], as_is["look"]) == (hinted["id"], 0, "collection")
    assert Image.open(io.BytesIO(as_is["thumbnail"])).width > 0  # shown beside the preview
    assert list(client.references.list(orange).asset_ids) == before  # the hint stayed one-off

    keep = {"event": "keep", "set": hinted["id"], "index": 0, "look": "hints pinned"}
    front_end_event(panel, keep)
    panel.wait(60)
    assert panel.error == "" and panel.keeping == []
    pinned = list(client.references.list(orange).asset_ids)
    assert pinned[:3] == before and len(pinned) == 4  # the hint, pinned
    assert panel.reference_asset_ids == pinned and len(panel.reference_pictures) == 4
    with_hint = panel.kept[1]
    assert with_hint["look"] == "hints pinned"
    blue = dominant_palette(Image.open(io.BytesIO(hint)))
    # The pose kept after pinning the hint takes the hint's colour; the other one does not.
    assert on_model_score(blue, _palette(client, with_hint["asset_id"])) > on_model_score(
        blue, _palette(client, as_is["asset_id"])
    )


def test_pinning_hints_into_a_full_collection_asks_which_reference_to_replace(client, make_png):
    colours = [(200, 40 * i, 40) for i in range(6)]
    full = client.collections.create("Six", references=[make_png(color=c) for c in colours])
    before = list(client.references.list(full).asset_ids)
    panel = PreviewPanel(client, full)
    panel.add_hint(make_png(color=BLUE))
    panel.preview("waving")
    set_id = panel.result_sets[0]["id"]

    keep = {"event": "keep", "set": set_id, "index": 0, "look": "hints pinned"}
    front_end_event(panel, keep)
    panel.wait(60)
    assert "replace" in panel.error and panel.kept == [] and panel.keeping == []
    assert list(client.references.list(full).asset_ids) == before
    assert list(client.items.list(full)) == []  # nothing generated

    front_end_event(panel, {**keep, "replace": [before[1]]})
    panel.wait(60)
    assert panel.error == ""
    after = list(client.references.list(full).asset_ids)
    assert after[:5] == [before[0], *before[2:]] and len(after) == 6
    assert panel.kept[0]["look"] == "hints pinned"


def test_only_a_hinted_preview_has_hints_to_pin(client, collection):
    panel = PreviewPanel(client, collection)
    panel.preview("waving")
    with pytest.raises(ValueError, match="no hints"):
        panel.keep(0, pin_hints=True)
    assert panel.keeping == []
