"""PoseGrid: a collection's poses as a selectable grid; animate one, or generate new ones."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

import ipywidgets
import traitlets as t
from PIL import Image

from masko_widgets import client as api
from masko_widgets._contract import MAX_BATCH, MAX_DURATION, MIN_DURATION
from masko_widgets._palette import Palette, dominant_palette
from masko_widgets.widgets._base import CollectionWidget, Task, static_file
from masko_widgets.widgets._errors import friendly_error
from masko_widgets.widgets._score import on_model_score, reference_palette
from masko_widgets.widgets._thumbnails import make_thumbnail

MAX_VIDEO_BYTES = 16 * 1024 * 1024
"""Larger animations are shown from their URL instead of travelling as bytes."""
_VIDEO_KINDS = (("webm", "video/webm"), ("video", "video/mp4"))
_DOWNLOADS = 4


class Pose(ipywidgets.Widget):
    """One tile of a PoseGrid, with its own widget model.

    The grid's poses form a chain, newest first: the grid holds `last_pose` and each pose
    its `previous`. Adding a pose therefore sends that pose and two references, not the
    list of every pose again.
    """

    item_id = t.Unicode().tag(sync=True)
    name = t.Unicode().tag(sync=True)
    asset_id = t.Unicode(help="The item's `image` asset: what animate takes.")
    thumbnail = t.Bytes(help="Display-size WebP; the original stays in Python.").tag(sync=True)
    mime = t.Unicode("image/webp").tag(sync=True)
    width = t.Int(0).tag(sync=True)
    height = t.Int(0).tag(sync=True)
    score = t.Int(None, allow_none=True, help="On-model score, 0-100.").tag(sync=True)
    previous = t.ForwardDeclaredInstance("Pose", allow_none=True).tag(
        sync=True, **ipywidgets.widget_serialization
    )

    def __repr__(self) -> str:
        return f"Pose({self.name!r}, score={self.score})"


class PoseGrid(CollectionWidget):
    """The collection's poses. Click (or arrow keys + Enter) selects one; its `image` asset
    becomes `source_image_asset_id`, the input of Animate. "New poses" generates suggested
    actions as a batch; each tile appears when its job finishes. Each tile shows an
    on-model score: how close its palette stays to the references' (0-100).
    """

    _esm = static_file("grid.js")
    _css = static_file("style.css")

    last_pose = t.Instance(Pose, allow_none=True, read_only=True).tag(
        sync=True, **ipywidgets.widget_serialization
    )
    selected_item_id = t.Unicode(
        None,
        allow_none=True,
        help="The selected pose's item id (set by a click), or None.",
    ).tag(sync=True)
    source_image_asset_id = t.Unicode(
        None,
        allow_none=True,
        read_only=True,
        help="The selected pose's `image` asset id (never transparent_image), or None.",
    ).tag(sync=True)
    animation = t.Dict(
        read_only=True,
        help="The last animation: item_id, prompt, duration, loop, mime, and data (bytes) or url.",
    ).tag(sync=True)
    suggestions = t.List(t.Unicode(), read_only=True).tag(sync=True)
    max_batch = t.Int(MAX_BATCH, read_only=True).tag(sync=True)
    min_duration = t.Int(MIN_DURATION, read_only=True).tag(sync=True)
    max_duration = t.Int(MAX_DURATION, read_only=True).tag(sync=True)

    _needs_collection: ClassVar = True
    _events: ClassVar = {
        "refresh": "_on_refresh",
        "animate": "_on_animate",
        "suggest": "_on_suggest",
        "generate": "_on_generate",
    }

    def __init__(
        self,
        client: api.MaskoClient | None = None,
        collection: api.Collection | str | None = None,
        **kwargs: Any,
    ) -> None:
        self._originals: dict[str, bytes] = {}  # image asset id -> original file bytes
        self._palettes: dict[str, Palette] = {}  # image asset id -> palette
        self._references: tuple[tuple[str, ...], Palette] | None = None
        self._poses: list[Pose] = []
        self._poses_lock = threading.RLock()
        super().__init__(client, collection, **kwargs)

    @property
    def poses(self) -> tuple[Pose, ...]:
        """The poses, oldest first."""
        with self._poses_lock:
            return tuple(self._poses)

    def __repr__(self) -> str:
        return f"PoseGrid({self._repr_fields()}, poses={len(self.poses)})"

    def _load(self) -> None:
        super()._load()
        self._sync_items()

    # --- selection -----------------------------------------------------------
    def select(self, item_id: str | None) -> None:
        """Select a pose by item id (None clears the selection)."""
        if item_id is not None and self._pose(item_id) is None:
            raise ValueError(f"No pose with item id {item_id!r} in this grid.")
        self.selected_item_id = item_id

    def selected_image(self) -> Image.Image | None:
        """The selected pose's original image (not the thumbnail), or None."""
        asset_id = self.source_image_asset_id
        if asset_id is None:
            return None
        if asset_id not in self._originals:
            self._originals[asset_id] = self._client.assets.get(asset_id).read()
        image = Image.open(io.BytesIO(self._originals[asset_id]))
        image.load()
        return image

    @t.observe("selected_item_id")
    def _selection_changed(self, change: dict) -> None:
        pose = self._pose(change["new"])
        self.set_trait("source_image_asset_id", pose.asset_id if pose else None)

    def _pose(self, item_id: str | None) -> Pose | None:
        return next((pose for pose in self.poses if pose.item_id == item_id), None)

    # --- on-model score ------------------------------------------------------------
    def on_model_score(self, item_id: str) -> int | None:
        """How close the pose's palette stays to the references' (0-100); None without
        references."""
        pose = self._pose(item_id)
        if pose is None:
            raise ValueError(f"No pose with item id {item_id!r} in this grid.")
        return pose.score

    def _set_references(self, asset_ids: Sequence[str], style_card: str | None) -> None:
        super()._set_references(asset_ids, style_card)
        ids = tuple(asset_ids)
        if self._references is not None and self._references[0] == ids:
            return
        images = [
            Image.open(io.BytesIO(self._client.assets.get(asset_id).read())) for asset_id in ids
        ]
        self._references = (ids, reference_palette(images))
        for pose in self.poses:
            pose.score = self._score(pose.asset_id)

    def _score(self, asset_id: str) -> int | None:
        references = self._references[1] if self._references else ()
        return on_model_score(references, self._palettes[asset_id])

    # --- loading poses -----------------------------------------------------------
    def refresh(self) -> None:
        """Fetch the collection and its items again; new or changed poses appear."""
        self.reload_collection()
        self._sync_items()

    def _sync_items(self) -> None:
        current = {pose.item_id: pose.asset_id for pose in self.poses}
        todo = [
            item
            for item in self._client.items.list(self.collection_id)
            if item.image_asset_id and current.get(item.id) != item.image_asset_id
        ]
        with ThreadPoolExecutor(_DOWNLOADS) as pool:
            loaded = list(pool.map(self._fetch_item_image, todo))
        for item, data in zip(todo, loaded, strict=True):
            if data is not None:
                self._put_pose(item.id, item.name, item.image_asset_id, data)

    def _fetch_item_image(self, item: api.Item) -> bytes | None:
        """The item's image bytes; None while its job is still running."""
        asset = self._client.assets.get(item.image_asset_id)
        return asset.read() if asset.status == "completed" else None

    def _put_pose(self, item_id: str, name: str, asset_id: str, data: bytes) -> Pose:
        """Show one pose: a new tile, or the existing tile of that item updated."""
        thumbnail = make_thumbnail(data)
        self._originals[asset_id] = data
        self._palettes[asset_id] = dominant_palette(Image.open(io.BytesIO(data)))
        state = {
            "item_id": item_id,
            "name": name,
            "asset_id": asset_id,
            **thumbnail.as_state(),
            "score": self._score(asset_id),
        }
        with self._poses_lock:
            pose = self._pose(item_id)
            if pose is None:
                pose = Pose(previous=self.last_pose, **state)
                self._poses.append(pose)
                self.set_trait("last_pose", pose)
            else:
                with pose.hold_sync():
                    for key, value in state.items():
                        setattr(pose, key, value)
            if self.selected_item_id == item_id:
                self.set_trait("source_image_asset_id", asset_id)
        return pose

    def _after_generation(self) -> None:
        """A generation extracts the style card when it was cleared: show it."""
        self.reload_collection()

    # --- animate -------------------------------------------------------------------
    def animate(self, prompt: str, duration: int = 4, loop: bool = True) -> Task:
        """Animate the selected pose in the background; the video then plays in the grid.

        Returns the Task (`task.wait()` gives the finished Job); Cancel stops the wait.
        """
        source = self.source_image_asset_id
        pose = self._pose(self.selected_item_id)
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
                self.collection_id, source, prompt, duration=int(duration), loop=bool(loop)
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

    # --- new poses -------------------------------------------------------------------
    def suggest(self) -> list[str]:
        """Ask for 6 to 8 pose names that suit the character (free); shown as choices."""
        actions = self._client.suggest_actions(self.collection_id)
        self.set_trait("suggestions", actions)
        return actions

    def generate(self, actions: Sequence[str]) -> Task:
        """Generate up to 10 poses (one per action name) as a batch, in the background.

        Each tile appears when its job finishes. `task.wait()` gives the new Poses, or raises
        when any failed (the others still appear).
        """
        names = [name.strip() for name in actions if name and name.strip()]
        if not names:
            raise ValueError("Pick at least one pose to generate.")
        if len(names) > MAX_BATCH:
            raise ValueError(f"At most {MAX_BATCH} poses at once; {len(names)} were picked.")
        label = f"Generating {len(names)} pose{'s' if len(names) > 1 else ''}"
        return self._start(label, lambda task: self._generate(task, names), kind="generate")

    def _generate(self, task: Task, names: list[str]) -> list[Pose]:
        requests = [{"type": "image", "name": name, "image_prompt": name} for name in names]
        answers = self._client.generations.batch(self.collection_id, requests)
        problems = [
            f"{name}: {friendly_error(answer)}"
            for name, answer in zip(names, answers, strict=False)
            if not isinstance(answer, api.Job)
        ]
        jobs = [answer for answer in answers if isinstance(answer, api.Job)]
        task.progress("waiting for the jobs", done=0, total=len(jobs))
        finished: list[Pose] = []
        cancelled: list[api.WaitCancelledError] = []
        ended = 0
        lock = threading.Lock()

        def follow(job: api.Job) -> None:
            nonlocal ended
            try:
                done = self._client.jobs.wait(job, cancel=task.cancel_event)
                data = self._client.download(done.urls["image"])
                pose = self._put_pose(
                    done.item_id,
                    done.item_name or job.item_name or "",
                    done.asset_ids["image"],
                    data,
                )
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

    # --- front-end events --------------------------------------------------------------
    def _on_refresh(self, _content: dict, _buffers: list) -> None:
        self._start("Refreshing", lambda _task: self.refresh(), cancellable=False, kind="refresh")

    def _on_suggest(self, _content: dict, _buffers: list) -> None:
        self._start(
            "Suggesting poses", lambda _task: self.suggest(), cancellable=False, kind="suggest"
        )

    def _on_animate(self, content: dict, _buffers: list) -> None:
        self._quietly(
            lambda: self.animate(
                str(content.get("prompt") or ""),
                int(content.get("duration") or 4),
                bool(content.get("loop", True)),
            )
        )

    def _on_generate(self, content: dict, _buffers: list) -> None:
        actions = content.get("actions")
        self._quietly(
            self.generate, [str(name) for name in actions] if isinstance(actions, list) else []
        )
