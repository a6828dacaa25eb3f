"""ReferenceGallery through the real message path against the stand-in."""

from __future__ import annotations

import io

import pytest
import traitlets
from PIL import Image

from masko_widgets import ReferenceGallery, ReferenceLimitError
from masko_widgets.widgets._base import CARD_CACHED, CARD_CLEARED, CARD_NONE, CARD_PENDING
from masko_widgets.widgets._thumbnails import THUMBNAIL_SIZE
from tests.widgets.wire import front_end_event


def slot_pictures(gallery: ReferenceGallery) -> list[Image.Image]:
    return [Image.open(io.BytesIO(slot["thumbnail"])) for slot in gallery.slots]


def test_a_dropped_file_fills_a_slot_with_a_webp_thumbnail(client, collection, make_png, wire):
    gallery = ReferenceGallery(client, collection)
    assert (gallery.reference_asset_ids, gallery.style_card_status) == ([], CARD_NONE)

    mark = wire.mark()
    front_end_event(
        gallery,
        {"event": "add_file", "name": "hero.png", "mime": "image/png"},
        [make_png(size=(900, 700))],
    )
    gallery.wait(30)

    assert gallery.error == ""
    server = client.references.list(collection)
    assert gallery.reference_asset_ids == list(server.asset_ids) and len(server.asset_ids) == 1
    (picture,) = slot_pictures(gallery)
    assert picture.format == "WEBP" and max(picture.size) == THUMBNAIL_SIZE
    assert gallery.style_card_status == CARD_PENDING  # there never was a card to clear
    # the slot's thumbnail travelled as a binary buffer, never as text
    slot_updates = [sent for sent in wire.since(mark) if "slots" in sent.data.get("state", {})]
    assert slot_updates and all(sent.buffers for sent in slot_updates)
    assert gallery.slots[0]["thumbnail"] in slot_updates[-1].buffers


def test_seventh_reference_is_refused_and_nothing_changes(client, collection, reference):
    gallery = ReferenceGallery(client, collection)
    for _ in range(6):
        gallery.add(reference())
    before = (list(gallery.reference_asset_ids), list(gallery.slots))

    with pytest.raises(ReferenceLimitError):
        gallery.add(reference())

    assert "6" in gallery.error and "remove" in gallery.error.lower()
    assert (gallery.reference_asset_ids, gallery.slots) == before
    assert list(client.references.list(collection).asset_ids) == before[0]

    # the same through the front end: a URL add at six also leaves every slot as it was
    gallery.error = ""
    front_end_event(gallery, {"event": "add_url", "url": client.assets.get(reference()).url})
    gallery.wait(30)
    assert "6" in gallery.error
    assert (gallery.reference_asset_ids, gallery.slots) == before


def test_reference_ids_are_validated_at_six(client, collection):
    gallery = ReferenceGallery(client, collection)
    with pytest.raises(traitlets.TraitError, match="at most 6"):
        gallery.set_trait("reference_asset_ids", [f"id-{n}" for n in range(7)])
    with pytest.raises(traitlets.TraitError, match="read-only"):
        gallery.reference_asset_ids = []


@pytest.mark.parametrize(
    ("event", "words"),
    [
        ({"event": "add_file", "name": "notes.txt", "mime": "image/png"}, "image"),
        ({"event": "add_asset", "asset_id": "00000000-0000-4000-8000-000000000000"}, "no asset"),
    ],
)
def test_failed_add_leaves_slots_unchanged_and_says_why(
    client, collection, reference, event, words
):
    gallery = ReferenceGallery(client, collection)
    gallery.add(reference())
    before = (list(gallery.reference_asset_ids), list(gallery.slots), gallery.style_card_status)

    buffers = [b"this is not an image"] if event["event"] == "add_file" else []
    front_end_event(gallery, event, buffers)
    gallery.wait(30)

    assert words in gallery.error.lower()
    assert (gallery.reference_asset_ids, gallery.slots, gallery.style_card_status) == before
    assert list(client.references.list(collection).asset_ids) == before[0]


