"""Try before you pin: preview what pinning candidate references would give (the current
references plus the candidates) beside the collection's persistent set, score each preview
against each set, and pin the chosen set only when asked.

`try_references` leaves the collection's references as they are: the set a pin would make travels
as `reference_image_urls` of one preview request (a local file is uploaded once to get the URL
the request needs, and `pin` reuses that upload). `pin` makes them persistent within the 6 slots;
when they do not fit it needs `replace=` (which current references to unpin). A failure
half-way, a lost answer included, ends in the old set or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from masko_widgets import client as api
from masko_widgets._contract import IMAGE_ASSET_TYPES, MAX_REFERENCES
from masko_widgets._palette import dominant_palette
from masko_widgets.client._inputs import object_id as id_of
from masko_widgets.client._inputs import reference
from masko_widgets.widgets._cache import shared_cache
from masko_widgets.widgets._score import on_model_score, reference_palette

CANDIDATES = "candidates"
CURRENT = "current"
SETS = (CANDIDATES, CURRENT)
SETTLE_ROUNDS = 3  # rounds of "read the references, undo what differs" after a failed pin


class ReplaceNeededError(api.ReferenceLimitError):
    """The candidates do not fit in the free slots: `needed` current references must go
    (`pin(..., replace=[...])`); `current` lists them."""

    def __init__(self, message: str, needed: int, current: Sequence[str]) -> None:
        super().__init__(message)
        self.needed = needed
        self.current: tuple[str, ...] = tuple(current)


@dataclass(frozen=True)
class Candidate:
    """One image to try as a reference: what the preview sends (`url`) and what `pin` sends
    (`asset_id`, or the URL when it has none)."""

    label: str
    url: str
    asset_id: str | None
    image: Image.Image = field(repr=False, compare=False)


@dataclass(frozen=True)
class Trial:
    """Both previews of one prompt and their on-model scores.

    `previews[CANDIDATES]` used the set pinning would make (the current references but those in
    `replace`, plus the candidates) as one-off hints; `previews[CURRENT]` used the collection's
    persistent references (`current`, as they were when tried).
    `scores[preview][reference_set]` is 0-100 (None when that set has no references): e.g.
    `scores["candidates"]["current"]` says how well the candidate previews keep the current
    look. Nothing in the collection changes until `pin`.
    """

    prompt: str
    candidates: tuple[Candidate, ...]
    current: tuple[str, ...]
    previews: Mapping[str, list[api.Preview]]
    scores: Mapping[str, Mapping[str, int | None]]
    images: Mapping[str, list[Image.Image]] = field(repr=False, compare=False, default_factory=dict)
    """The previews decoded (downloaded once, for the scores and for thumbnails)."""
    replace: tuple[str, ...] = ()
    """The current references the candidates were tried in place of (pass them to `pin`)."""


def candidate(client: api.MaskoClient, value: Any) -> Candidate:
    """Resolve an upload (path, bytes, file object, PIL image), a URL, or an existing image
    asset (an Asset or its id) into a Candidate; a file is uploaded once to get a URL."""
    kind, found = reference(value)  # checks a file's type, size and pixels before any request
    if kind == "asset_id":
        asset = value if isinstance(value, api.Asset) else client.assets.get(found)
        if asset.type not in IMAGE_ASSET_TYPES:
            raise api.InvalidImageError(
                f"asset {asset.id} is a {asset.type} asset; a reference must be an image"
            )
        return Candidate(asset.id, asset.url, asset.id, _decoded(asset.read()))
    if kind == "url":
        return Candidate(found, found, None, _decoded(client.download(found)))
    upload = client.uploads.create(found)
    return Candidate(found.filename, upload.url, upload.id, _decoded(found.data))


def try_references(
    client: api.MaskoClient,
    collection: api.Collection | str,
    candidates: Iterable[Any],
    prompt: str,
    replace: Sequence[api.Asset | str] = (),
) -> Trial:
    """Preview `prompt` with the set pinning `candidates` (1 to 6 images, URLs or assets, or
    Candidates) would make, and with the collection's current references; score both previews
    against the candidates and the current set. The collection is not changed.

    The set must fit in the 6 slots: when it does not, `replace` names the current references
    the candidates take the place of (else ReplaceNeededError says how many and which)."""
    chosen = _resolved(client, candidates)
    if not 1 <= len(chosen) <= MAX_REFERENCES:
        raise api.ReferenceLimitError(
            f"try 1 to {MAX_REFERENCES} candidate references at once, got {len(chosen)}"
        )
    current = client.references.list(collection).asset_ids
    unpin = [id_of(value) for value in replace]
    _check_fit(collection, chosen, current, unpin)
    kept = [asset_id for asset_id in current if asset_id not in unpin]
    fresh = [c.url for c in chosen if c.asset_id is None or c.asset_id not in kept]
    previews = {
        CANDIDATES: client.previews.create(prompt, hints=[*kept, *fresh]),
        CURRENT: client.previews.create(prompt, collection_id=collection),
    }
    palettes = {
        CANDIDATES: reference_palette([dominant_palette(c.image) for c in chosen]),
        CURRENT: reference_palette([shared_cache().get(client, i).palette for i in current]),
    }
    images = {
        side: [_decoded(preview.read()) for preview in shown] for side, shown in previews.items()
    }
    scores = {
        side: {against: _mean_score(palettes[against], shown) for against in SETS}
        for side, shown in images.items()
    }
    return Trial(prompt, chosen, tuple(current), previews, scores, images, tuple(unpin))


def pin(
    client: api.MaskoClient,
    collection: api.Collection | str,
    candidates: Iterable[Candidate | Any],
    replace: Sequence[api.Asset | str] = (),
) -> api.References:
    """Make `candidates` persistent references, unpinning the references in `replace` first.

    When the candidates do not fit in the free slots, `replace` must name enough of the current
    references, else ReferenceLimitError says how many and which; nothing changes then.
    The collection ends holding the old set or the new one, never a mix: after any failure
    (a lost answer included) `pin` reads what the server holds; if that is the new set the
    pin is done, else it puts the old set back and raises the error.
    """
    chosen = _resolved(client, candidates)
    old = tuple(client.references.list(collection).asset_ids)
    unpin = [id_of(value) for value in replace]
    _check_fit(collection, chosen, old, unpin)
    pinned: dict[int, str] = {}  # candidate index -> its asset id, once known to be pinned
    try:
        for asset_id in unpin:
            client.references.remove(collection, asset_id)
        result = client.references.list(collection)
        for index, choice in enumerate(chosen):
            before = set(result.asset_ids)
            if choice.asset_id is None or choice.asset_id not in before:
                result = client.references.add(collection, choice.asset_id or choice.url)
            new = [i for i in result.asset_ids if i not in before]
            pinned[index] = choice.asset_id or (new[0] if new else "")
    except Exception as failure:
        kept = [asset_id for asset_id in old if asset_id not in unpin]
        wanted = _wanted(kept, chosen, pinned)
        held = _settle(client, collection, old, wanted, failure)
        if wanted is not None and set(held.asset_ids) == wanted:
            return held
        raise
    return result


def _wanted(
    kept: Sequence[str], chosen: Sequence[Candidate], pinned: Mapping[int, str]
) -> set[str] | None:
    """The new set a pin aims at; None while a URL candidate's asset id is still unknown."""
    ids = [choice.asset_id or pinned.get(index) for index, choice in enumerate(chosen)]
    return None if not all(ids) else {*kept, *(i for i in ids if i)}


