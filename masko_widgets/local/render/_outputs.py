"""What a job makes: the images and videos of each kind of generation, from stored inputs.

The server process reads the inputs (file paths, the cached style card) and keeps what comes
back; `draw_job` and `draw_preview` do the drawing and encoding, in a worker process when given
`draw=RenderPool.run`, and touch neither the database nor the data folder's files."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from PIL import Image

from masko_widgets.local.render._imaging import png_bytes
from masko_widgets.local.render._pictures import render_edit, render_pose
from masko_widgets.local.render._style_card import StyleCard, extract_style_card, with_hints
from masko_widgets.local.render._video import render_animation
from masko_widgets.local.store import Store

T = TypeVar("T")
Files = dict[str, tuple[bytes, int, int]]
"""Role -> (file bytes, width, height)."""

VIDEO_SIDE = 512
"""Videos are VIDEO_SIDE x VIDEO_SIDE (an even side, as 4:2:0 video needs)."""


Draw = Callable[..., Any]
"""Runs `work(*args)` and returns what it returns: in a worker process (`RenderPool.run`) or,
by default, right here."""


def in_process(work: Callable[..., T], *args: Any) -> T:
    return work(*args)


@dataclass(frozen=True)
class CardSource:
    """How a worker gets a collection's style card: its cached JSON, else the reference files to
    measure (paths; stored files are never rewritten)."""

    references: tuple[str, ...]
    cached: str | None = None


@dataclass(frozen=True)
class Drawn:
    """A worker's answer: the files, and a freshly measured card's (text, JSON) to cache."""

    files: Files
    card: tuple[str, str] | None = None


def asset_paths(store: Store, asset_ids: Sequence[str]) -> tuple[str, ...]:
    """The files of stored assets, in order."""
    paths = []
    for asset_id in asset_ids:
        row = store.get("assets", asset_id)
        if row is None:
            raise LookupError(f"asset {asset_id} is gone")
        paths.append(str(store.asset_path(row)))
    return tuple(paths)


def load_images(paths: Sequence[str]) -> list[Image.Image]:
    """Decoded RGBA images of files, in order."""
    images = []
    for path in paths:
        with Image.open(path) as image:
            images.append(image.convert("RGBA"))
    return images


def card_source(
    store: Store, collection: Mapping[str, Any] | None, refs: Sequence[str]
) -> CardSource | None:
    """What a worker needs for the card of these references (None: no references)."""
    if not refs:
        return None
    cached = None
    if collection and collection["reference_asset_ids"] == list(refs):
        cached = collection["style_card_json"]
    return CardSource(asset_paths(store, refs), cached)


def keep_card(store: Store, collection_id: str | None, refs: Sequence[str], drawn: Drawn) -> None:
    """Cache a card a worker measured (unless the references changed meanwhile)."""
    if drawn.card and collection_id:
        store.cache_style_card(collection_id, list(refs), *drawn.card)


def render_job(store: Store, job: Mapping[str, Any], draw: Draw = in_process) -> Files:
    """Every file of a job, keyed by the roles of its `asset_ids`, drawn through `draw`."""
    params = job["params"]
    refs = params.get("reference_asset_ids", [])
    collection = store.get("collections", job["collection_id"]) if refs else None
    sources = [params.get("source_image_asset_id"), params.get("end_image_asset_id")]
    drawn: Drawn = draw(
        draw_job,
        dict(params),
        card_source(store, collection, refs),
        [asset_paths(store, [asset_id])[0] if asset_id else None for asset_id in sources],
    )
    keep_card(store, collection["id"] if collection else None, refs, drawn)
    return drawn.files


def render_preview(
    store: Store,
    collection: Mapping[str, Any] | None,
    hints: Sequence[Image.Image],
    prompt: str,
    draw: Draw = in_process,
) -> tuple[bytes, int, int]:
    """A preview PNG drawn from the collection's card, with one-off hints' palette and outline
    blended in (the hints' card is never stored)."""
    refs = collection["reference_asset_ids"] if collection else []
    drawn: Drawn = draw(draw_preview, card_source(store, collection, refs), list(hints), prompt)
    keep_card(store, collection["id"] if collection else None, refs, drawn)
    return drawn.files["image"]


# --- in the worker: inputs in, bytes out ----------------------------------------------------


def draw_job(
    params: Mapping[str, Any], cards: CardSource | None, sources: Sequence[str | None]
) -> Drawn:
    """The files of a job from its params, card and source/end image files."""
    kind = params["kind"]
    source, end = (load_images([path])[0] if path else None for path in sources)
    if kind in ("image", "animation", "edit"):
        card, fresh = _card(cards)
        if kind == "edit":
            assert source is not None
            flat, cut = render_edit(source, params["edit_instructions"], card)
        else:
            flat, cut = render_pose(params["image_prompt"], card)
        files = {"image": _png(flat), "transparent_image": _png(cut)}
        if kind == "animation":
            files.update(_videos(flat, params))
        return Drawn(files, fresh)
    assert source is not None
    files = _videos(source, params, end)
    if params.get("auto_reverse"):
        backwards = _videos(source, params, end, reverse=True)
        files.update({f"reverse_{role}": data for role, data in backwards.items()})
    return Drawn(files)


def draw_preview(cards: CardSource | None, hints: Sequence[Image.Image], prompt: str) -> Drawn:
    """A preview (role "image") from the collection's card and the hints."""
    card, fresh = _card(cards)
    if hints:
        card = with_hints(card, extract_style_card(hints))
    flat, _cut = render_pose(prompt, card)
    return Drawn({"image": _png(flat)}, fresh)


def _card(cards: CardSource | None) -> tuple[StyleCard | None, tuple[str, str] | None]:
    """The card, and its (text, JSON) if it had to be measured (a card cached by an older
    version that lacks a field is measured again)."""
    if cards is None:
        return None, None
    if cards.cached:
        try:
            return StyleCard.from_json(cards.cached), None
        except KeyError:
            pass
    card = extract_style_card(load_images(cards.references))
    return card, (card.to_text(), card.to_json())


def _png(image: Image.Image) -> tuple[bytes, int, int]:
    return png_bytes(image), image.width, image.height


def _videos(
    source: Image.Image,
    params: Mapping[str, Any],
    end: Image.Image | None = None,
    reverse: bool = False,
) -> Files:
    encoded = render_animation(
        source,
        params["animation_prompt"],
        duration=params["duration"],
        loop=params["loop"],
        end=end,
        reverse=reverse,
        size=VIDEO_SIDE,
    )
    return {role: (data, VIDEO_SIDE, VIDEO_SIDE) for role, data in encoded.items()}
