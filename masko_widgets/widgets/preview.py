"""PreviewPanel: throwaway previews from a prompt and up to six one-off style hints."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Sequence
from typing import Any

import traitlets as t
from PIL import Image, UnidentifiedImageError

from masko_widgets import client as api
from masko_widgets._contract import MAX_REFERENCES
from masko_widgets.widgets._base import (
    CollectionWidget,
    Task,
    named_file,
    static_file,
)
from masko_widgets.widgets._cache import thumbnail_or_none
from masko_widgets.widgets._errors import plain
from masko_widgets.widgets._front_end import front_end_trait
from masko_widgets.widgets._messages import (
    FILE_NAME,
    ID,
    OPTIONAL_TEXT,
    URL,
    Choice,
    Many,
    Whole,
    on_event,
)
from masko_widgets.widgets._picture import Section, Tile, draw_picture
from masko_widgets.widgets._thumbnails import Thumbnail, make_thumbnail
from masko_widgets.widgets._trial import Candidate, candidate, pin
from masko_widgets.widgets._uploads import AcceptsUploads

MAX_HINTS = MAX_REFERENCES
_KEPT_NAME_WORDS = 6
COLLECTION_LOOK = "collection"
HINTS_PINNED = "hints pinned"
LOOKS = (COLLECTION_LOOK, HINTS_PINNED)
"""How a kept pose was made: with the collection's references as they were, or after pinning
the preview's hints as references."""

Hint = api.ImageFile | str | Candidate
"""What a hint sends: a file not uploaded yet, a URL, or an upload (reused when pinned)."""


