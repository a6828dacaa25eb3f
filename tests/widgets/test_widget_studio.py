"""MascotStudio keeps its three parts in sync; no widget state ever holds the API key."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from masko_widgets import MascotStudio, PreviewPanel, _connect
from masko_widgets.widgets import studio as studio_module
from masko_widgets.widgets._base import CARD_CACHED, CARD_CLEARED
from tests.widgets.wire import all_widgets, front_end_event, front_end_update


def test_a_reference_change_updates_the_style_card_everywhere(
    client, collection, reference, generate
):
    client.references.add(collection, reference())
    generate(collection, "wave")
    studio = MascotStudio(client, collection)
    parts = studio.named_parts.values()
    assert {part.style_card_status for part in parts} == {CARD_CACHED}
    score_before = studio.grid.poses[0].score

    front_end_event(studio.gallery, {"event": "add_asset", "asset_id": reference((40, 90, 230))})
    studio.gallery.wait(30)

    assert {part.style_card_status for part in parts} == {CARD_CLEARED}
    assert {part.style_card for part in parts} == {None}
    assert {len(part.reference_asset_ids) for part in parts} == {2}
    assert studio.style_card_status == CARD_CLEARED
    assert studio.grid.poses[0].score < score_before  # rescored against both references

    studio.grid.generate(["jump"]).wait(60)
    assert {part.style_card_status for part in parts} == {CARD_CACHED}
    assert len({part.style_card for part in parts}) == 1 and studio.gallery.style_card


def test_the_studio_is_one_model_and_routes_its_parts_messages(
    client, collection, reference, generate, wire
):
    client.references.add(collection, reference())
    jobs = generate(collection, "wave", "sit")
    mark = wire.mark()
    studio = MascotStudio(client, collection)

    opened = [sent for sent in wire.since(mark) if sent.kind == "comm_open"]
    models = {sent.data["state"]["_model_name"] for sent in opened}
    assert models == {"AnyModel", "LayoutModel"}  # the studio and its layout, no children
    (state,) = [sent.data["state"] for sent in opened if sent.data["state"].get("parts")]
    assert state["parts"] == ["gallery", "preview", "grid"]
    parts = {key: value for key, value in state.items() if "." in key}
    assert "IPY_MODEL_" not in json.dumps(parts)  # no child models, in marimo too
    assert [row[0] for row in state["grid.pose_list"]] == [j.item_id for j in jobs]
    assert len(state["gallery.slots"]) == 1

    # A click in the grid view: the facade sets the studio's key of the grid's trait.
    mark = wire.mark()
    front_end_update(studio, {"grid.selected_item_id": jobs[1].item_id})
    assert studio.grid.selected_item_id == jobs[1].item_id
    assert studio.grid.source_image_asset_id == jobs[1].asset_ids["image"]
    updates = [
        sent.data
        for sent in wire.since(mark)
        if sent.comm_id == studio.model_id and sent.data["method"] in ("update", "echo_update")
    ]
    echo = {"grid.selected_item_id": jobs[1].item_id}
    assert {"method": "echo_update", "state": echo, "buffer_paths": []} in updates
    source = {"grid.source_image_asset_id": jobs[1].asset_ids["image"]}
    assert {"method": "update", "state": source, "buffer_paths": []} in updates
    # A trait the view may not set is refused by its part, said in the part's view.
    front_end_update(studio, {"grid.pose_list": []})
    assert len(studio.grid.poses) == 2 and "only Python sets" in studio.grid.error

    # The grid view asks for a thumbnail: the answer comes through the studio, tagged grid.
    ask = {"event": "thumbnails", "ids": [jobs[0].item_id]}
    front_end_event(studio, {"part": "grid", "content": ask})
    studio.grid._cache.get(client, jobs[0].asset_ids["image"])

    def pictures():
        return [
            sent
            for sent in wire.since(mark)
            if sent.comm_id == studio.model_id
            and sent.data.get("content", {}).get("data", {}).get("content", {}).get("event")
            == "thumbnails"
        ]

    (picture,) = wire.wait_for(pictures, timeout=10)
    assert picture.data["content"]["part"] == "grid" and len(picture.buffers) == 1


def test_a_kept_preview_appears_in_the_grid(client, collection):
    studio = MascotStudio(client, collection)
    assert studio.grid.poses == ()
    credits_before = studio.credits

    studio.preview.preview("the mascot on a skateboard")
    studio.preview.keep(0).wait(60)
    studio.wait(60)

    (pose,) = studio.grid.poses
    assert pose.item_id == studio.preview.kept[0]["item_id"]
    assert pose.name == "the mascot on a skateboard"
    assert studio.credits == credits_before - 1


def test_no_widget_state_holds_the_api_key(
    standin, client, collection, reference, generate, monkeypatch
):
    key = standin.api_key
    client.references.add(collection, reference())
    generate(collection, "wave")
    studio = MascotStudio(client, collection)
    monkeypatch.delenv("MASKO_API_KEY", raising=False)
    standalone = PreviewPanel()  # no client: connect() starts a stand-in with its own key
    standalone.preview("waving")
    studio.preview.preview("waving")
    studio.grid.select(studio.grid.poses[0].item_id)
    studio.grid.animate("waves", duration=1).wait(60)
    front_end_event(studio.gallery, {"event": "add_url", "url": "http://127.0.0.1:9/x.png"})
    studio.wait(30)
    assert studio.gallery.error  # an error state is in the state too

    secrets = {key, key.removeprefix("masko_"), _connect._server.api_key}
    for widget in all_widgets([studio, standalone]):
        state = widget.get_state()
        text = json.dumps(state, default=lambda value: bytes(value).hex())
        raw = b"".join(bytes(value) for value in _bytes_in(state))
        for secret in secrets:
            assert secret not in text and secret.encode() not in raw, widget
        assert key not in repr(widget)
        assert not re.search(r"0x[0-9a-f]{6,}", repr(widget)), repr(widget)


def _bytes_in(value):
    if isinstance(value, (bytes, memoryview)):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _bytes_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _bytes_in(item)


def test_reprs_are_stable(client, collection, reference):
    client.references.add(collection, reference())
    studio = MascotStudio(client, collection)
    assert repr(studio) == "MascotStudio(collection='test mascot', references=1 of 6, poses=0)"
    assert repr(studio.gallery) == "ReferenceGallery(collection='test mascot', references=1 of 6)"
    assert repr(studio.preview) == (
        "PreviewPanel(collection='test mascot', hints=0 of 6, result_sets=0)"
    )
    assert repr(studio.grid) == "PoseGrid(collection='test mascot', poses=0)"


def test_the_studio_model_state_is_current_after_later_work(client, collection, reference, wire):
    """What a front end that displays the studio late (or reloads) reads: the model's state
    follows every later change of the parts, bytes included, not just the first state."""
    client.references.add(collection, reference())
    studio = MascotStudio(client, collection)
    studio.grid.generate(["wave", "sit"]).wait(60)
    studio.grid.select(studio.grid.poses[0].item_id)
    studio.grid.animate("waves", duration=2).wait(60)

    state = studio.get_state()
    assert [row[0] for row in state["grid.pose_list"]] == [p.item_id for p in studio.grid.poses]
    assert state["grid.selected_item_id"] == studio.grid.poses[0].item_id
    assert state["grid.animation"]["data"] == studio.grid.animation["data"] != b""
    assert studio.get_state("grid.tasks") == {"grid.tasks": []}

    # What the kernel sent after the comm opened replays to the same state (as marimo's
    # session replays the open message and the updates, and never the custom messages).
    replayed: dict = {}
    for sent in wire.sent:
        if sent.comm_id == studio.model_id and sent.data.get("method", "open") in (
            "update",
            "open",
        ):
            found = dict(sent.data["state"])
            for path, buffer in zip(sent.data.get("buffer_paths", []), sent.buffers, strict=True):
                target = found
                for key in path[:-1]:
                    target = target[key]
                target[path[-1]] = buffer
            replayed.update(found)
    for key in ("grid.pose_list", "grid.selected_item_id", "grid.animation", "gallery.slots"):
        assert replayed[key] == state[key], key


def test_refresh_all_is_a_task_of_the_studio_with_its_progress(client, collection, generate):
    studio = MascotStudio(client, collection)
    seen: list[list[str]] = []
    studio.observe(lambda change: seen.append([t["label"] for t in change["new"]]), "tasks")
    generate(collection, "wave")  # made elsewhere: only a refresh shows it
    assert studio.grid.poses == ()

    front_end_event(studio, {"event": "refresh"})
    studio.wait(60)

    assert ["Refreshing all"] in seen and studio.tasks == []  # shown while it ran, then gone
    assert [pose.name for pose in studio.grid.poses] == ["wave"]
    assert studio.credits == client.credits() and studio.error == ""


def test_the_studio_uses_its_parts_through_the_hosted_part_interface():
    """Every call the studio makes on a part is a public one (HostedPart), none private."""
    tree = ast.parse(Path(studio_module.__file__).read_text())
    parts = {"gallery", "preview", "grid", "part", "source"}
    private = [
        f"{node.value.attr if isinstance(node.value, ast.Attribute) else node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and (
            (isinstance(node.value, ast.Name) and node.value.id in parts)
            or (isinstance(node.value, ast.Attribute) and node.value.attr in parts)
        )
    ]
    assert private == []
