"""MascotStudio: the reference gallery, the preview panel and the pose grid, kept in sync.

The studio is one widget model: its parts open no comm of their own. Each part's trait `x` is
a key `<part>.x` of the studio's own synced state, sent and changed as any trait is; only the
parts' events travel as the studio's custom messages tagged with the part's name. So the
model's state is the whole truth wherever it is read: a front end that displays the studio late,
again, or after a reload (marimo keeps and replays the state, not the custom messages) shows
what Python holds. It renders wherever anywidget does (JupyterLab, Notebook 7, Voila, VS Code,
marimo).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import anywidget
import traitlets as t
from PIL import Image

from masko_widgets import client as api
from masko_widgets._contract import MAX_REFERENCES
from masko_widgets.widgets._base import (
    HostedPart,
    MaskoWidget,
    PartLink,
    Task,
    hosted,
    resolve_client,
    static_file,
)
from masko_widgets.widgets._errors import friendly_error
from masko_widgets.widgets._front_end import front_end_trait
from masko_widgets.widgets._messages import Choice, Message, Object, on_event
from masko_widgets.widgets._picture import draw_picture
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
    {"part": Choice(options=PART_NAMES), "content": Object(default=None)},
    buffers=None,
)
"""A part's custom message, tagged with the part's name (js/studio/facade.js)."""


def _part_key(part: str, key: str) -> str:
    """The studio's state key of a part's trait (`grid.pose_list`)."""
    return f"{part}.{key}"


def _part_keys(part: HostedPart) -> list[str]:
    """The synced traits of a hosted part, without the keys every anywidget has."""
    return [key for key in part.keys if key not in _BASE_KEYS]


class MascotStudio(MaskoWidget):
    """The three widgets of one collection in one layout, kept in sync: a reference change
    updates the style card everywhere (and the grid's on-model scores), a kept preview
    appears in the grid, and a generation anywhere shows the re-extracted style card.

    The parts are `studio.gallery`, `studio.preview` and `studio.grid`; they show inside the
    studio (display a `PoseGrid` of its own for a grid alone). The studio uses its parts only
    through the hosted-part interface (`HostedPart`); its own slow work (Refresh all, adding
    a kept pose) runs as every widget's tasks do, with progress in its header.
    """

    _esm = front_end_trait(static_file("studio.js"))
    _css = front_end_trait(static_file("style.css"))

    collection_name: t.Unicode[str, str | bytes] = t.Unicode("").tag(sync=True)
    style_card_status: t.Unicode[str, str | bytes] = t.Unicode("").tag(sync=True)
    credits: t.Int[int | None, int | None] = t.Int(None, allow_none=True).tag(sync=True)
    parts: t.List[str] = t.List(
        t.Unicode(),
        default_value=list(PART_NAMES),
        read_only=True,
        help="The parts' names; a part's trait `x` is synced as the key `<part>.x`.",
    ).tag(sync=True)

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
        super().__init__(self._client, **kwargs)
        for link in self._links.values():
            link.forward = self._forward
        self._refresh_credits()
        self._wire()

    def __repr__(self) -> str:
        return (
            f"MascotStudio(collection={self.collection_name or self.gallery.collection_id!r}, "
            f"references={len(self.gallery.reference_asset_ids)} of {MAX_REFERENCES}, "
            f"poses={len(self.grid.poses)})"
        )

    @property
    def named_parts(self) -> dict[str, HostedPart]:
        """The hosted parts by name (gallery, preview, grid)."""
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
        """Block until the studio's and every part's running tasks have ended."""
        super().wait(timeout)
        for part in self.named_parts.values():
            part.wait(timeout)

    def cancel(self) -> None:
        """Stop waiting for every running task of the studio and its parts."""
        super().cancel()
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
    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        """The studio's synced state, each part's traits under `<part>.<trait>` keys."""
        wanted = None if key is None else {key} if isinstance(key, str) else set(key)
        own = None if wanted is None else [name for name in wanted if name in self.keys]
        state: dict[str, Any] = super().get_state(own, drop_defaults) if own != [] else {}
        for name, part in self.named_parts.items():
            keys = [k for k in _part_keys(part) if wanted is None or _part_key(name, k) in wanted]
            if keys:
                found = part.get_state(keys, drop_defaults)
                state.update({_part_key(name, k): value for k, value in found.items()})
        return state

    def set_state(self, sync_data: Any) -> None:
        """A state update from the view: `<part>.<trait>` keys go to the part (which takes
        only what its view may set, and says what it refused), the rest to the studio."""
        if not isinstance(sync_data, dict):
            super().set_state(sync_data)
            return
        own: dict[str, Any] = {}
        by_part: dict[str, dict[str, Any]] = {}
        for key, value in sync_data.items():
            name, dot, trait = str(key).partition(".")
            if dot and name in PART_NAMES:
                by_part.setdefault(name, {})[trait] = value
            else:
                own[key] = value
        for name, state in by_part.items():
            self.named_parts[name].set_state(state)
        if own or not by_part:
            super().set_state(own)

    def _still(self) -> tuple[Image.Image, str]:
        """References and style card, the poses with the selected one marked, the last
        preview: the studio as a still picture, and the same in words."""
        sections = [self.gallery.still_section(), self.grid.still_section()]
        preview = self.preview.still_section()
        if preview is not None:
            sections.append(preview)
        name = self.collection_name or "Mascot studio"
        credits = "" if self.credits is None else f" · {self.credits} credits"
        words = f"Mascot studio of {name}: " + "; ".join(
            f"{section.title.lower()}, {section.note}" for section in sections
        )
        return draw_picture(name, f"Mascot studio{credits}", sections), words + "."

    def export_state(self) -> dict[str, Any]:
        """What the grid would ask the kernel for (see export_html)."""
        return {_part_key("grid", k): value for k, value in self.grid.export_state().items()}

    def _forward(self, name: str, data: dict[str, Any], buffers: list[Any]) -> None:
        """A part's message to the studio's front end: a state update (or its echo) as the
        studio's own, under the part's keys; a custom event tagged with the part's name."""
        method = data.get("method")
        if method in ("update", "echo_update"):
            state = {_part_key(name, k): value for k, value in (data.get("state") or {}).items()}
            paths = [[_part_key(name, p[0]), *p[1:]] for p in data.get("buffer_paths") or []]
            self._send({"method": method, "state": state, "buffer_paths": paths}, buffers)
        else:
            self.send({"part": name, "data": data}, buffers)

    def _on_front_end_message(self, widget: Any, content: Any, buffers: list[Any]) -> None:
        """A part's event goes to the part (which checks its own fields and says what is
        wrong in its own view); the studio's own events are handled as every widget's."""
        if not (isinstance(content, dict) and "part" in content):
            super()._on_front_end_message(widget, content, buffers)
            return
        try:
            message = PART_MESSAGE.read(content, buffers)
        except ValueError as exc:
            self._fail(exc)
            return
        self.named_parts[message["part"]].receive_event(message["content"], buffers)

    @on_event("refresh")
    def _on_refresh(self, _message: dict[str, Any], _buffers: list[Any]) -> None:
        self._start("Refreshing all", self._refresh_task, cancellable=False, kind="refresh")

    def _refresh_task(self, _task: Task) -> None:
        self.refresh()

    # --- keeping the parts in sync -------------------------------------------------
    def _wire(self) -> None:
        for part in self.named_parts.values():
            part.observe(self._share_references, names=["reference_asset_ids", "style_card"])
            part.observe(self._task_ended, names=["tasks"])
        self.preview.observe(self._show_kept, names=["kept"])

    def _share_references(self, change: dict[str, Any]) -> None:
        source: HostedPart = change["owner"]
        ids, card = list(source.reference_asset_ids), source.style_card
        for part in self.named_parts.values():
            if part is not source and (part.reference_asset_ids, part.style_card) != (ids, card):
                try:
                    part.show_references(ids, card)
                except Exception as exc:  # e.g. the grid could not fetch the new references
                    part.error = friendly_error(exc)
        self.style_card_status = source.style_card_status

    def _show_kept(self, _change: dict[str, Any]) -> None:
        self._start(
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