def _settle(
    client: api.MaskoClient,
    collection: api.Collection | str,
    old: Sequence[str],
    new: set[str] | None,
    failure: BaseException,
) -> api.References:
    """After a failed pin: the server's references once they are the new set or the old one
    again (put back: extra references unpinned, missing ones pinned again), in a few rounds."""
    for _ in range(SETTLE_ROUNDS):
        with contextlib.suppress(api.MaskoError):
            held = client.references.list(collection)
            if set(held.asset_ids) in (set(old), new):
                return held
            for asset_id in [i for i in held.asset_ids if i not in old]:
                with contextlib.suppress(api.MaskoError):
                    client.references.remove(collection, asset_id)
            for asset_id in [i for i in old if i not in held.asset_ids]:
                with contextlib.suppress(api.MaskoError):
                    client.references.add(collection, asset_id)
    raise api.MaskoError(
        f"pinning failed ({failure}) and the references of collection {id_of(collection)} "
        "could not be put back: it may hold part of the change. Check them with "
        "client.references.list(collection) once the API answers again"
    ) from failure


def _resolved(client: api.MaskoClient, values: Iterable[Any]) -> tuple[Candidate, ...]:
    """Candidates as given, and everything else resolved by `candidate`."""
    return tuple(
        value if isinstance(value, Candidate) else candidate(client, value) for value in values
    )


def _check_fit(
    collection: api.Collection | str,
    chosen: Sequence[Candidate],
    current: Sequence[str],
    unpin: Sequence[str],
) -> None:
    """Refuse, before any request, a pin that cannot fit or names unknown references."""
    unknown = [asset_id for asset_id in unpin if asset_id not in current]
    if unknown:
        raise ValueError(
            f"replace= names {', '.join(unknown)}, which {'is' if len(unknown) == 1 else 'are'} "
            f"not a reference of collection {id_of(collection)}; pick from {', '.join(current)}"
        )
    new = [c for c in chosen if c.asset_id is None or c.asset_id not in current]
    if len(chosen) > MAX_REFERENCES:
        raise api.ReferenceLimitError(
            f"a collection holds at most {MAX_REFERENCES} references; {len(chosen)} were chosen"
        )
    missing = len(current) - len(set(unpin)) + len(new) - MAX_REFERENCES
    if missing > 0:
        raise ReplaceNeededError(
            f"collection {id_of(collection)} has {len(current)} of {MAX_REFERENCES} references: "
            f"pinning {len(new)} more needs {missing} more free slot(s). Pass replace= with "
            f"{missing} of the current references to unpin: {', '.join(current)}",
            missing,
            current,
        )


def _mean_score(references: Any, previews: Sequence[Image.Image]) -> int | None:
    """The mean on-model score of `previews` against a reference palette (None without one)."""
    found = [on_model_score(references, dominant_palette(image)) for image in previews]
    known = [score for score in found if score is not None]
    return round(sum(known) / len(known)) if known else None


def _decoded(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGBA")
