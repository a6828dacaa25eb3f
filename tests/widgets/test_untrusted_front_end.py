"""The browser cannot break the concepts: it sets only the traits meant for it, every message
is checked before it acts, and a junk pose name costs nothing. Each refusal is an error in
words on the widget, never an exception in the kernel."""

from __future__ import annotations

import logging

import pytest

from masko_widgets import MascotStudio, PoseGrid, PreviewPanel, ReferenceGallery
from masko_widgets.client._inputs import MAX_NAME_CHARS
from tests.widgets.wire import front_end_event, front_end_update

WRITABLE = {
    PoseGrid: {"selected_item_id"},
    PreviewPanel: {"prompt", "compare"},
    ReferenceGallery: {"trial_prompt"},
    MascotStudio: set(),
}
"""The traits a view may set; every other synced trait is Python's alone."""


@pytest.fixture
def posed(client, collection, reference, generate):
    """A collection with one reference and one pose: (collection, job)."""
    client.references.add(collection, reference())
    (job,) = generate(collection, "wave")
    return collection, job


@pytest.fixture
def widgets(client, posed) -> dict[type, object]:
    collection, _ = posed
    return {kind: kind(client, collection) for kind in WRITABLE}


@pytest.fixture(autouse=True)
def no_callback_exceptions(caplog):
    """ipywidgets logs (and hides) an exception raised while it handles a message (callback
    or widget method): none may be."""
    with caplog.at_level(logging.WARNING):
        yield
    hidden = [record for record in caplog.records if "Exception in " in record.message]
    assert hidden == []


def updates_sent(wire, widget, mark: int) -> list[dict]:
    return [
        sent.data["state"]
        for sent in wire.since(mark)
        if sent.comm_id == widget.model_id and sent.data.get("method") == "update"
    ]


def test_the_view_cannot_move_the_source_to_a_transparent_image(client, posed, wire):
    _, job = posed
    grid = PoseGrid(client, posed[0])
    mark = wire.mark()

    front_end_update(grid, {"source_image_asset_id": job.asset_ids["transparent_image"]})

    assert grid.source_image_asset_id is None
    assert "source_image_asset_id" in grid.error and "only Python" in grid.error
    assert {"source_image_asset_id": None} in updates_sent(wire, grid, mark)  # view corrected


def test_the_view_sets_only_the_traits_meant_for_it(widgets):
    for kind, widget in widgets.items():
        writable = set(widget.trait_names(sync=True, from_front_end=True))
        assert writable == WRITABLE[kind], kind.__name__
        for name in sorted(set(widget.keys) - writable):
            before = getattr(widget, name)
            front_end_update(widget, {name: "IPY_MODEL_junk"})
            assert f"change {name}, which only Python sets" in widget.error, kind.__name__
            if name != "error":  # the error now says why
                assert getattr(widget, name) is before, f"{kind.__name__}.{name}"


def test_a_part_of_the_studio_refuses_through_the_studio(client, posed, wire):
    _, job = posed
    studio = MascotStudio(client, posed[0])
    mark = wire.mark()

    front_end_update(studio, {"grid.source_image_asset_id": job.asset_ids["transparent_image"]})

    assert studio.grid.source_image_asset_id is None
    assert "only Python" in studio.grid.error
    assert {"grid.source_image_asset_id": None} in updates_sent(wire, studio, mark)


def test_a_value_a_trait_cannot_hold_is_put_back(client, posed, wire):
    preview = PreviewPanel(client, posed[0])
    grid = PoseGrid(client, posed[0])
    mark = wire.mark()

    front_end_update(preview, {"compare": "yes", "prompt": ["a"]})
    front_end_update(grid, {"selected_item_id": "not-a-pose"})

    assert (preview.compare, preview.prompt) == (False, "")
    assert "does not fit" in preview.error and "put back" in preview.error
    assert {"compare": False, "prompt": ""} in updates_sent(wire, preview, mark)
    assert grid.selected_item_id is None and "No pose with item id" in grid.error


