"""PreviewPanel: throwaway previews from a prompt and up to six one-off style hints."""

from __future__ import annotations

import re
import threading
import uuid
from typing import Any

import traitlets as t
from PIL import UnidentifiedImageError

from masko_widgets import client as api
from masko_widgets._contract import MAX_REFERENCES
from masko_widgets.widgets._base import (
    CollectionWidget,
    Task,
    named_file,
    static_file,
)
from masko_widgets.widgets._errors import plain
from masko_widgets.widgets._front_end import front_end_trait
from masko_widgets.widgets._messages import FILE_NAME, ID, OPTIONAL_TEXT, URL, Whole, on_event
from masko_widgets.widgets._thumbnails import make_thumbnail
from masko_widgets.widgets._uploads import AcceptsUploads

MAX_HINTS = MAX_REFERENCES
_KEPT_NAME_WORDS = 6


class PreviewPanel(AcceptsUploads, CollectionWidget):
    """Quick previews of a prompt. Hint images steer the style of one request only: they
    are sent as `reference_image_urls` (a local file is uploaded to get its URL), never
    pinned to the collection, and leave the widget state once the request is done.

    "Keep this" generates a preview's prompt as a real pose (a preview has no asset id).
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
        t.Dict(), read_only=True, help="Poses made with Keep this: item_id, name, asset_id."
    ).tag(sync=True)

    def __init__(
        self,
        client: api.MaskoClient | None = None,
        collection: api.Collection | str | None = None,
        **kwargs: Any,
    ) -> None:
        self._hint_sources: dict[str, api.ImageFile | str] = {}  # hint id -> what is sent
        self._hints_lock = threading.RLock()
        self._previews: dict[int, list[api.Preview]] = {}  # result set id -> its previews
        self._next_set = 1
        super().__init__(client, collection, **kwargs)
        self.set_trait("can_keep", collection is not None)

    def __repr__(self) -> str:
        return (
            f"PreviewPanel({self._repr_fields()}, hints={len(self.hints)} of {MAX_HINTS}, "
            f"result_sets={len(self.result_sets)})"
        )

    # --- hints ---------------------------------------------------------------------
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
        source: api.ImageFile | str
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
        sources = [self._hint_sources[hint_id] for hint_id in used]
        try:
            if not self.prompt.strip():
                raise ValueError("Write a prompt first, e.g. 'the mascot waving'.")
            previews = self._client.previews.create(
                self.prompt, hints=sources, collection_id=self.collection_id
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
        earlier = {entry["id"]: self._previews[entry["id"]] for entry in shown[1:]}
        self._previews = {set_id: previews, **earlier}
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

    def keep(self, index: int, name: str | None = None, *, result_set: int | None = None) -> Task:
        """Generate preview `index` of a result set (default: the newest) as a real pose.

        Runs in the background; `task.wait()` gives the finished Job. The pose is listed in
        `kept` (and appears in a studio's grid).
        """
        if self.collection_id is None:
            raise ValueError(
                "Keeping a preview needs a collection: PreviewPanel(client, collection)."
            )
        set_id = (
            result_set
            if result_set is not None
            else next((entry["id"] for entry in self.result_sets), None)
        )
        previews = self._previews.get(set_id) if set_id is not None else None
        if not previews or not 0 <= index < len(previews):
            raise ValueError(f"There is no preview {index} to keep; press Preview first.")
        preview = previews[index]
        pose_name = name or " ".join((preview.prompt or "").split()[:_KEPT_NAME_WORDS])

        def work(task: Task) -> api.Job:
            job = self._client.generations.keep(self._needed_collection_id(), preview, pose_name)
            done = self._wait_job(task, job, "Keeping")
            entry = {
                "item_id": done.item_id,
                "name": pose_name,
                "asset_id": done.asset_ids.get("image"),
            }
            self.set_trait("kept", [*self.kept, entry])
            self.reload_collection()  # the generation re-extracted a cleared style card
            return done

        return self._start(f"Keeping “{pose_name}”", work, kind="keep")

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

    @on_event("keep", index=Whole(), set=Whole(default=None))
    def _on_keep(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        self.keep(message["index"], result_set=message["set"])


def _tile(preview: api.Preview) -> dict[str, Any]:
    return {
        **make_thumbnail(preview.read()).as_state(),
        "expires_at": str(preview.expires_at or ""),
    }
