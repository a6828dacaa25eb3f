"""Two callers adding the 6th reference at once: the loser gets ReferenceLimitError, and a
gallery that lost shows the server's references, not its own stale ones.

The races are made deterministic. In the first, both adds are held inside the stand-in after
its request handler counted five references and before the store's transaction, then let go
together: only the store's own count inside the transaction can refuse the second. In the
others, the loser's transport lets the winner add just before it sends its own add (after its
count said a slot was free)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from masko_widgets import MaskoClient, ReferenceGallery, ReferenceLimitError
from masko_widgets.local.store import Store
from tests.conftest import draw_character

HOLD = 30.0
"""Longest wait of a held add for its rival: the test fails instead of hanging."""


class LoseTheRace(httpx.HTTPTransport):
    """Runs `winner` once, right before the first add of a reference goes out."""

    def __init__(self, winner: Callable[[], Any]) -> None:
        super().__init__()
        self.winner: Callable[[], Any] | None = winner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/references"):
            winner, self.winner = self.winner, None
            if winner is not None:
                winner()
        return super().handle_request(request)


@pytest.fixture
def five(standin, client) -> tuple[str, list[str]]:
    """A collection holding 5 references, and a spare image asset for each racer."""
    images = [client.uploads.create(draw_character((40 * n, 90, 200))).id for n in range(7)]
    collection = client.collections.create("contested", references=images[:5])
    return collection.id, images[5:]


@pytest.fixture
def held_adds(monkeypatch) -> Iterator[threading.Barrier]:
    """Holds each add of a reference at the store's door until two are there, then both go in."""
    both = threading.Barrier(2, timeout=HOLD)
    change_references = Store.change_references

    def held(store: Store, collection_id: str, add: str | None = None, **kwargs: Any) -> Any:
        if add is not None or kwargs.get("upload") is not None:
            both.wait()
        return change_references(store, collection_id, add=add, **kwargs)

    monkeypatch.setattr(Store, "change_references", held)
    yield both
    both.abort()  # never leave a server thread waiting


def test_two_adds_let_go_together_into_the_last_slot_pin_one(client, five, held_adds):
    collection, spares = five
    with ThreadPoolExecutor(2) as racers:
        tries = [racers.submit(_try_add, client, collection, spare) for spare in spares]
        outcomes = [attempt.result(timeout=2 * HOLD) for attempt in tries]
    assert sorted(outcomes) == ["ReferenceLimitError", "pinned"]
    server = client.references.list(collection).asset_ids
    assert len(server) == 6
    assert server[-1] == spares[outcomes.index("pinned")]


def _try_add(client: MaskoClient, collection: str, asset_id: str) -> str:
    try:
        client.references.add(collection, asset_id)
    except ReferenceLimitError:
        return "ReferenceLimitError"
    return "pinned"


def _loser(standin, client, collection: str, spare: str) -> MaskoClient:
    transport = LoseTheRace(lambda: client.references.add(collection, spare))
    return MaskoClient(api_key=standin.api_key, base_url=standin.url, transport=transport)


def test_the_loser_of_a_race_for_the_last_slot_gets_reference_limit_error(standin, client, five):
    collection, (winning, losing) = five
    with (
        _loser(standin, client, collection, winning) as loser,
        pytest.raises(ReferenceLimitError, match="6"),
    ):
        loser.references.add(collection, losing)
    assert client.references.list(collection).asset_ids[-1] == winning


def test_a_gallery_that_lost_the_race_shows_the_server_references(standin, client, five):
    collection, (winning, losing) = five
    with _loser(standin, client, collection, winning) as loser:
        gallery = ReferenceGallery(loser, collection)
        assert len(gallery.slots) == 5
        with pytest.raises(ReferenceLimitError):
            gallery.add(losing)
    server = list(client.references.list(collection).asset_ids)
    assert len(server) == 6 and server[-1] == winning
    assert gallery.reference_asset_ids == server
    assert [slot["asset_id"] for slot in gallery.slots] == server
    assert all(slot["thumbnail"] for slot in gallery.slots)
    assert "6" in gallery.error
