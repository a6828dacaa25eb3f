"""A pose name is real text: junk names are refused by the client before any request, so
nothing is generated or charged for them."""

from __future__ import annotations

import pytest

from masko_widgets.client._inputs import MAX_NAME_CHARS, pose_name

JUNK_NAMES = [None, 5, 2.5, True, {"name": "wave"}, ["wave"], "", "  ", "x" * (MAX_NAME_CHARS + 1)]
JUNK_NAMES += ["two\nlines", "nul\x00"]


@pytest.mark.parametrize("name", JUNK_NAMES, ids=repr)
def test_a_junk_name_is_refused_in_words(name):
    with pytest.raises(ValueError, match="pose name"):
        pose_name(name)


@pytest.mark.parametrize("name", ["wave", " sitting down ", "x" * MAX_NAME_CHARS, "chat 🐱"])
def test_a_real_name_passes_as_given(name):
    assert pose_name(name) == name


def test_junk_names_cost_nothing(client, collection, standin):
    charged, items = len(standin.ledger()), len(client.items.list(collection))
    for name in JUNK_NAMES:
        with pytest.raises(ValueError, match="pose name"):
            client.generations.image(collection, name, "waving")
        good = {"type": "image", "name": "jump", "image_prompt": "jump"}
        junk = {"type": "image", "name": name, "image_prompt": "junk"}
        with pytest.raises(ValueError, match="pose name"):
            client.generations.batch(collection, [good, junk])
    assert len(standin.ledger()) == charged
    assert len(client.items.list(collection)) == items
