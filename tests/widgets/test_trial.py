"""Try before you pin, on the real stand-in: both previews and their scores, nothing stored in
the collection before `pin`, and `pin` within the six slots (or a clear refusal)."""

from __future__ import annotations

import pytest

from masko_widgets import ReplaceNeededError
from masko_widgets import client as api
from masko_widgets.widgets._trial import CANDIDATES, CURRENT, Candidate, pin, try_references

ORANGE = [(240, 120, 40), (230, 100, 50), (250, 140, 30)]
BLUE = (40, 90, 200)


@pytest.fixture
def orange(client, make_png):
    """A collection pinned to three orange characters."""
    return client.collections.create("Pip", references=[make_png(color=c) for c in ORANGE])


def test_a_trial_previews_both_sets_and_scores_each_against_each(client, orange, make_png):
    before = client.collections.get(orange)
    trial = try_references(client, orange, [make_png(color=BLUE)], "the mascot waving")

    assert trial.current == tuple(before.reference_asset_ids)
    for side in (CANDIDATES, CURRENT):
        assert trial.previews[side], side
        assert trial.previews[side][0].to_pil().size[0] > 0
    scores = trial.scores
    # Adding the candidates moves the look towards them and away from the current set.
    assert scores[CANDIDATES][CANDIDATES] > scores[CURRENT][CANDIDATES]
    assert scores[CURRENT][CURRENT] > scores[CANDIDATES][CURRENT]
    after = client.collections.get(orange)
    assert after.reference_asset_ids == before.reference_asset_ids  # nothing pinned
    # The card (extracted for the current preview) is the current set's: no blue in it.
    assert "#285ac8" not in (after.style_card or "") and "#e66432" in after.style_card


def test_the_trial_shows_what_pinning_would_give(client, orange, make_png):
    trial = try_references(client, orange, [make_png(color=BLUE)], "the mascot waving")
    (tried,) = trial.candidates
    pinned = client.collections.create("Pinned", references=[*trial.current, tried.asset_id])
    after_pin = client.previews.create("the mascot waving", collection_id=pinned)
    assert _pixels(trial.previews[CANDIDATES]) == _pixels(after_pin)
    assert _pixels(trial.previews[CURRENT]) != _pixels(after_pin)


def test_a_trial_in_a_full_collection_needs_replace_and_leaves_it_out(client, make_png):
    colours = [(200, 40 * i, 40) for i in range(6)]
    full = client.collections.create("Full", references=[make_png(color=c) for c in colours])
    current = client.collections.get(full).reference_asset_ids
    blue = make_png(color=BLUE)
    with pytest.raises(ReplaceNeededError) as refused:
        try_references(client, full, [blue], "waving")
    assert refused.value.needed == 1 and refused.value.current == tuple(current)

    trial = try_references(client, full, [blue], "waving", replace=[current[5]])
    assert trial.replace == (current[5],) and trial.current == tuple(current)
    (tried,) = trial.candidates
    pinned = client.collections.create("Pinned", references=[*current[:5], tried.asset_id])
    after_pin = client.previews.create("waving", collection_id=pinned)
    assert _pixels(trial.previews[CANDIDATES]) == _pixels(after_pin)
    assert client.collections.get(full).reference_asset_ids == current  # nothing changed


def test_candidates_can_be_an_existing_asset_or_a_url(client, orange, reference):
    asset_id = reference(BLUE)
    url = client.assets.get(reference((60, 160, 90))).url
    trial = try_references(client, orange, [asset_id, url], "sitting")
    by_asset, by_url = trial.candidates
    assert (by_asset.asset_id, by_asset.label) == (asset_id, asset_id)
    assert (by_url.asset_id, by_url.url) == (None, url)
    assert set(trial.scores) == {CANDIDATES, CURRENT}


def test_a_collection_without_references_has_no_current_score(client, collection, make_png):
    trial = try_references(client, collection, [make_png(color=BLUE)], "jumping")
    assert trial.current == ()
    assert trial.scores[CANDIDATES][CURRENT] is None
    assert trial.scores[CANDIDATES][CANDIDATES] is not None


def test_pin_with_room_adds_the_tried_upload_without_uploading_again(client, orange, make_png):
    trial = try_references(client, orange, [make_png(color=BLUE)], "waving")
    (tried,) = trial.candidates
    references = pin(client, orange, trial.candidates)
    assert references.asset_ids == (*trial.current, tried.asset_id)
    assert client.collections.get(orange).reference_asset_ids == references.asset_ids


def test_pin_into_a_full_collection_needs_replace_and_says_so(client, make_png):
    colours = [(200, 40 * i, 40) for i in range(6)]
    full = client.collections.create("Full", references=[make_png(color=c) for c in colours])
    current = client.collections.get(full).reference_asset_ids
    trial = try_references(client, full, [make_png(color=BLUE)], "waving", replace=[current[2]])

    with pytest.raises(ReplaceNeededError) as refused:  # a ReferenceLimitError
        pin(client, full, trial.candidates)
    assert isinstance(refused.value, api.ReferenceLimitError) and refused.value.needed == 1
    words = str(refused.value)
    assert "6 of 6" in words and "replace=" in words and current[0] in words
    assert client.collections.get(full).reference_asset_ids == current  # nothing changed

    with pytest.raises(ValueError, match="not a reference"):
        pin(client, full, trial.candidates, replace=["not-a-reference"])
    assert client.collections.get(full).reference_asset_ids == current

    references = pin(client, full, trial.candidates, replace=[current[2]])
    assert references.asset_ids == (*current[:2], *current[3:], trial.candidates[0].asset_id)


def test_a_pin_that_fails_half_way_puts_the_references_back(client, orange, make_png):
    current = client.collections.get(orange).reference_asset_ids
    (good,) = try_references(client, orange, [make_png(color=BLUE)], "waving").candidates
    gone = Candidate("gone", good.url, "00000000-0000-4000-8000-000000000000", good.image)
    with pytest.raises(api.MaskoError):
        pin(client, orange, [good, gone], replace=[current[0]])
    assert sorted(client.collections.get(orange).reference_asset_ids) == sorted(current)


def test_more_than_six_candidates_are_refused_before_any_request(client, orange, make_png):
    seven = [Candidate(str(i), "https://example.org/x.png", None, None) for i in range(7)]
    with pytest.raises(api.ReferenceLimitError, match="1 to 6"):
        try_references(client, orange, seven, "waving")


def _pixels(previews: list[api.Preview]) -> list[bytes]:
    return [preview.to_pil().convert("RGBA").tobytes() for preview in previews]
