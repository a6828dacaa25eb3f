"""MascotStudio: the reference gallery, the preview panel and the pose grid, kept in sync.

The studio is one widget model: its parts open no comm of their own. Their state travels in
the studio's `parts` trait, their later changes and events as the studio's custom messages
tagged with the part's name, and the studio's front end draws the three views in one element.
So it renders wherever anywidget does (JupyterLab, Notebook 7, Voila, VS Code, marimo).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

import anywidget
import traitlets as t

from masko_widgets import client as api
from masko_widgets._contract import MAX_REFERENCES
from masko_widgets.widgets._base import (
    CollectionWidget,
    MaskoWidget,
    PartLink,
    hosted,
    resolve_client,
    static_file,
)
from masko_widgets.widgets._errors import friendly_error
from masko_widgets.widgets._front_end import front_end_trait
from masko_widgets.widgets._messages import Choice, Many, Message, Object, on_event
from masko_widgets.widgets._model import ModelWidget
from masko_widgets.widgets._trial import Trial
from masko_widgets.widgets.gallery import ReferenceGallery
from masko_widgets.widgets.grid import PoseGrid
from masko_widgets.widgets.preview import PreviewPanel

_BASE_KEYS = frozenset(anywidget.AnyWidget.class_trait_names(sync=True)) | {
    "_esm",
    "_css",
    "_anywidget_id",
}


PART_NAMES = ("gallery", "preview", "grid")
PART_MESSAGE = Message(
    "part",
    {
        "part": Choice(options=PART_NAMES),
        "method": Choice(options=("update", "custom")),
        "state": Object(default=None),
        "content": Object(default=None),
        "buffer_paths": Many(default=()),
    },
    buffers=None,
)
"""A part's state update or custom message, tagged with the part's name (js/studio/facade.js)."""


def _part_state(part: MaskoWidget) -> dict[str, Any]:
    """The synced state of a hosted part, without the keys every anywidget has."""
    return part.get_state(key=[key for key in part.keys if key not in _BASE_KEYS])


def _parts_to_json(_value: Any, studio: MascotStudio) -> dict[str, Any]:
    return {name: _part_state(part) for name, part in studio.named_parts.items()}


class MascotStudio(ModelWidget):
    """The three widgets of one collection in one layout, kept in sync: a reference change
    updates the style card everywhere (and the grid's on-model scores), a kept preview
    appears in the grid, and a generation anywhere shows the re-extracted style card.

    The parts are `studio.gallery`, `studio.preview` and `studio.grid`; they show inside the
    studio (display a `PoseGrid` of its own for a grid alone).
    """

    _esm = front_end_trait(static_file("studio.js"))
    _css = front_end_trait(static_file("style.css"))

    collection_name: t.Unicode[str, str | bytes] = t.Unicode("").tag(sync=True)
    style_card_status: t.Unicode[str, str | bytes] = t.Unicode("").tag(sync=True)
    credits: t.Int[int | None, int | None] = t.Int(None, allow_none=True).tag(sync=True)
    error: t.Unicode[str, str | bytes] = t.Unicode(
        "", help="An error of the studio itself (e.g. Refresh all)."
    ).tag(sync=True)
    parts: t.Dict[str, Any] = t.Dict(
        read_only=True, help="Each part's state; its changes travel as custom messages."
    ).tag(sync=True, to_json=_parts_to_json)

    def __init__(
        self,
        client: api.MaskoClient | None = None,
        collection: api.Collection | str | None = None,
        **kwargs: Any,
    ) -> None:
        if collection is None:
            raise TypeError("MascotStudio needs a collection: a Collection or its id.")
        self._client = resolve_client(client)
        self._links = {name: PartLink(name) for name in PART_NAMES}
        with hosted(self._links["gallery"]):
            self.gallery: ReferenceGallery = ReferenceGallery(self._client, collection)
        with hosted(self._links["preview"]):
            self.preview: PreviewPanel = PreviewPanel(self._client, collection)
        with hosted(self._links["grid"]):
            self.grid: PoseGrid = PoseGrid(self._client, collection)
        kwargs.setdefault("collection_name", self.gallery.collection_name)
        kwargs.setdefault("style_card_status", self.gallery.style_card_status)
        super().__init__(**kwargs)
        for link in self._links.values():
            link.forward = self._forward
        self._refresh_credits()
        self._wire()

    def __repr__(self) -> str:
        return (
            f"MascotStudio({self.gallery._repr_fields()}, "
            f"references={len(self.gallery.reference_asset_ids)} of {MAX_REFERENCES}, "
            f"poses={len(self.grid.poses)})"
        )

    @property
    def named_parts(self) -> dict[str, CollectionWidget]:
        return {"gallery": self.gallery, "preview": self.preview, "grid": self.grid}

    @property
    def client(self) -> api.MaskoClient:
        """The client the studio and its parts talk through."""
        return self._client

    def refresh(self) -> None:
        """Fetch everything again: references, style card, poses, credits."""
        self.gallery.reload_collection()
        self.grid.refresh()
        self._refresh_credits()

    def try_references(
        self,
        candidates: Iterable[Any] | None = None,
        prompt: str | None = None,
        replace: Sequence[api.Asset | str] = (),
    ) -> Trial:
        """Try candidate references (images, URLs or assets) before pinning them: a preview
        with the current references plus the candidates (what pinning would give; `replace`
        names the references they take the place of when the six slots would overflow)
        beside one with the current references, and the on-model score of each against each
        set. Nothing is pinned; see `pin`."""
        return self.gallery.try_references(candidates, prompt, replace)

    def pin(self, replace: Sequence[api.Asset | str] = ()) -> tuple[str, ...]:
        """Make the tried candidates persistent references; `replace` names the current
        references they take the place of (needed when the 6 slots would overflow)."""
        return self.gallery.pin(replace)

    def wait(self, timeout: float | None = None) -> None:
        """Block until every part's running tasks have ended."""
        for part in self.named_parts.values():
            part.wait(timeout)

    def cancel(self) -> None:
        """Stop waiting for every running task of every part."""
        for part in self.named_parts.values():
            part.cancel()

    def close(self) -> None:
        """Close the studio and its parts (their running tasks stop waiting, poses still
        loading stop loading); a re-run cell's studio can then be freed."""
        for link in self._links.values():
            link.forward = None
        for part in self.named_parts.values():
            part.close()
        super().close()

    # --- one model for the front end -------------------------------------------------
    def _export_state(self) -> dict[str, Any]:
        """The parts' state with what they would ask the kernel for (see export_html)."""
        parts = _parts_to_json(None, self)
        parts["grid"].update(self.grid._export_state())
        return {"parts": parts}

    def _forward(self, name: str, data: dict[str, Any], buffers: list[Any]) -> None:
        """A part's message (state update or custom event) to the studio's front end."""
        self.send({"part": name, "data": data}, buffers)

    def _on_front_end_message(self, widget: Any, content: Any, buffers: list[Any]) -> None:
        """A part's message goes to the part (which checks its own fields and says what is
        wrong in its own view); the studio's own events are handled as every widget's."""
        if not (isinstance(content, dict) and "part" in content):
            super()._on_front_end_message(widget, content, buffers)
            return
        try:
            message = PART_MESSAGE.read(content, buffers)
        except ValueError as exc:
            self._fail(exc)
            return
        data = {"method": message["method"], "buffer_paths": list(message["buffer_paths"])}
        data["state" if message["method"] == "update" else "content"] = (
            message["state"] if message["method"] == "update" else message["content"]
        )
        self.named_parts[message["part"]]._handle_msg(
            {"content": {"data": data}, "buffers": buffers}
        )

    @on_event("refresh")
    def _on_refresh(self, _message: dict[str, Any], _buffers: list[Any]) -> None:
        threading.Thread(target=self._refresh_quietly, daemon=True).start()

    # --- keeping the parts in sync -------------------------------------------------
    def _wire(self) -> None:
        for part in self.named_parts.values():
            part.observe(self._share_references, names=["reference_asset_ids", "style_card"])
            part.observe(self._task_ended, names=["tasks"])
        self.preview.observe(self._show_kept, names=["kept"])

    def _share_references(self, change: dict[str, Any]) -> None:
        source: CollectionWidget = change["owner"]
        ids, card = list(source.reference_asset_ids), source.style_card
        for part in self.named_parts.values():
            if part is not source and (part.reference_asset_ids, part.style_card) != (ids, card):
                try:
                    part._set_references(ids, card)
                except Exception as exc:  # e.g. the grid could not fetch the new references
                    part.error = friendly_error(exc)
        self.style_card_status = source.style_card_status

    def _show_kept(self, _change: dict[str, Any]) -> None:
        self.grid._start(
            "Adding the kept pose",
            lambda _task: self.grid.refresh(),
            cancellable=False,
            kind="refresh",
        )

    def _task_ended(self, change: dict[str, Any]) -> None:
        if len(change["new"]) < len(change["old"]):
            self._refresh_credits()

    def _refresh_credits(self) -> None:
        try:
            self.credits = self._client.credits()
        except api.MaskoError:
            self.credits = None

    def _refresh_quietly(self) -> None:
        try:
            self.refresh()
            self.error = ""
        except Exception as exc:  # shown in the header, in words
            self.error = friendly_error(exc)
