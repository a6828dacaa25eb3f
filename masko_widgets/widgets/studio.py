"""MascotStudio: the reference gallery, the preview panel and the pose grid, kept in sync."""

from __future__ import annotations

import threading
from typing import Any

import anywidget
import ipywidgets
import traitlets as t

from masko_widgets import client as api
from masko_widgets.widgets._base import (
    MAX_REFERENCES,
    CollectionWidget,
    resolve_client,
    static_file,
)
from masko_widgets.widgets._errors import friendly_error
from masko_widgets.widgets.gallery import ReferenceGallery
from masko_widgets.widgets.grid import PoseGrid
from masko_widgets.widgets.preview import PreviewPanel


class StudioBar(anywidget.AnyWidget):
    """The studio's header: the mascot's name, its style card state, credits, Refresh all."""

    _esm = static_file("studio.js")
    _css = static_file("style.css")

    collection_name = t.Unicode("").tag(sync=True)
    style_card_status = t.Unicode("").tag(sync=True)
    credits = t.Int(None, allow_none=True).tag(sync=True)
    error = t.Unicode("").tag(sync=True)

    def __repr__(self) -> str:
        return f"StudioBar(collection={self.collection_name!r})"


class MascotStudio(ipywidgets.VBox):
    """The three widgets of one collection in one layout, kept in sync: a reference change
    updates the style card everywhere (and the grid's on-model scores), a kept preview
    appears in the grid, and a generation anywhere shows the re-extracted style card.

    The parts are `studio.gallery`, `studio.preview` and `studio.grid`.
    """

    def __init__(
        self,
        client: api.MaskoClient | None = None,
        collection: api.Collection | str | None = None,
        **kwargs: Any,
    ) -> None:
        if collection is None:
            raise TypeError("MascotStudio needs a collection: a Collection or its id.")
        self._client = resolve_client(client)
        self.gallery = ReferenceGallery(self._client, collection)
        self.preview = PreviewPanel(self._client, collection)
        self.grid = PoseGrid(self._client, collection)
        self.bar = StudioBar(
            collection_name=self.gallery.collection_name,
            style_card_status=self.gallery.style_card_status,
        )
        self._refresh_credits()
        columns = ipywidgets.VBox(
            [self.gallery, self.preview], layout=ipywidgets.Layout(grid_gap="10px")
        )
        body = ipywidgets.GridBox(
            [columns, self.grid],
            layout=ipywidgets.Layout(
                grid_template_columns="repeat(auto-fit, minmax(340px, 1fr))", grid_gap="10px"
            ),
        )
        kwargs.setdefault("layout", ipywidgets.Layout(grid_gap="10px"))
        super().__init__(children=[self.bar, body], **kwargs)
        self._wire()

    def __repr__(self) -> str:
        return (
            f"MascotStudio({self.gallery._repr_fields()}, "
            f"references={len(self.gallery.reference_asset_ids)} of {MAX_REFERENCES}, "
            f"poses={len(self.grid.poses)})"
        )

    @property
    def parts(self) -> tuple[ReferenceGallery, PreviewPanel, PoseGrid]:
        return (self.gallery, self.preview, self.grid)

    @property
    def error(self) -> str:
        """The first error any part shows ("" when none)."""
        return next((part.error for part in self.parts if part.error), self.bar.error)

    def refresh(self) -> None:
        """Fetch everything again: references, style card, poses, credits."""
        self.gallery.reload_collection()
        self.grid.refresh()
        self._refresh_credits()

    def wait(self, timeout: float | None = None) -> None:
        """Block until every part's running tasks have ended."""
        for part in self.parts:
            part.wait(timeout)

    def cancel(self) -> None:
        """Stop waiting for every running task of every part."""
        for part in self.parts:
            part.cancel()

    def _wire(self) -> None:
        for part in self.parts:
            part.observe(self._share_references, names=["reference_asset_ids", "style_card"])
            part.observe(self._task_ended, names=["tasks"])
        self.preview.observe(self._show_kept, names=["kept"])
        self.bar.on_msg(self._on_bar_message)

    def _share_references(self, change: dict) -> None:
        source: CollectionWidget = change["owner"]
        ids, card = list(source.reference_asset_ids), source.style_card
        for part in self.parts:
            if part is not source and (part.reference_asset_ids, part.style_card) != (ids, card):
                try:
                    part._set_references(ids, card)
                except Exception as exc:  # e.g. the grid could not fetch the new references
                    part.error = friendly_error(exc)
        self.bar.style_card_status = source.style_card_status

    def _show_kept(self, _change: dict) -> None:
        self.grid._start(
            "Adding the kept pose",
            lambda _task: self.grid.refresh(),
            cancellable=False,
            kind="refresh",
        )

    def _task_ended(self, change: dict) -> None:
        if len(change["new"]) < len(change["old"]):
            self._refresh_credits()

    def _refresh_credits(self) -> None:
        try:
            self.bar.credits = self._client.credits()
        except api.MaskoError:
            self.bar.credits = None

    def _on_bar_message(self, _widget: Any, content: Any, _buffers: list) -> None:
        if isinstance(content, dict) and content.get("event") == "refresh":
            threading.Thread(target=self._refresh_quietly, daemon=True).start()

    def _refresh_quietly(self) -> None:
        try:
            self.refresh()
            self.bar.error = ""
        except Exception as exc:  # shown in the bar, in words
            self.bar.error = friendly_error(exc)
