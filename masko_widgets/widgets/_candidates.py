"""The candidates a gallery tries before it pins them, and what its trial panel shows.

`Candidates` holds the chosen images (each fetched or uploaded once: the trial needs its URL
and `pin` reuses it); it is no widget, the gallery that owns it shows them. `trial_state` turns a
finished `Trial` into the panel's state (see `_trial` for the requests themselves).
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from masko_widgets import client as api
from masko_widgets._contract import MAX_REFERENCES
from masko_widgets.widgets._thumbnails import make_thumbnail
from masko_widgets.widgets._trial import Candidate, Trial, candidate


class Candidates:
    """Candidate references by id, in the order they were added (at most 6 at once)."""

    def __init__(self, client: api.MaskoClient) -> None:
        self._client = client
        self._found: dict[str, Candidate] = {}
        self._lock = threading.Lock()

    def add(self, image_or_asset_or_url: Any) -> dict[str, Any]:
        """Fetch or upload one candidate; returns its entry for the panel (id, label,
        asset_id, thumbnail, mime). Raises when 6 are already waiting or the image fails."""
        if len(self._found) >= MAX_REFERENCES:
            raise api.ReferenceLimitError(
                f"Try at most {MAX_REFERENCES} candidates at once: remove one first."
            )
        found = candidate(self._client, image_or_asset_or_url)
        entry_id = uuid.uuid4().hex[:12]
        with self._lock:
            self._found[entry_id] = found
        thumbnail = make_thumbnail(found.image)
        return {
            "id": entry_id,
            "label": found.label,
            "asset_id": found.asset_id,
            "thumbnail": thumbnail.data,
            "mime": thumbnail.mime,
        }

    def remove(self, candidate_id: str) -> None:
        with self._lock:
            self._found.pop(candidate_id, None)

    def clear(self) -> None:
        with self._lock:
            self._found.clear()

    def chosen(self) -> list[Candidate]:
        """The candidates, oldest first."""
        with self._lock:
            return list(self._found.values())


def trial_state(result: Trial) -> dict[str, Any]:
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
