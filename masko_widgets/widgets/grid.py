"""PoseGrid: a collection's poses as a selectable grid; animate or edit one, or generate new
ones.

The grid is one widget model, whatever the number of poses: the pose list travels as a compact
trait (`pose_list`), and each thumbnail as a binary buffer in a custom message, made and sent
when the front end asks for the tiles it shows.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ClassVar

import traitlets as t
from PIL import Image

from masko_widgets import client as api
from masko_widgets._contract import MAX_BATCH, MAX_DURATION, MIN_DURATION
from masko_widgets._palette import Palette
from masko_widgets.client._inputs import pose_name
from masko_widgets.widgets._base import CollectionWidget, Task, static_file
from masko_widgets.widgets._cache import AssetPicture, shared_cache
from masko_widgets.widgets._errors import friendly_error
from masko_widgets.widgets._front_end import front_end_trait
from masko_widgets.widgets._messages import (
    MAX_ID_CHARS,
    Checked,
    Flag,
    Many,
    Text,
    Whole,
    on_event,
)
from masko_widgets.widgets._pending import EDIT, NEW, PendingPoses
from masko_widgets.widgets._picture import Section, Tile, draw_picture
from masko_widgets.widgets._poses import PoseEntry, PoseRows
from masko_widgets.widgets._score import on_model_score, reference_palette
from masko_widgets.widgets._thumbnails import THUMBNAIL_MIME

MAX_VIDEO_BYTES = 16 * 1024 * 1024
"""Larger animations are shown from their URL instead of travelling as bytes."""
THUMBNAILS_PER_REQUEST = 64
"""At most this many thumbnails are made for one request of the front end."""
THUMBNAILS_PER_MESSAGE = 8
"""Thumbnails sent together: fewer message headers, and the first tiles still come early."""
LOADING = "load"
"""The kind of the task that loads the poses after the first page."""
LATE = "late"
"""The kind of the quiet task that waits, after Cancel, for a pose still on its way."""
STILL_POSES = 16
"""Poses a still picture of the grid shows (the first ones, and the selected one)."""
STILL_WAIT = 2.0
"""Seconds a still picture waits for thumbnails the cache does not hold yet."""
_VIDEO_KINDS = (("webm", "video/webm"), ("video", "video/mp4"))


def pose_entries(items: Iterable[api.Item]) -> list[PoseEntry]:
    """The items that have a picture, as grid entries."""
    return [
        PoseEntry(item.id, item.name or "", item.image_asset_id)
        for item in items
        if item.image_asset_id
    ]


class Delivery:
    """The thumbnails of one request of the front end, sent a few per message as they are
    made: `{"event": "thumbnails", "mime": ..., "pictures": rows}` with one buffer per picture.
    A row is [item id, version, score], or [item id, version, error] with no buffer when the
    picture could not be made (an error is a string, a score a number or None)."""

    def __init__(self, send: Callable[[dict[str, Any], list[Any]], None], expected: int) -> None:
        self._send = send
        self._left = expected
        self._rows: list[list[Any]] = []
        self._buffers: list[bytes] = []
        self._lock = threading.Lock()

    def add(self, row: list[Any], data: bytes | None) -> None:
        with self._lock:
            self._left -= 1
            self._rows.append(row)
            if data is not None:
                self._buffers.append(data)
            if len(self._rows) < THUMBNAILS_PER_MESSAGE and self._left > 0:
                return
            rows, buffers = self._rows, self._buffers
            self._rows, self._buffers = [], []
        self._send({"event": "thumbnails", "mime": THUMBNAIL_MIME, "pictures": rows}, buffers)


class Pose:
    """One pose of a PoseGrid: its item, name and `image` asset. Its score and thumbnail are
    made when first asked for."""

    __slots__ = ("_picture_of", "_score_of", "asset_id", "item_id", "name")

    def __init__(
        self,
        entry: PoseEntry,
        score_of: Callable[[str], int | None],
        picture_of: Callable[[str], AssetPicture],
    ) -> None:
        self._score_of, self._picture_of = score_of, picture_of
        self.item_id: str = entry.item_id
        self.name: str = entry.name
        self.asset_id: str = entry.asset_id

    @property
    def score(self) -> int | None:
        """On-model score, 0-100 (None without references)."""
        return self._score_of(self.item_id)

    @property
    def thumbnail(self) -> bytes:
        """The display-size WebP the browser shows; the original stays on the server."""
        return self._picture_of(self.asset_id).thumbnail.data

    def __repr__(self) -> str:
        return f"Pose({self.name!r})"


class PoseGrid(CollectionWidget):
    """The collection's poses. Click (or arrow keys + Enter) selects one; its `image` asset
    becomes `source_image_asset_id`, the input of Animate and Edit. "New poses" generates
    suggested actions as a batch; a placeholder tile stands for each until its job finishes.
    Each tile shows an on-model score: how close its palette stays to the references' (0-100).
    """

    _esm = front_end_trait(static_file("grid.js"))
    _css = front_end_trait(static_file("style.css"))

    pose_list: t.List[list[Any]] = t.List(
        read_only=True,
        help="[item id, name, score, thumbnail version] per pose, oldest first.",
    ).tag(sync=True)
    selected_item_id: t.Unicode[str | None, str | bytes | None] = t.Unicode(
        None,
        allow_none=True,
        help="The selected pose's item id (set by a click), or None.",
    ).tag(sync=True, from_front_end=True)
    source_image_asset_id: t.Unicode[str | None, str | bytes | None] = t.Unicode(
        None,
        allow_none=True,
        read_only=True,
        help="The selected pose's `image` asset id (never transparent_image), or None.",
    ).tag(sync=True)
    animation: t.Dict[str, Any] = t.Dict(
        read_only=True,
        help="The last animation: item_id, prompt, duration, loop, mime, and data (bytes) or url.",
    ).tag(sync=True)
    pending: t.List[dict[str, Any]] = t.List(
        t.Dict(),
        read_only=True,
        help="Poses on their way: job, kind (new or edit), name, item_id, status, started.",
    ).tag(sync=True)
    suggestions: t.List[str] = t.List(t.Unicode(), read_only=True).tag(sync=True)
    max_batch: t.Int[int, int] = t.Int(MAX_BATCH, read_only=True).tag(sync=True)
    min_duration: t.Int[int, int] = t.Int(MIN_DURATION, read_only=True).tag(sync=True)
    max_duration: t.Int[int, int] = t.Int(MAX_DURATION, read_only=True).tag(sync=True)

    _needs_collection: ClassVar[bool] = True
    _quiet_events: ClassVar[frozenset[str]] = frozenset({"thumbnails", "sync"})  # scrolling

    def __init__(
        self,
        client: api.MaskoClient | None = None,
        collection: api.Collection | str | None = None,
        **kwargs: Any,
    ) -> None:
        self._rows = PoseRows()
        self._cache = shared_cache()
        self._references: tuple[tuple[str, ...], Palette] | None = None
        self._pages: Iterator[tuple[list[api.Item], int | None]] | None = None
        self._loader: Task | None = None
        self._first: tuple[int, int | None] = (0, 0)  # items on the first page, and in all
        self._pending = PendingPoses(lambda entries: self.set_trait("pending", entries))
        self._closing = threading.Event()
        super().__init__(client, collection, **kwargs)
        if self._pages is not None:  # the comm is open: what the loader adds reaches views
            self._loader = self._start(
                "Loading poses", self._load_rest, cancellable=False, kind=LOADING
            )
        self._start_still_pictures()

    @property
    def poses(self) -> tuple[Pose, ...]:
        """The poses loaded so far, oldest first (every pose once `wait()` returns: a long
        list loads page by page in the background)."""
        return tuple(self._pose(entry) for entry in self._rows.entries())

    def __repr__(self) -> str:
        return f"PoseGrid({self._repr_fields()}, poses={len(self._rows)})"

    def _load(self) -> None:
        """The collection and the first page of poses; the other pages load in the
        background once the widget is open (see `_load_rest`)."""
        super()._load()
        pages = self._client.items.pages(self._needed_collection_id())
        first, total = next(pages, ([], 0))
        self._rows.upsert(pose_entries(first))
        if total is None or total > len(first):
            self._rows.loading = True
            self._pages = pages
        self._first = (len(first), total)
        self.set_trait("pose_list", self._rows.rows)
        self._rows.rows = self.pose_list  # changed in place from now on (see PoseRows)

    def _start_still_pictures(self) -> None:
        """Start making the thumbnails of the first poses, which the still picture shows, in
        the cache's pool: the display (which draws that picture) then finds them made or on
        their way, and so do the view's first tiles. Nothing waits for them here."""
        for entry in self._rows.entries()[:STILL_POSES]:
            self._cache.submit(self._client, entry.asset_id)

    def still_section(self, wait: float = STILL_WAIT) -> Section:
        """The poses as a section of a still picture: the first few and the selected one,
        with the thumbnails the cache has or makes within `wait` seconds (the others say
        "no picture"), and the last animation in words."""
        entries = self._rows.entries()
        shown = entries[:STILL_POSES]
        selected = self._rows.get(self.selected_item_id)
        if selected is not None and selected not in shown:
            shown = [*shown[: STILL_POSES - 1], selected]
        asked = {entry.item_id: self._cache.submit(self._client, entry.asset_id) for entry in shown}
        futures.wait(asked.values(), timeout=wait)
        tiles = []
        for entry in shown:
            future = asked[entry.item_id]
            picture = future.result() if future.done() and future.exception() is None else None
            data = None if picture is None else picture.thumbnail.data
            score = entry.score
            if not entry.scored and picture is not None:
                score = self._scored(entry, picture, tell=False)
            tiles.append(Tile(data, entry.name, score, entry.item_id == self.selected_item_id))
        more = len(entries) - len(shown)
        note = f"{len(entries)} pose{'s' if len(entries) != 1 else ''}"
        note += f" · {more} more not shown" if more > 0 else ""
        if selected is not None:
            note += f" · selected: {selected.name}"
        if any(tile.score is not None for tile in tiles):
            note += " · badges: on-model score, 0 to 100"
        lines = []
        if self.animation.get("item_id"):
            clip = self.animation
            looping = ", looping" if clip.get("loop") else ""
            lines.append(
                f"Last animation: “{clip.get('prompt', '')}”, {clip.get('duration')} s{looping}"
            )
        return Section("Poses", note, tiles, lines=lines)

    def _still(self) -> tuple[Image.Image, str]:
        section = self.still_section()
        name = self.collection_name or "Pose grid"
        return draw_picture(name, "Pose grid", [section]), f"Poses of {name}: {section.note}."

    # --- selection -----------------------------------------------------------
    def select(self, item_id: str | None) -> None:
        """Select a pose by item id (None clears the selection)."""
        try:
            self.selected_item_id = item_id
        except t.TraitError as exc:  # an unknown id (see _check_selection)
            raise ValueError(str(exc)) from None

    def selected_image(self) -> Image.Image | None:
        """The selected pose's original image (not the thumbnail), fetched now; or None."""
        asset_id = self.source_image_asset_id
        if asset_id is None:
            return None
        image = Image.open(io.BytesIO(self._client.assets.get(asset_id).read()))
        image.load()
        return image

    @t.validate("selected_item_id")
    def _check_selection(self, proposal: Any) -> str | None:
        item_id: str | None = proposal["value"]
        if item_id is not None and self._rows.get(item_id) is None:
            raise t.TraitError(self._no_pose(item_id))
        return item_id

    def _no_pose(self, item_id: str) -> str:
        """Why there is no pose of `item_id`, in words."""
        if self._rows.loading:
            return (
                f"No pose with item id {item_id!r:.60} yet: the poses are still loading; "
                "grid.wait() waits until they are all in."
            )
        return f"No pose with item id {item_id!r:.60} in this grid."

    @t.observe("selected_item_id")
    def _selection_changed(self, change: dict[str, Any]) -> None:
        entry = self._rows.get(change["new"])
        self.set_trait("source_image_asset_id", entry.asset_id if entry else None)

    # --- pictures and on-model scores ----------------------------------------------
    def on_model_score(self, item_id: str) -> int | None:
        """How close the pose's palette stays to the references' (0-100); None without
        references. Made (and kept) when first asked for."""
        entry = self._rows.get(item_id)
        if entry is None:
            raise ValueError(self._no_pose(item_id))
        if entry.scored:
            return entry.score
        return self._scored(entry, self._picture(entry.asset_id))

    def _picture(self, asset_id: str) -> AssetPicture:
        return self._cache.get(self._client, asset_id)

    def _scored(self, entry: PoseEntry, picture: AssetPicture, *, tell: bool = True) -> int | None:
        """Score `entry` from its picture; with `tell`, views already open get the score."""
        references = self._references[1] if self._references else ()
        score = on_model_score(references, picture.palette)
        with self._rows.changing():
            row = self._rows.set_score(entry.item_id, entry.asset_id, score)
            if row is not None and tell:
                self._send_patch([row])
        return score

    def show_references(self, asset_ids: Sequence[str], style_card: str | None) -> None:
        super().show_references(asset_ids, style_card)
        ids = tuple(asset_ids)
        if self._references is not None and self._references[0] == ids:
            return
        futures = [self._cache.submit(self._client, asset_id) for asset_id in ids]
        self._references = (ids, reference_palette([f.result().palette for f in futures]))
        self._rescore()

    def _rescore(self) -> None:
        """Score again every pose scored before (their palettes are kept), in one patch."""
        scored = [entry for entry in self._rows.entries() if entry.scored]
        references = self._references[1] if self._references else ()
        futures = [self._cache.submit(self._client, entry.asset_id) for entry in scored]
        scores = [on_model_score(references, f.result().palette) for f in futures]
        with self._rows.changing():
            changed = [
                row
                for entry, score in zip(scored, scores, strict=True)
                if (row := self._rows.set_score(entry.item_id, entry.asset_id, score))
            ]
            self._send_patch(changed)

    @on_event(
        "thumbnails",
        ids=Many(item=Text(max_chars=MAX_ID_CHARS), max_items=THUMBNAILS_PER_REQUEST),
    )
    def _on_thumbnails(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        """The front end asks for the thumbnails of the tiles it shows: they are sent as
        they are made, a few per message, each with the pose's score."""
        entries = [self._rows.get(item_id) for item_id in message["ids"]]
        found = [entry for entry in entries if entry is not None]
        delivery = Delivery(self.send, len(found))
        for entry in found:
            future = self._cache.submit(self._client, entry.asset_id)
            future.add_done_callback(functools.partial(self._deliver, delivery, entry))

    def _deliver(self, delivery: Delivery, entry: PoseEntry, done: Future[AssetPicture]) -> None:
        try:
            picture = done.result()
        except Exception as exc:  # the tile says so; the next request tries again
            delivery.add([entry.item_id, entry.version, friendly_error(exc)], None)
            return
        score = entry.score if entry.scored else self._scored(entry, picture, tell=False)
        delivery.add([entry.item_id, entry.version, score], picture.thumbnail.data)

    def export_state(self) -> dict[str, Any]:
        """Every thumbnail, for a saved page (it has no kernel to ask): `pose_pictures`."""
        if self._loader is not None:
            self._loader.wait()  # every pose, not the pages loaded so far
        entries = self._rows.entries()
        futures = [self._cache.submit(self._client, entry.asset_id) for entry in entries]
        pictures = []
        for entry, future in zip(entries, futures, strict=True):
            picture = future.result()
            thumbnail = picture.thumbnail
            pictures.append(
                {
                    "id": entry.item_id,
                    "version": entry.version,
                    "mime": thumbnail.mime,
                    "width": thumbnail.width,
                    "height": thumbnail.height,
                    "score": entry.score if entry.scored else self._scored(entry, picture),
                    "data": thumbnail.data,
                }
            )
        return {"pose_list": self._rows.rows, "pose_pictures": pictures}

    def _send_patch(
        self, upsert: list[list[Any]], remove: Sequence[str] = (), last: Sequence[str] = ()
    ) -> None:
        """Tell open views which poses changed (the synced list itself is already current):
        rows to add or change, ids to remove, and ids that move to the end, in that order."""
        if upsert or remove or last:
            patch: dict[str, Any] = {"event": "poses", "upsert": upsert, "remove": list(remove)}
            if last:
                patch["last"] = list(last)
            self.send(patch)

    # --- loading poses -----------------------------------------------------------
    def refresh(self) -> None:
        """Fetch the collection and its items again; new or changed poses appear."""
        self._stop_loading()  # the full list below has every page
        self.reload_collection()
        self._sync_items()

    def _stop_loading(self) -> None:
        if self._loader is not None:
            self._loader.cancel()
        self._rows.finish_loading()

    def close(self) -> None:
        """Close the widget; poses still loading stop loading, and poses on their way are
        no longer waited for."""
        self._closing.set()
        self._stop_loading()
        super().close()

    def _sync_items(self) -> None:
        fresh = pose_entries(self._client.items.list(self._needed_collection_id()))
        with self._rows.changing():
            changed = self._rows.upsert(fresh)
            gone = self._rows.keep_only({entry.item_id for entry in fresh})
            self._send_patch(changed, gone)
        self._selection_follows()

    def _load_rest(self, task: Task) -> None:
        """Add the pages after the first as they come, showing "n of total"; stops
        between pages when cancelled (closing the widget does)."""
        assert self._pages is not None
        pages, self._pages = self._pages, None
        loaded, total = self._first
        try:
            task.progress(done=loaded, total=total or 0)
            for items, total in pages:
                if task.cancel_event.is_set():
                    return
                with self._rows.changing():
                    change = self._rows.add_page(pose_entries(items))
                    self._send_patch(change.upsert, last=change.last)
                loaded += len(items)
                task.progress(done=loaded, total=total or 0)
        finally:
            self._rows.finish_loading()

    def _put_pose(self, item_id: str, name: str, asset_id: str) -> Pose:
        """Show one pose: a new tile, or the existing tile of that item updated."""
        entry = PoseEntry(item_id, name, asset_id)
        with self._rows.changing():
            self._send_patch(self._rows.upsert([entry]))
        self._selection_follows()
        return self._pose(entry)

    def _pose(self, entry: PoseEntry) -> Pose:
        return Pose(entry, self.on_model_score, self._picture)

    @on_event("sync")
    def _on_sync(self, _message: dict[str, Any], _buffers: list[Any]) -> None:
        """A view asks for the list as it is now, and the running tasks: it may have missed
        changes made before it started (marimo starts its views after the cell)."""
        with self._rows.changing():
            self.send({"event": "poses", "all": self._rows.snapshot()})
        self.send_state(["tasks", "pending"])

    def _selection_follows(self) -> None:
        """The selected pose's picture may have changed, or the pose gone."""
        selected = self._rows.get(self.selected_item_id)
        if self.selected_item_id is not None:
            self.set_trait("source_image_asset_id", selected.asset_id if selected else None)

    def _after_generation(self) -> None:
        """A generation extracts the style card when it was cleared: show it."""
        self.reload_collection()

    # --- animate -------------------------------------------------------------------
    def animate(self, prompt: str, duration: int = 4, loop: bool = True) -> Task:
        """Animate the selected pose in the background; the video then plays in the grid.

        Returns the Task (`task.wait()` gives the finished Job); Cancel stops the wait.
        """
        source = self.source_image_asset_id
        pose = self._rows.get(self.selected_item_id)
        if source is None or pose is None:
            raise ValueError("Select a pose to animate first: click a tile, or grid.select(id).")
        if not prompt or not prompt.strip():
            raise ValueError("Write an animation prompt first, e.g. 'waves hello'.")
        if not MIN_DURATION <= int(duration) <= MAX_DURATION:
            raise ValueError(
                f"Duration is {MIN_DURATION} to {MAX_DURATION} whole seconds, got {duration}."
            )

        def work(task: Task) -> api.Job:
            job = self._client.generations.animate(
                self._needed_collection_id(),
                source,
                prompt,
                duration=int(duration),
                loop=bool(loop),
            )
            done = self._wait_job(task, job, "Animating")
            kind, mime = next((k, m) for k, m in _VIDEO_KINDS if k in done.urls)
            clip: dict[str, Any] = {
                "item_id": done.item_id or pose.item_id,
                "prompt": prompt,
                "duration": int(duration),
                "loop": bool(loop),
                "mime": mime,
            }
            data = self._client.download(done.urls[kind])
            if len(data) <= MAX_VIDEO_BYTES:
                clip["data"] = data
            else:
                clip["url"] = done.urls[kind]
            self.set_trait("animation", clip)
            self._after_generation()
            return done

        return self._start(f"Animating {pose.name}", work, kind="animate")

    # --- edit ---------------------------------------------------------------------------
    def edit(self, instructions: str) -> Task:
        """Change the selected pose's picture as `instructions` say (e.g. "add a red scarf"),
        in the background; its tile shows the progress, then the new picture in place.

        Returns the Task (`task.wait()` gives the changed Pose); Cancel stops the wait, and
        the new picture still appears when the job ends.
        """
        source = self.source_image_asset_id
        pose = self._rows.get(self.selected_item_id)
        if source is None or pose is None:
            raise ValueError("Select a pose to edit first: click a tile, or grid.select(id).")
        if not instructions or not instructions.strip():
            raise ValueError("Write what to change first, e.g. 'add a red scarf'.")

        def work(task: Task) -> Pose:
            job = self._client.generations.edit(
                self._needed_collection_id(), source, instructions.strip()
            )
            self._pending.add(job.id, EDIT, pose.name, pose.item_id, job.status)
            edited = self._await_pose(task, job, pose.name)
            self._after_generation()
            return edited

        return self._start(f"Editing {pose.name or 'the pose'}", work, kind="edit")

    # --- poses on their way ------------------------------------------------------------
    def _await_pose(self, task: Task, job: api.Job, name: str) -> Pose:
        """Wait for a job that makes or changes a pose, its tile (or placeholder) showing the
        job's status; then show the pose. Cancel stops this wait but not the job: a quiet
        task waits on, and the pose appears by itself when the job ends (until the grid
        closes)."""
        handed_over = False
        try:
            done = self._client.jobs.wait(
                job,
                on_progress=lambda seen: self._pending.status(job.id, seen.status),
                cancel=task.cancel_event,
            )
            if done.item_id is None:
                raise api.MaskoError(f"the finished job {done.id} names no pose: press Refresh")
            return self._put_pose(done.item_id, done.item_name or name, self._image_of(done))
        except api.WaitCancelledError:
            if task.kind != LATE and not self._closing.is_set():
                self._start(
                    f"{name or 'A pose'}: still on its way",
                    lambda late: self._await_pose(late, job, name),
                    cancellable=False,
                    kind=LATE,
                )
                handed_over = True
            raise
        finally:
            if not handed_over:
                self._pending.drop(job.id)

    def _image_of(self, done: api.Job) -> str:
        """The `image` asset id a finished job made: from its answers, or (when they named
        no asset ids, as the jobs docs print them) from its item as the collection's item
        listing shows it now (the contract has no path for one item)."""
        image = done.asset_ids.get("image")
        if image is None and done.item_id is not None and self.collection_id is not None:
            listed = self._client.items.iter(self.collection_id)
            item = next((item for item in listed if item.id == done.item_id), None)
            image = item.image_asset_id if item else None
        if image is None:
            raise api.MaskoError(f"the finished job {done.id} names no picture: press Refresh")
        return image

    def _stopped_notice(self, task: Task) -> str:
        if task.kind in ("generate", "edit"):
            return (
                f"Stopped waiting: {task.label}. What the server already accepted still "
                "appears here when it is done."
            )
        return super()._stopped_notice(task)

    # --- new poses -------------------------------------------------------------------
    def suggest(self) -> list[str]:
        """Ask for pose names that suit the character (free); shown as choices, without the
        poses the collection already has."""
        existing = {pose.name.strip().casefold() for pose in self.poses}
        actions = [
            action
            for action in self._client.suggest_actions(self._needed_collection_id())
            if action.strip().casefold() not in existing
        ]
        self.set_trait("suggestions", actions)
        return actions

    def generate(self, actions: Sequence[str]) -> Task:
        """Generate up to 10 poses (one per action name) as a batch, in the background.

        Each tile appears when its job finishes. `task.wait()` gives the new Poses, or raises
        when any failed (the others still appear).
        """
        names = [pose_name(name).strip() for name in actions]  # junk names cost nothing
        if not names:
            raise ValueError("Pick at least one pose to generate.")
        if len(names) > MAX_BATCH:
            raise ValueError(f"At most {MAX_BATCH} poses at once; {len(names)} were picked.")
        label = f"Generating {len(names)} pose{'s' if len(names) > 1 else ''}"
        return self._start(label, lambda task: self._generate(task, names), kind="generate")

    def _generate(self, task: Task, names: list[str]) -> list[Pose]:
        requests = [{"type": "image", "name": name, "image_prompt": name} for name in names]
        answers = self._client.generations.batch(self._needed_collection_id(), requests)
        problems = [
            f"{name}: {friendly_error(answer)}"
            for name, answer in zip(names, answers, strict=False)
            if not isinstance(answer, api.Job)
        ]
        jobs = [answer for answer in answers if isinstance(answer, api.Job)]
        for job in jobs:
            self._pending.add(job.id, NEW, job.item_name or "", None, job.status)
        task.progress("waiting for the jobs", done=0, total=len(jobs))
        finished: list[Pose] = []
        cancelled: list[api.WaitCancelledError] = []
        ended = 0
        lock = threading.Lock()

        def follow(job: api.Job) -> None:
            nonlocal ended
            try:
                pose = self._await_pose(task, job, job.item_name or "")
                with lock:
                    finished.append(pose)
            except api.WaitCancelledError as exc:
                with lock:
                    cancelled.append(exc)
            except api.MaskoError as exc:
                with lock:
                    problems.append(f"{job.item_name}: {friendly_error(exc)}")
            with lock:
                ended += 1
                task.progress(done=ended)

        with ThreadPoolExecutor(max(1, len(jobs))) as pool:
            list(pool.map(follow, jobs))
        if finished:
            self._after_generation()
        if cancelled:
            raise cancelled[0]
        if problems:
            raise api.MaskoError(
                f"{len(problems)} of {len(names)} poses failed: " + "; ".join(problems)
            )
        return finished

    # --- front-end events (fields checked by on_event; see _messages) -------------------
    @on_event("refresh")
    def _on_refresh(self, _message: dict[str, Any], _buffers: list[Any]) -> None:
        self._start("Refreshing", lambda _task: self.refresh(), cancellable=False, kind="refresh")

    @on_event("suggest")
    def _on_suggest(self, _message: dict[str, Any], _buffers: list[Any]) -> None:
        self._start(
            "Suggesting poses", lambda _task: self.suggest(), cancellable=False, kind="suggest"
        )

    @on_event(
        "animate",
        prompt=Text(),
        duration=Whole(low=MIN_DURATION, high=MAX_DURATION, default=4),
        loop=Flag(default=True),
    )
    def _on_animate(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        self.animate(message["prompt"], message["duration"], message["loop"])

    @on_event("edit", instructions=Text(min_chars=1))
    def _on_edit(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        self.edit(message["instructions"])

    @on_event("generate", actions=Many(item=Checked(checker=pose_name)))  # generate() says 10
    def _on_generate(self, message: dict[str, Any], _buffers: list[Any]) -> None:
        self.generate(message["actions"])
