"""The gallery's "try before you pin" panel: candidate references, a preview with the set
pinning them would make beside one with the current set, their on-model scores, and "Pin these"
(see `_trial` for the requests themselves)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import traitlets as t

from masko_widgets import client as api
from masko_widgets._contract import MAX_REFERENCES
from masko_widgets.widgets._base import CollectionWidget, Task, named_file
from masko_widgets.widgets._messages import FILE_NAME, ID, OPTIONAL_TEXT, URL, Many, on_event
from masko_widgets.widgets._thumbnails import make_thumbnail
from masko_widgets.widgets._trial import Candidate, Trial, candidate, pin, try_references


class TrialPanel(CollectionWidget):
    """Candidates to try as references, the last trial, and pinning the candidates.

    Nothing changes in the collection until `pin`: `try_references` previews the current
    references plus the candidates as one-off hints beside a preview with the current references.
    """

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._candidates: dict[str, Candidate] = {}  # candidate id -> what is tried and pinned
        self._candidates_lock = threading.RLock()
        super().__init__(*args, **kwargs)

    # --- Python API ---------------------------------------------------------------------
    def add_candidate(self, image_or_asset_or_url: Any) -> str:
        """Add a candidate reference (path, bytes, PIL image, URL, Asset or asset id) to try;
        a file is uploaded once (the trial needs its URL; `pin` reuses it). Returns its id."""
        with self._candidates_lock:
            full = len(self._candidates) >= MAX_REFERENCES
        try:
            if full:
                raise api.ReferenceLimitError(
                    f"Try at most {MAX_REFERENCES} candidates at once: remove one first."
                )
            found = candidate(self._client, image_or_asset_or_url)
        except (ValueError, api.MaskoError, OSError) as exc:
            self._fail(exc)
            raise
        entry_id = uuid.uuid4().hex[:12]
        entry = {"id": entry_id, "label": found.label, "asset_id": found.asset_id}
        with self._candidates_lock:
            self._candidates[entry_id] = found
            self.set_trait(
                "trial_candidates",
                [*self.trial_candidates, {**entry, **_picture(found)}],
            )
        return entry_id

    def remove_candidate(self, candidate_id: str) -> None:
        """Drop one candidate (nothing was pinned, so nothing else changes)."""
        with self._candidates_lock:
            self._candidates.pop(candidate_id, None)
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
            with self._candidates_lock:
                self._candidates.clear()
                self.set_trait("trial_candidates", [])
            for value in candidates:
                self.add_candidate(value)
        if prompt is not None:
            self.trial_prompt = prompt
        try:
            if not self.trial_prompt.strip():
                raise ValueError("Write a prompt to try the candidates with, e.g. 'waving'.")
            if not self._candidates:
                raise ValueError("Add a candidate reference to try first.")
            result = try_references(
                self._client,
                self._needed_collection_id(),
                list(self._candidates.values()),
                self.trial_prompt,
                replace,
            )
        except Exception as exc:
            self._fail(exc)
            raise
        self.set_trait("trial", _trial_state(result))
        self.error = ""
        return result

    def pin(self, replace: Sequence[api.Asset | str] = ()) -> tuple[str, ...]:
        """Make the candidates persistent references, unpinning `replace` first (needed when
        they do not fit in the free slots). Returns the reference asset ids."""
        with self._candidates_lock:
            chosen = list(self._candidates.values())
        try:
            if not chosen:
                raise ValueError("There is no candidate to pin: add and try some first.")
            references = pin(self._client, self._needed_collection_id(), chosen, replace)
            self.show_references(references.asset_ids, references.style_card)
        except Exception as exc:
            self._fail(exc)
            raise
        with self._candidates_lock, self.hold_sync():
            self._candidates.clear()
            self.set_trait("trial_candidates", [])
            self.set_trait("trial", {})
            self.error = ""
        return tuple(self.reference_asset_ids)

    # --- front-end events (fields checked by on_event; see _messages) -----------------------
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


def _picture(found: Candidate) -> dict[str, Any]:
    thumbnail = make_thumbnail(found.image)
    return {"thumbnail": thumbnail.data, "mime": thumbnail.mime}


def _trial_state(result: Trial) -> dict[str, Any]:
    """What the panel shows of a trial: thumbnails of both previews and the four scores."""
    sides = {
        side: {
            "previews": [
                {"thumbnail": (thumb := make_thumbnail(image)).data, "mime": thumb.mime}
                for image in result.images[side]
            ],
            "scores": dict(result.scores[side]),
        }
        for side in result.images
    }
    return {
        "prompt": result.prompt,
        "current": list(result.current),
        "replace": list(result.replace),
        "candidate_count": len(result.candidates),
        "sides": sides,
    }