BAD_MESSAGES = [
    (PoseGrid, {"event": "animate", "prompt": "waves", "duration": [1]}, "duration"),
    (PoseGrid, {"event": "animate", "prompt": ["waves"]}, "prompt must be text"),
    (PoseGrid, {"event": "animate", "prompt": "waves", "duration": 99}, "from 1 to 15"),
    (PoseGrid, {"event": "animate", "prompt": "waves", "loop": "no"}, "true or false"),
    (PoseGrid, {"event": "generate", "actions": "wave"}, "actions must be a list"),
    (PoseGrid, {"event": "edit", "instructions": ["add a hat"]}, "instructions must be text"),
    (PoseGrid, {"event": "edit", "instructions": "x" * 5000}, "characters long"),
    (PoseGrid, {"event": "thumbnails", "ids": "all"}, "ids must be a list"),
    (PoseGrid, {"event": "thumbnails", "ids": [["x"]]}, "entry 1"),
    (PreviewPanel, {"event": "keep", "index": "y"}, "index must be a whole number"),
    (PreviewPanel, {"event": "keep", "index": 0, "set": "1"}, "set must be"),
    (PreviewPanel, {"event": "remove_hint", "id": {}}, "id must be text"),
    (PreviewPanel, {"event": "add_hint_url", "url": ["http://x"]}, "url must be text"),
    (PreviewPanel, {"event": "preview", "prompt": 5}, "prompt must be text"),
    (ReferenceGallery, {"event": "pin", "replace": 5}, "replace must be a list"),
    (ReferenceGallery, {"event": "pin", "replace": [5]}, "entry 1: must be text"),
    (ReferenceGallery, {"event": "remove", "asset_id": None}, "asset_id must be text"),
    (ReferenceGallery, {"event": "add_file", "name": "cat.png"}, "0 file(s) instead of 1"),
    (ReferenceGallery, {"event": "add_asset", "asset_id": "x" * 500}, "at most 128"),
    (ReferenceGallery, {"event": "try", "prompt": {"a": 1}}, "prompt must be text"),
    (ReferenceGallery, {"event": "cancel", "task": 5}, "task must be text"),
    (ReferenceGallery, {"event": "no-such-event"}, "does not know"),
    (ReferenceGallery, ["not", "an", "object"], "where a message belongs"),
    (MascotStudio, {"part": "nowhere", "content": {}}, "part must be one"),
    (MascotStudio, {"part": "grid", "content": 5}, "content must be an object"),
    (MascotStudio, {"event": 5}, "does not know"),
]


def test_a_malformed_message_is_refused_in_words(widgets, client, standin):
    for kind, content, words in BAD_MESSAGES:
        widget = widgets[kind]
        widget.error = ""
        before = widget.get_state()
        charged = len(standin.ledger())

        front_end_event(widget, content)

        assert words in widget.error, (kind.__name__, content, widget.error)
        assert widget.error[0].isupper() and widget.error.endswith(".")
        state = widget.get_state()
        assert {k: v for k, v in state.items() if k != "error"} == {
            k: v for k, v in before.items() if k != "error"
        }, content
        assert len(standin.ledger()) == charged
        assert getattr(widget, "tasks", []) == []


def test_a_malformed_message_to_a_part_shows_in_that_part(client, posed):
    studio = MascotStudio(client, posed[0])
    ask = {"event": "animate", "prompt": "waves", "duration": [1]}
    front_end_event(studio, {"part": "grid", "content": ask})
    assert "duration must be a whole number" in studio.grid.error
    assert studio.error == ""

    # A part's state travels in the studio's own updates: the studio reads them first.
    lost = {"method": "update", "state": {"preview.prompt": "x"}, "buffer_paths": [["a", "b"]]}
    studio._handle_msg({"content": {"data": lost}, "buffers": [memoryview(b"x")]})
    assert "could not be read" in studio.error and studio.preview.prompt == ""


UNREADABLE = [
    ({"state": {"prompt": "x"}}, [], "method must be one of"),
    ({"method": "delete"}, [], "method must be one of"),
    ("update", [], "could not be read"),
    ({"method": "update", "state": {"prompt": "x"}, "buffer_paths": [["prompt"]]}, [], "1 buffer"),
    ({"method": "update", "state": {}, "buffer_paths": [["a", "b"]]}, [b"x"], "could not"),
    ({"method": "update", "state": {"p": [1]}, "buffer_paths": [["p", 4]]}, [b"x"], "nowhere"),
    ({"method": "update", "state": {}, "buffer_paths": "prompt"}, [], "must be a list"),
]


def test_an_unreadable_comm_message_is_said_not_raised(client, posed):
    preview = PreviewPanel(client, posed[0])
    for data, buffers, words in UNREADABLE:
        preview.error = ""
        preview._handle_msg({"content": {"data": data}, "buffers": buffers})
        assert words in preview.error, data
        assert preview.prompt == ""


JUNK_NAMES = [None, 5, {"name": "wave"}, "", "   ", "x" * (MAX_NAME_CHARS + 1), "two\nlines"]


def test_junk_pose_names_are_refused_before_any_request(client, posed, standin):
    collection, _ = posed
    grid = PoseGrid(client, collection)
    charged, items = len(standin.ledger()), len(client.items.list(collection))

    for name in JUNK_NAMES:
        grid.error = ""
        front_end_event(grid, {"event": "generate", "actions": ["jump", name]})
        assert "pose name" in grid.error and "entry 2" in grid.error, name
        assert grid.tasks == []

    assert len(standin.ledger()) == charged
    assert len(client.items.list(collection)) == items
    assert len(grid.poses) == 1
