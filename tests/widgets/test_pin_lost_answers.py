"""`studio.pin(replace=...)` when the network applies a request and loses its answer: for each
step of the pin (each unpin, each add) the stand-in does the work and then cuts the connection.
The collection ends holding exactly the old set or the new one, the gallery shows what the
server holds, and no credit moves."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from masko_widgets import MascotStudio, MaskoClient, local
from masko_widgets import client as api
from masko_widgets.widgets._trial import pin
from tests.conftest import draw_character

KEPT, REPLACED, CANDIDATES = 4, 2, 2


class LoseOneAnswer(httpx.HTTPTransport):
    """Real HTTP to the stand-in; the `target`-th reference change (POST or DELETE on
    /references, 0-based) is applied by the server, which then cuts the connection."""

    def __init__(
        self, server: local.LocalServer, target: int | None, then_down: bool = False
    ) -> None:
        super().__init__()
        self.server = server
        self.target = target
        self.then_down = then_down  # after the lost answer, the API cannot be reached at all
        self.changes: list[tuple[str, str]] = []
        self.lost: tuple[str, str] | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.then_down and self.lost is not None:
            raise httpx.ConnectError("the API is down (simulated)", request=request)
        if request.method not in ("POST", "DELETE") or "/references" not in request.url.path:
            return super().handle_request(request)
        step = (request.method, request.url.path)
        lose = len(self.changes) == self.target
        self.changes.append(step)
        if not lose:
            return super().handle_request(request)
        self.lost = step
        self.server.set_faults(drop=1.0)
        try:
            return super().handle_request(request)  # the fault is rolled as the request arrives
        finally:
            self.server.set_faults(local.Faults())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[local.LocalServer]:
    with local.start(tmp_path_factory.mktemp("pin-lost-answers")) as running:
        yield running


def _pin_losing(server: local.LocalServer, target: int | None) -> dict:
    """Pin 2 candidates into a full collection, replacing 2, losing the `target`-th answer."""
    transport = LoseOneAnswer(server, target)
    with MaskoClient(api_key=server.api_key, base_url=server.url, transport=transport) as client:
        images = [
            client.uploads.create(draw_character((30 * n, 120, 200 - 20 * n))).id
            for n in range(KEPT + REPLACED + CANDIDATES)
        ]
        old, candidates = images[: KEPT + REPLACED], images[KEPT + REPLACED :]
        collection = client.collections.create("lost answers", references=old)
        studio = MascotStudio(client, collection)
        for asset_id in candidates:
            studio.gallery.add_candidate(asset_id)
        balance, ledger = client.credits(), server.ledger()
        try:
            studio.pin(replace=old[KEPT:])
            raised = None
        except api.MaskoError as exc:
            raised = exc
        held = list(client.references.list(collection).asset_ids)
        outcome = {
            "old": set(old),
            "new": set(old[:KEPT] + candidates),
            "held": held,
            "shown": list(studio.gallery.reference_asset_ids),
            "slots": [slot["asset_id"] for slot in studio.gallery.slots],
            "error": studio.gallery.error,
            "raised": raised,
            "charged": (balance - client.credits(), server.ledger()[len(ledger) :]),
            "changes": transport.changes,
            "lost": transport.lost,
        }
        studio.close()
        return outcome


def test_a_pin_without_faults_takes_two_unpins_and_two_adds(server):
    outcome = _pin_losing(server, None)
    assert [method for method, _ in outcome["changes"]] == ["DELETE"] * 2 + ["POST"] * 2
    assert set(outcome["held"]) == outcome["new"] and outcome["raised"] is None


@pytest.mark.parametrize(
    ("step", "ends_in"),
    [
        (0, "new"),  # an unpin's lost answer: its replay answers 404, which counts as done
        (1, "new"),
        (2, "old"),  # the first add's: the add is not replayed, so the pin is undone
        (3, "new"),  # the last add's: the server holds the new set, so the pin is done
    ],
)
def test_a_lost_answer_at_any_step_ends_in_the_old_or_the_new_set(server, step, ends_in):
    outcome = _pin_losing(server, step)

    assert outcome["lost"] is not None, "the fault did not happen: this test proves nothing"
    held = set(outcome["held"])
    assert held == outcome[ends_in], f"lost answer of {outcome['lost']}"
    assert len(outcome["held"]) == len(held)
    # The gallery shows what the server holds, slot for slot.
    assert outcome["shown"] == outcome["held"] == outcome["slots"]
    # Either the pin went through, or it says it failed and nothing changed.
    assert (outcome["raised"] is None) == (ends_in == "new") == (outcome["error"] == "")
    assert outcome["charged"] == (0, [])


def test_a_replayed_unpin_answered_404_is_done_but_other_404s_still_raise(server):
    transport = LoseOneAnswer(server, 0)
    with MaskoClient(api_key=server.api_key, base_url=server.url, transport=transport) as client:
        kept, gone = (client.uploads.create(draw_character((n, 90, 90))).id for n in (40, 200))
        collection = client.collections.create("replayed unpin", references=[kept, gone])

        assert client.references.remove(collection, gone).asset_ids == (kept,)
        assert transport.lost is not None and transport.changes[-1][0] == "DELETE"
        with pytest.raises(api.NotFoundError):  # never a reference: still an error
            client.references.remove(collection, gone)
        with pytest.raises(api.NotFoundError, match="collection"):
            client.references.remove("00000000-0000-4000-8000-000000000000", kept)


def test_a_pin_that_cannot_put_things_back_says_so(server):
    """The add's answer is lost and then the API is gone: the pin cannot know or repair the
    set, and says so instead of claiming either outcome."""
    transport = LoseOneAnswer(server, 1, then_down=True)  # the add, after one unpin
    with MaskoClient(
        api_key=server.api_key, base_url=server.url, transport=transport, max_retries=0
    ) as client:
        images = [client.uploads.create(draw_character((n, 60, 60))).id for n in (20, 90, 160)]
        collection = client.collections.create("then down", references=images[:2])
        with pytest.raises(api.MaskoError, match="could not be put back") as failed:
            pin(client, collection, [images[2]], replace=[images[0]])
    assert isinstance(failed.value.__cause__, api.APIConnectionError)
    assert transport.lost is not None and transport.lost[0] == "POST"


def test_a_url_candidate_whose_add_answer_is_lost_leaves_the_old_set(server):
    """A URL's asset id is known only from the add's answer: lost, the pin cannot tell the
    new set, so it puts the old one back."""
    transport = LoseOneAnswer(server, 0)
    with MaskoClient(api_key=server.api_key, base_url=server.url, transport=transport) as client:
        old = [client.uploads.create(draw_character((n, 160, 60))).id for n in (20, 90)]
        url = client.uploads.create(draw_character((200, 40, 200))).url
        collection = client.collections.create("by url", references=old)
        studio = MascotStudio(client, collection)
        studio.gallery.add_candidate(url)
        with pytest.raises(api.APIConnectionError):
            studio.pin()
        held = list(client.references.list(collection).asset_ids)
        assert transport.lost is not None and transport.lost[0] == "POST"
        assert held == old == list(studio.gallery.reference_asset_ids)
        assert studio.gallery.error
        studio.close()
