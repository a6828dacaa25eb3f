"""What a job makes: the images and videos of each kind of generation, from stored inputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PIL import Image

from masko_widgets.local._drawings import render_edit, render_pose
from masko_widgets.local._imaging import png_bytes
from masko_widgets.local._store import Store
from masko_widgets.local._style_card import StyleCard, extract_style_card, with_hints
from masko_widgets.local._video import render_animation

Files = dict[str, tuple[bytes, int, int]]
"""Role -> (file bytes, width, height)."""

VIDEO_SIDE = 512
"""Videos are VIDEO_SIDE x VIDEO_SIDE (an even side, as 4:2:0 video needs)."""


def load_images(store: Store, asset_ids: Sequence[str]) -> list[Image.Image]:
    """Decoded RGBA images of stored assets, in order."""
    images = []
    for asset_id in asset_ids:
        row = store.get("assets", asset_id)
        if row is None:
            raise LookupError(f"asset {asset_id} is gone")
        with Image.open(store.asset_path(row)) as image:
            images.append(image.convert("RGBA"))
    return images


def style_card(
    store: Store, collection_id: str | None, refs: Sequence[str], images: Sequence[Image.Image]
) -> StyleCard | None:
    """The collection's cached card for these references, or a fresh one (then cached).

    A card cached by an older version that lacks a field is measured again."""
    if not refs:
        return None
    collection = store.get("collections", collection_id) if collection_id else None
    if (
        collection
        and collection["reference_asset_ids"] == list(refs)
        and collection["style_card_json"]
    ):
        try:
            return StyleCard.from_json(collection["style_card_json"])
        except KeyError:
            pass
    card = extract_style_card(images)
    if collection:
        store.cache_style_card(collection["id"], list(refs), card.to_text(), card.to_json())
    return card


def render_job(store: Store, job: Mapping[str, Any]) -> Files:
    """Every file of a job, keyed by the roles of its `asset_ids`."""
    params = job["params"]
    kind = params["kind"]
    if kind in ("image", "animation", "edit"):
        refs = params["reference_asset_ids"]
        images = load_images(store, refs)
        card = style_card(store, job["collection_id"], refs, images)
        if kind == "edit":
            (source,) = load_images(store, [params["source_image_asset_id"]])
            flat, cut = render_edit(source, params["edit_instructions"], card)
        else:
            flat, cut = render_pose(params["image_prompt"], card)
        files = {"image": _png(flat), "transparent_image": _png(cut)}
        if kind == "animation":
            files.update(_videos(flat, params))
        return files
    (source,) = load_images(store, [params["source_image_asset_id"]])
    end_id = params.get("end_image_asset_id")
    end = load_images(store, [end_id])[0] if end_id else None
    files = _videos(source, params, end)
    if params.get("auto_reverse"):
        backwards = _videos(source, params, end, reverse=True)
        files.update({f"reverse_{role}": data for role, data in backwards.items()})
    return files


def render_preview(
    store: Store, collection: Mapping[str, Any] | None, hints: Sequence[Image.Image], prompt: str
) -> tuple[bytes, int, int]:
    """A preview PNG drawn from the collection's card, with one-off hints' palette and outline
    blended in (the hints' card is never stored)."""
    refs = collection["reference_asset_ids"] if collection else []
    images = load_images(store, refs)
    card = style_card(store, collection["id"] if collection else None, refs, images)
    if hints:
        card = with_hints(card, extract_style_card(hints))
    flat, _cut = render_pose(prompt, card)
    return _png(flat)


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