def test_remove_and_add_by_asset_id_clear_a_cached_style_card(
    client, collection, reference, generate
):
    first, second = reference(), reference((60, 140, 230))
    gallery = ReferenceGallery(client, collection)
    gallery.add(first)
    generate(collection, "wave")  # the first generation extracts the style card
    gallery.reload_collection()
    assert gallery.style_card_status == CARD_CACHED and gallery.style_card

    front_end_event(gallery, {"event": "add_asset", "asset_id": second})
    gallery.wait(30)
    assert gallery.reference_asset_ids == [first, second]
    assert (gallery.style_card, gallery.style_card_status) == (None, CARD_CLEARED)

    generate(collection, "jump")
    front_end_event(gallery, {"event": "refresh"})
    gallery.wait(30)
    assert gallery.style_card_status == CARD_CACHED

    front_end_event(gallery, {"event": "remove", "asset_id": first})
    gallery.wait(30)
    assert gallery.reference_asset_ids == [second]
    assert [slot["asset_id"] for slot in gallery.slots] == [second]
    assert gallery.style_card_status == CARD_CLEARED
    assert list(client.references.list(collection).asset_ids) == [second]


def test_gallery_needs_a_collection(client):
    with pytest.raises(TypeError, match="collection"):
        ReferenceGallery(client)


def test_try_then_pin_through_the_front_end_replacing_one_of_six(client, make_png, wire):
    colours = [(230, 90 + 10 * n, 40) for n in range(6)]
    full = client.collections.create("Six", references=[make_png(color=c) for c in colours])
    gallery = ReferenceGallery(client, full)
    before = list(gallery.reference_asset_ids)

    front_end_event(
        gallery,
        {"event": "add_candidate_file", "name": "blue.png", "mime": "image/png"},
        [make_png(color=(40, 90, 200))],
    )
    gallery.wait(30)
    (entry,) = gallery.trial_candidates
    assert entry["label"] == "blue.png" and Image.open(io.BytesIO(entry["thumbnail"])).width

    front_end_event(gallery, {"event": "try", "prompt": "waving"})  # seven would not fit
    gallery.wait(60)
    assert "replace" in gallery.error and gallery.trial == {}

    front_end_event(gallery, {"event": "try", "prompt": "waving", "replace": [before[0]]})
    gallery.wait(60)
    assert gallery.error == ""
    sides = gallery.trial["sides"]
    assert set(sides) == {"candidates", "current"} and gallery.trial["current"] == before
    assert all(side["previews"] and side["previews"][0]["thumbnail"] for side in sides.values())
    assert sides["candidates"]["scores"]["candidates"] > sides["current"]["scores"]["candidates"]
    assert gallery.trial["replace"] == [before[0]]
    # Nothing is pinned by trying.
    assert list(client.references.list(full).asset_ids) == before

    front_end_event(gallery, {"event": "pin"})  # six are pinned: which one to replace?
    gallery.wait(30)
    assert "replace" in gallery.error and list(client.references.list(full).asset_ids) == before

    front_end_event(gallery, {"event": "pin", "replace": [before[0]]})
    gallery.wait(30)
    assert gallery.error == ""
    after = list(client.references.list(full).asset_ids)
    assert after == [*before[1:], entry["asset_id"]] == gallery.reference_asset_ids
    assert [slot["asset_id"] for slot in gallery.slots] == after
    assert (gallery.trial_candidates, gallery.trial) == ([], {})


def test_a_candidate_that_is_not_an_image_is_refused_in_words(client, collection):
    gallery = ReferenceGallery(client, collection)
    with pytest.raises(ValueError):
        gallery.add_candidate(b"not an image")
    assert "PNG, JPEG, WebP or GIF" in gallery.error and gallery.trial_candidates == []


def test_a_card_seen_then_lost_reads_cleared_even_after_the_slots_emptied(
    client, collection, reference, generate
):
    first = reference()
    gallery = ReferenceGallery(client, collection)
    gallery.add(first)
    generate(collection, "wave")
    gallery.reload_collection()
    assert gallery.style_card_status == CARD_CACHED
    gallery.remove(first)
    assert gallery.style_card_status == CARD_NONE
    gallery.add(reference((60, 140, 230)))
    assert gallery.style_card_status == CARD_CLEARED
