"""ReferenceGallery: a collection's persistent references in six slots, and its style card."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import traitlets as t
from PIL import Image

from masko_widgets import client as api
from masko_widgets._contract import MAX_REFERENCES
from masko_widgets.widgets._base import CollectionWidget, Task, named_file, static_file
from masko_widgets.widgets._cache import thumbnail_or_none
from masko_widgets.widgets._candidates import Candidates, trial_state
from masko_widgets.widgets._front_end import front_end_trait
from masko_widgets.widgets._messages import FILE_NAME, ID, OPTIONAL_TEXT, URL, Many, on_event
from masko_widgets.widgets._picture import (
    Section,
    Tile,
    card_words,
    draw_picture,
    style_card_facts,
    style_card_palette,
)
from masko_widgets.widgets._thumbnails import Thumbnail
from masko_widgets.widgets._trial import Trial, pin, try_references
from masko_widgets.widgets._uploads import AcceptsUploads


class ReferenceGallery(AcceptsUploads, CollectionWidget):
    """The collection's persistent references (at most 6) and the style card made from them.

    Add by upload, URL or existing asset; remove per slot. Every add or remove clears the
    style card, which the server re-extracts on the next generation. A failed add shows
    the server's references (another caller may have changed them) and puts the reason in
    `error`. Candidates can be tried first (`try_references`) and pinned only if they do
    better (`pin`): the gallery has a trial panel, whose candidates change nothing until then.
    """

    _esm = front_end_trait(static_file("gallery.js"))
    _css = front_end_trait(static_file("style.css"))

    slots: t.List[dict[str, Any]] = t.List(
        t.Dict(),
        read_only=True,
        help="One entry per reference: asset_id, thumbnail (WebP bytes), mime, width, height.",
    ).tag(sync=True)
    max_slots: t.Int[int, int] = t.Int(MAX_REFERENCES, read_only=True).tag(sync=True)
    trial_prompt: t.Unicode[str, str | bytes] = t.Unicode(
        "", help="The prompt the candidates are tried with."
    ).tag(sync=True, from_front_end=True)
    trial_candidates: t.List[dict[str, Any]] = t.List(
        t.Dict(),
        read_only=True,
        help="Candidates: id, label, asset_id (None for a URL), thumbnail, mime.",
    ).tag(sync=True)
    trial: t.Dict[str, Any] = t.Dict(
        read_only=True,
        help="The last trial: prompt, current (asset ids), replace (the current references the "
        "candidates took the place of), candidate_count, sides {candidates (current + "
        "candidates), current}: previews (thumbnail, mime) and scores {candidates, current}.",
    ).tag(sync=True)

    _needs_collection: ClassVar[bool] = True

    def __init__(
        self,
        client: api.MaskoClient | None = None,
        collection: api.Collection | str | None = None,
        **kwargs: Any,
    ) -> None:
        self._thumbnails: dict[str, Thumbnail | None] = {}
        self._edit_lock = threading.Lock()
        self._trial_lock = threading.Lock()  # the candidates and their trait change together
        super().__init__(client, collection, **kwargs)
        self._candidates = Candidates(self._client)

    def __repr__(self) -> str:
        used = len(self.reference_asset_ids)
        return f"ReferenceGallery({self._repr_fields()}, references={used} of {MAX_REFERENCES})"

    def add(self, image_or_asset_or_url: Any) -> tuple[str, ...]:
        """Pin an image (path, bytes, PIL image, file object), an Asset or asset id, or a URL.

        Returns the reference asset ids. On failure nothing changes, `error` says why, and
        the error is raised.
        """
        self._check_url(image_or_asset_or_url)
        return self._edit(
            lambda: self._client.references.add(self._needed_collection_id(), image_or_asset_or_url)
        )

    def remove(self, asset_id: api.Asset | str) -> tuple[str, ...]:
        """Unpin one reference; returns the reference asset ids."""
        return self._edit(
            lambda: self._client.references.remove(self._needed_collection_id(), asset_id)
        )

    # --- the trial panel: candidates change nothing until `pin` ----------------------------
    def add_candidate(self, image_or_asset_or_url: Any) -> str:
        """Add a candidate reference (path, bytes, PIL image, URL, Asset or asset id) to try;
        a file is uploaded once (the trial needs its URL; `pin` reuses it). Returns its id."""
        try:
            entry = self._candidates.add(image_or_asset_or_url)
        except (ValueError, api.MaskoError, OSError) as exc:
            self._fail(exc)
            raise
        with self._trial_lock:
            self.set_trait("trial_candidates", [*self.trial_candidates, entry])
        return str(entry["id"])

    def remove_candidate(self, candidate_id: str) -> None:
        """Drop one candidate (nothing was pinned, so nothing else changes)."""
        with self._trial_lock:
            self._candidates.remove(candidate_id)
            kept = [entry for entry in self.trial_candidates if entry["id"] != candidate_id]
            self.set_trait("trial_candidates", kept)

    def try_references(
        self,
        candidates: Iterable[Any] | None = None,
        prompt: str | None = None,
        replace: Sequence[api.Asset | str] = (),
    ) -> Trial:
        """Preview `prompt` (default: `trial_prompt`) with the set pinning the candidates would
        make and with the current references; returns both previews and their scores (also
        shown). When the set would pass 6, `replace` names the current references to leave out.

        `candidates` (images, URLs or assets) replace the candidate list first.
        """
        if candidates is not None:
            self._clear_candidates()
            for value in candidates:
                self.add_candidate(value)
        if prompt is not None:
            self.trial_prompt = prompt
        try:
            chosen = self._candidates.chosen()
            if not self.trial_prompt.strip():
                raise ValueError("Write a prompt to try the candidates with, e.g. 'waving'.")
            if not chosen:
                raise ValueError("Add a candidate reference to try first.")
            collection = self._needed_collection_id()
            result = try_references(self._client, collection, chosen, self.trial_prompt, replace)
        except Exception as exc:
            self._fail(exc)
            raise
        self.set_trait("trial", trial_state(result))
        self.error = ""
        return result

    def pin(self, replace: Sequence[api.Asset | str] = ()) -> tuple[str, ...]:
        """Make the candidates persistent references, unpinning `replace` first (needed when
        they do not fit in the free slots). Returns the reference asset ids."""
        chosen = self._candidates.chosen()
        try:
            if not chosen:
                raise ValueError("There is no candidate to pin: add and try some first.")
            references = pin(self._client, self._needed_collection_id(), chosen, replace)
            self.show_references(references.asset_ids, references.style_card)
        except Exception as exc:
            self._fail(exc)
            raise
        with self.hold_sync():
            self._clear_candidates()
            self.set_trait("trial", {})
            self.error = ""
        return tuple(self.reference_asset_ids)

    def _clear_candidates(self) -> None:
        with self._trial_lock:
            self._candidates.clear()
            self.set_trait("trial_candidates", [])

    def still_section(self) -> Section:
        """The references and the style card, as a section of a still picture."""
        return Section(
            "References and style card",
            f"{len(self.reference_asset_ids)} of {MAX_REFERENCES} reference slots used · "
            + card_words(self.style_card, self.reference_asset_ids),
            tiles=[Tile(slot.get("thumbnail") or None) for slot in self.slots],
            palette=style_card_palette(self.style_card),
            facts=style_card_facts(self.style_card),
        )

    def _still(self) -> tuple[Image.Image, str]:
        name = self.collection_name or "Reference gallery"
        words = f"References of {name}: {len(self.reference_asset_ids)} of {MAX_REFERENCES}."
        return draw_picture(name, "Reference gallery", [self.still_section()]), words

    def _edit(self, change: Any) -> tuple[str, ...]:
        try:
            with self._edit_lock:
                references: api.References = change()
                self.show_references(references.asset_ids, references.style_card)
        except Exception as exc:
            with contextlib.suppress(ValueError, api.MaskoError):  # unreachable: slots stay
                self.reload_collection()  # the server's references: another caller may have won
            self._fail(exc)
            raise
        self.error = ""
        return tuple(self.reference_asset_ids)

    def show_references(self, asset_ids: Sequence[str], style_card: str | None) -> None:
        slots = [self._slot(asset_id) for asset_id in asset_ids]
        with self.hold_sync():
            super().show_references(asset_ids, style_card)
            self.set_trait("slots", slots)

    def _slot(self, asset_id: str) -> dict[str, Any]:
        if asset_id not in self._thumbnails:
            self._thumbnails[asset_id] = self._fetch_thumbnail(asset_id)
        thumbnail = self._thumbnails[asset_id]
        if thumbnail is None:
            return {"asset_id": asset_id, "thumbnail": b"", "mime": "", "width": 0, "height": 0}
        return {"asset_id": asset_id, **thumbnail.as_state()}

    def _fetch_thumbnail(self, asset_id: str) -> Thumbnail | None:
        """The reference's picture (shared with the grid, which scores against its
        palette); None (the slot says so) if it cannot be fetched."""
        thumbnail = thumbnail_or_none(self._client, asset_id)
        if thumbnail is None:
            self.notice = f"The picture of reference {asset_id} could not be loaded."
        return thumbnail

    # Front-end events (fields checked by on_event): each runs in the background; failures
    # land in `error`.
    @on_event("add_file", buffers=1, name=FILE_NAME)
    def _on_add_file(self, message: dict[str, Any], buffers: list[Any]) -> None:
        data, name = bytes(buffers[0]), message["name"]
        self._start(
            f"Adding {name}",
            lambda _task: self.add(named_file(data, name)),
            cancellable=False,
            kind="add",
        )

    @on_event("add_url", url=URL)
    def _on_add_url(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        url = message["url"]
        self._start(
            "Adding an image from a URL", lambda _task: self.add(url), cancellable=False, kind="add"
        )

    @on_event("add_asset", asset_id=ID)
    def _on_add_asset(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        asset_id = message["asset_id"]

        def work(_task: Task) -> tuple[str, ...]:
            return self.add(self._client.assets.get(asset_id))  # an unknown id fails here

        self._start(f"Adding asset {asset_id}", work, cancellable=False, kind="add")

    @on_event("refresh")
    def _on_refresh(self, _message: dict[str, Any], _buffers: list[Any]) -> None:
        self._start(
            "Refreshing", lambda _task: self.reload_collection(), cancellable=False, kind="refresh"
        )

    @on_event("remove", asset_id=ID)
    def _on_remove(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        asset_id = message["asset_id"]
        self._start(
            "Removing a reference",
            lambda _task: self.remove(asset_id),
            cancellable=False,
            kind="remove",
        )

    @on_event("add_candidate_file", buffers=1, name=FILE_NAME)
    def _on_add_candidate_file(self, message: dict[str, Any], buffers: list[Any]) -> None:
        name = message["name"]
        self._candidate_task(f"Adding candidate {name}", named_file(bytes(buffers[0]), name))

    @on_event("add_candidate_url", url=URL)
    def _on_add_candidate_url(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        self._candidate_task("Adding a candidate URL", message["url"])

    @on_event("add_candidate_asset", asset_id=ID)
    def _on_add_candidate_asset(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        asset_id = message["asset_id"]
        self._candidate_task(f"Adding asset {asset_id}", asset_id)

    def _candidate_task(self, label: str, value: Any) -> None:
        self._start(
            label, lambda _task: self.add_candidate(value), cancellable=False, kind="candidate"
        )

    @on_event("remove_candidate", id=ID)
    def _on_remove_candidate(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        self.remove_candidate(message["id"])

    @on_event(
        "try", prompt=OPTIONAL_TEXT, replace=Many(item=ID, max_items=MAX_REFERENCES, default=())
    )
    def _on_try(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        replace = list(message["replace"])

        def work(_task: Task) -> Trial:
            return self.try_references(prompt=message["prompt"], replace=replace)

        self._start("Trying the candidates", work, cancellable=False, kind="trial")

    @on_event("pin", replace=Many(item=ID, max_items=MAX_REFERENCES, default=()))
    def _on_pin(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        replace = list(message["replace"])
        self._start(
            "Pinning the candidates",
            lambda _task: self.pin(replace),
            cancellable=False,
            kind="pin",
        )