class PreviewPanel(AcceptsUploads, CollectionWidget):
    """Quick previews of a prompt. Hint images steer the style of one request only: they
    are sent as `reference_image_urls` (a local file is uploaded to get its URL), never
    pinned to the collection, and leave the widget state once the request is done.

    "Keep this" generates a preview's prompt as a real pose (a preview has no asset id). The
    API makes a pose from the collection's references only, so a hinted preview is kept either
    with the collection's look (the kept pose can look different; `kept` holds its picture to
    show beside the preview) or after pinning its hints as references (`pin_hints=True`).
    The last two result sets can be compared side by side.
    """

    _esm = front_end_trait(static_file("preview.js"))
    _css = front_end_trait(static_file("style.css"))

    prompt: t.Unicode[str, str | bytes] = t.Unicode("").tag(sync=True, from_front_end=True)
    hints: t.List[dict[str, Any]] = t.List(
        t.Dict(),
        read_only=True,
        help="One-off style hints: id, kind ('file' or 'url'), label, and a thumbnail or url.",
    ).tag(sync=True)
    max_hints: t.Int[int, int] = t.Int(MAX_HINTS, read_only=True).tag(sync=True)
    result_sets: t.List[dict[str, Any]] = t.List(
        t.Dict(),
        read_only=True,
        help="The newest result set first, then the one before: id, prompt, hint_count, "
        "previews (thumbnail, mime, width, height, expires_at).",
    ).tag(sync=True)
    compare: t.Bool[bool, bool | int] = t.Bool(
        False, help="Show the last two result sets side by side."
    ).tag(sync=True, from_front_end=True)
    can_keep: t.Bool[bool, bool | int] = t.Bool(False, read_only=True).tag(sync=True)
    kept: t.List[dict[str, Any]] = t.List(
        t.Dict(),
        read_only=True,
        help="Poses made with Keep this: item_id, name, asset_id, set and index (the preview "
        "kept), look ('collection' or 'hints pinned'), and the pose's thumbnail and mime.",
    ).tag(sync=True)
    keeping: t.List[dict[str, Any]] = t.List(
        t.Dict(), read_only=True, help="Keeps on their way: id, set, index, look."
    ).tag(sync=True)
    reference_pictures: t.List[dict[str, Any]] = t.List(
        t.Dict(),
        read_only=True,
        help="The references' pictures (asset_id, thumbnail, mime), to choose which to replace "
        "when pinning hints would pass the six slots.",
    ).tag(sync=True)

    def __init__(
        self,
        client: api.MaskoClient | None = None,
        collection: api.Collection | str | None = None,
        **kwargs: Any,
    ) -> None:
        self._hint_sources: dict[str, Hint] = {}  # hint id -> what is sent
        self._hints_lock = threading.RLock()
        self._previews: dict[int, list[api.Preview]] = {}  # result set id -> its previews
        self._set_hints: dict[int, list[Hint]] = {}  # result set id -> the hints it used
        self._pictures: dict[str, Thumbnail | None] = {}  # reference asset id -> its picture
        self._keep_lock = threading.Lock()  # guards `kept` and `keeping`
        self._next_set = 1
        super().__init__(client, collection, **kwargs)
        self.set_trait("can_keep", collection is not None)

    def __repr__(self) -> str:
        return (
            f"PreviewPanel({self._repr_fields()}, hints={len(self.hints)} of {MAX_HINTS}, "
            f"result_sets={len(self.result_sets)})"
        )

    # --- hints ---------------------------------------------------------------------
    def still_section(self) -> Section | None:
        """The last preview, as a section of a still picture (None before any)."""
        if not self.result_sets:
            return None
        last = self.result_sets[0]
        hints = last.get("hint_count") or 0
        note = f"“{last.get('prompt', '')}” · " + (
            f"{hints} hint{'s' if hints != 1 else ''}" if hints else "no hints"
        )
        tiles = [Tile(preview.get("thumbnail") or None) for preview in last.get("previews", [])]
        return Section("Last preview", note, tiles, tile_size=150)

    def _still(self) -> tuple[Image.Image, str] | None:
        section = self.still_section()
        if section is None:
            return None
        name = self.collection_name or "Preview"
        return draw_picture(name, "Preview panel", [section]), f"Last preview: {section.note}"

    def add_hint(self, image_or_url: Any, label: str | None = None) -> str:
        """Add a one-off style hint (path, bytes, PIL image, or http(s) URL); returns its id."""
        with self._hints_lock:
            return self._add_hint(image_or_url, label)

    def _add_hint(self, image_or_url: Any, label: str | None) -> str:
        if len(self.hints) >= MAX_HINTS:
            error = ValueError(f"A preview takes at most {MAX_HINTS} hints: remove one first.")
            self._fail(error)
            raise error
        hint_id = uuid.uuid4().hex[:12]
        source: Hint
        hint: dict[str, Any]
        if api.is_url(image_or_url):
            self._check_url(image_or_url)
            source = image_or_url
            hint = {"id": hint_id, "kind": "url", "label": label or source, "url": source}
        else:
            if label and isinstance(image_or_url, (bytes, bytearray, memoryview)):
                image_or_url = named_file(bytes(image_or_url), label)
            try:
                source = api.load_image(image_or_url)  # format, size and pixel limits
                assert isinstance(source, api.ImageFile)  # not a URL, so read into a file
                thumbnail = make_thumbnail(source.data)
            except (OSError, UnidentifiedImageError) as exc:
                error = api.InvalidImageError(
                    f"{label or 'That hint'} could not be read as an image: export it again as a "
                    "PNG, JPEG, WebP or GIF"
                )
                self._fail(error)
                raise error from exc
            except api.InvalidImageError as error:
                self._fail(error)
                raise
            hint = {
                "id": hint_id,
                "kind": "file",
                "label": label or source.filename,
                "thumbnail": thumbnail.data,
                "mime": thumbnail.mime,
            }
        self._hint_sources[hint_id] = source
        self.set_trait("hints", [*self.hints, hint])
        return hint_id

    def remove_hint(self, hint_id: str) -> None:
        """Drop one hint."""
        with self._hints_lock:
            self._hint_sources.pop(hint_id, None)
            self.set_trait("hints", [hint for hint in self.hints if hint["id"] != hint_id])

    # --- previews ----------------------------------------------------------------------
    def preview(self, prompt: str | None = None) -> list[api.Preview]:
        """Preview `prompt` (default: the prompt box) with the current hints.

        On success the hints are dropped (they were for this request only) and the result
        set becomes the newest; the one before stays for comparison. On failure the hints
        stay, so the request can be retried, and `error` says why.
        """
        if prompt is not None:
            self.prompt = prompt
        used = [hint["id"] for hint in self.hints]
        try:
            if not self.prompt.strip():
                raise ValueError("Write a prompt first, e.g. 'the mascot waving'.")
            sources = [self._uploaded(hint_id) for hint_id in used]
            previews = self._client.previews.create(
                self.prompt,
                hints=[s.url if isinstance(s, Candidate) else s for s in sources],
                collection_id=self.collection_id,
            )
            tiles = [_tile(preview) for preview in previews]
        except Exception as exc:
            self._drop_refused_hint(exc, used)
            self._fail(exc)
            raise
        set_id = self._next_set
        self._next_set += 1
        result = {
            "id": set_id,
            "prompt": self.prompt,
            "hint_count": len(sources),
            "previews": tiles,
        }
        shown = [result, *self.result_sets[:1]]
        earlier = [entry["id"] for entry in shown[1:]]
        self._previews = {set_id: previews, **{i: self._previews[i] for i in earlier}}
        self._set_hints = {set_id: sources, **{i: self._set_hints[i] for i in earlier}}
        with self._hints_lock, self.hold_sync():
            for hint_id in used:
                self._hint_sources.pop(hint_id, None)
            self.set_trait("result_sets", shown)
            self.set_trait("hints", [hint for hint in self.hints if hint["id"] not in used])
            self.error = ""
        return previews

    def _drop_refused_hint(self, exc: Exception, used: list[str]) -> None:
        """A hint the server refused leaves the preview (the others stay for a retry)."""
        field = getattr(exc, "field", None) or ""
        found = re.fullmatch(r"reference_image_urls\[(\d+)\]", field)
        if found and int(found[1]) < len(used):
            self.remove_hint(used[int(found[1])])

    def _uploaded(self, hint_id: str) -> Hint:
        """A hint as the request sends it: a file is uploaded once (a retried preview, and
        pinning the hints, reuse that upload); a URL as it is."""
        with self._hints_lock:
            source = self._hint_sources[hint_id]
        if isinstance(source, api.ImageFile):
            source = candidate(self._client, source)
            with self._hints_lock:
                if hint_id in self._hint_sources:
                    self._hint_sources[hint_id] = source
        return source

    def keep(
        self,
        index: int,
        name: str | None = None,
        *,
        result_set: int | None = None,
        pin_hints: bool = False,
        replace: Sequence[api.Asset | str] = (),
    ) -> Task:
        """Generate preview `index` of a result set (default: the newest) as a real pose.

        The API makes poses from the collection's references only, never from one-off hints:
        by default the pose takes the collection's look, which can differ from a hinted
        preview. `pin_hints=True` first pins the set's hints as persistent references (as
        the gallery's Pin does, all or none; when they do not fit in the six slots `replace`
        names the references to unpin), so the pose is made with them.

        Runs in the background; `task.wait()` gives the finished Job. The pose is listed in
        `kept` with its picture (and appears in a studio's grid).
        """
        if self.collection_id is None:
            raise ValueError(
                "Keeping a preview needs a collection: PreviewPanel(client, collection)."
            )
        set_id, preview = self._preview_to_keep(index, result_set)
        hints = self._set_hints.get(set_id, [])
        if pin_hints and not hints:
            raise ValueError("That preview used no hints: there is nothing to pin.")
        pose_name = name or " ".join((preview.prompt or "").split()[:_KEPT_NAME_WORDS])
        on_its_way = {
            "set": set_id,
            "index": index,
            "look": HINTS_PINNED if pin_hints else COLLECTION_LOOK,
        }
        keep_id = uuid.uuid4().hex[:12]

        def work(task: Task) -> api.Job:
            collection = self._needed_collection_id()
            try:
                if pin_hints:
                    task.progress("Pinning the hints as references")
                    references = pin(self._client, collection, hints, replace)
                    self.show_references(references.asset_ids, references.style_card)
                job = self._client.generations.keep(collection, preview, pose_name)
                done = self._wait_job(task, job, "Keeping")
                entry = {**self._kept_entry(done, pose_name), **on_its_way}
                with self._keep_lock:
                    self.set_trait("kept", [*self.kept, entry])
            finally:
                with self._keep_lock:
                    self.set_trait("keeping", [k for k in self.keeping if k["id"] != keep_id])
            self.reload_collection()  # the generation re-extracted a cleared style card
            return done

        with self._keep_lock:
            self.set_trait("keeping", [*self.keeping, {"id": keep_id, **on_its_way}])
        return self._start(f"Keeping “{pose_name}”", work, kind="keep")

    def _preview_to_keep(self, index: int, result_set: int | None) -> tuple[int, api.Preview]:
        """The result set (default: the newest) and its preview `index`, or a ValueError."""
        set_id = (
            result_set
            if result_set is not None
            else next((entry["id"] for entry in self.result_sets), None)
        )
        previews = self._previews.get(set_id) if set_id is not None else None
        if set_id is None or not previews or not 0 <= index < len(previews):
            raise ValueError(f"There is no preview {index} to keep; press Preview first.")
        return set_id, previews[index]

    def _kept_entry(self, done: api.Job, pose_name: str) -> dict[str, Any]:
        """A kept pose as `kept` lists it: its item, name, image asset and picture."""
        asset_id = done.asset_ids.get("image")
        picture = thumbnail_or_none(self._client, asset_id) if asset_id else None
        return {
            "item_id": done.item_id,
            "name": pose_name,
            "asset_id": asset_id,
            "thumbnail": picture.data if picture else b"",
            "mime": picture.mime if picture else "",
        }

    def show_references(self, asset_ids: Sequence[str], style_card: str | None) -> None:
        for asset_id in asset_ids:
            if asset_id not in self._pictures:
                self._pictures[asset_id] = thumbnail_or_none(self._client, asset_id)
        pictures = [
            {"asset_id": i, **({"thumbnail": p.data, "mime": p.mime} if p else {})}
            for i, p in ((i, self._pictures[i]) for i in asset_ids)
        ]
        with self.hold_sync():
            super().show_references(asset_ids, style_card)
            self.set_trait("reference_pictures", pictures)

    # --- front-end events (fields checked by on_event; see _messages) ---------------------
    @on_event("add_hint_file", buffers=1, name=FILE_NAME)
    def _on_add_hint_file(self, message: dict[str, Any], buffers: list[Any]) -> None:
        data, name = bytes(buffers[0]), message["name"]
        self._start(
            f"Adding hint {name}",
            lambda _task: self.add_hint(data, name),
            cancellable=False,
            kind="hint",
        )

    @on_event("add_hint_url", url=URL)
    def _on_add_hint_url(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        self.add_hint(message["url"])

    @on_event("remove_hint", id=ID)
    def _on_remove_hint(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        self.remove_hint(message["id"])

    @on_event("hint_failed", id=ID)
    def _on_hint_failed(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        """The browser could not load a hint's URL: it leaves the preview, and says so."""
        hint = next((hint for hint in self.hints if hint["id"] == message["id"]), None)
        if hint is None:
            return
        self.remove_hint(hint["id"])
        self.error = plain(
            f"No image could be loaded from {hint['label']}, so that hint was left out. "
            "Check the address, or save the image and upload the file instead"
        )

    @on_event("preview", prompt=OPTIONAL_TEXT)
    def _on_preview(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        self._start(
            "Previewing",
            lambda _task: self.preview(message["prompt"]),
            cancellable=False,
            kind="preview",
        )

    @on_event(
        "keep",
        index=Whole(),
        set=Whole(default=None),
        look=Choice(options=LOOKS, default=COLLECTION_LOOK),
        replace=Many(item=ID, max_items=MAX_REFERENCES, default=()),
    )
    def _on_keep(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        self.keep(
            message["index"],
            result_set=message["set"],
            pin_hints=message["look"] == HINTS_PINNED,
            replace=list(message["replace"]),
        )


def _tile(preview: api.Preview) -> dict[str, Any]:
    return {
        **make_thumbnail(preview.read()).as_state(),
        "expires_at": str(preview.expires_at or ""),
    }
