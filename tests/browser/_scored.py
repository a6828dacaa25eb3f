"""A collection whose poses score at every level (good, fair, off) against its reference: each
pose is generated from a reference of its own colour, then the first colour is pinned alone."""

from __future__ import annotations

from typing import Any

from tests.conftest import draw_character

COLOURS = {
    "waving": (240, 120, 40),  # the reference's own colour: good
    "sitting": (232, 118, 52),  # near it: fair
    "jumping": (40, 90, 200),  # far from it: off
}


def _pin_only(client: Any, collection: Any, colour: tuple[int, int, int]) -> None:
    for asset_id in client.references.list(collection).asset_ids:
        client.references.remove(collection, asset_id)
    client.references.add(collection, client.uploads.create(draw_character(colour)))


def scored_collection(client: Any, name: str = "Pip") -> Any:
    """A new collection with one reference and a pose at each score level."""
    collection = client.collections.create(name)
    for pose, colour in COLOURS.items():
        _pin_only(client, collection, colour)
        client.generations.image(collection, pose, pose).wait(timeout=60)
    _pin_only(client, collection, COLOURS["waving"])
    return collection
