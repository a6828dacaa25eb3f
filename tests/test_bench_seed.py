"""The benches' seeded data folder is an ordinary one: the stand-in serves its collections,
poses and pictures as if it had drawn them, and a second call reuses it."""

from __future__ import annotations

import io

from PIL import Image

from bench._seed import EXTRA_CREDITS, PICTURES, seeded_folder
from masko_widgets import MaskoClient, local


def test_the_stand_in_serves_a_seeded_folder(tmp_path):
    folder = seeded_folder((3, PICTURES + 4), tmp_path)
    seeded_at = (folder / "seeded").stat().st_mtime_ns
    with (
        local.start(folder) as server,
        MaskoClient(api_key=server.api_key, base_url=server.url) as client,
    ):
        found = {c.name: c for c in client.collections.list()}
        assert sorted(found) == ["bench 12 poses", "bench 3 poses"]
        assert client.credits() == EXTRA_CREDITS
        items = client.items.list(found["bench 12 poses"])
        assert [item.name for item in items] == [f"pose {n}" for n in range(PICTURES + 4)]
        pictures = [client.download(client.assets.get(i.image_asset_id).url) for i in items]
        for data in pictures:
            with Image.open(io.BytesIO(data)) as image:
                assert image.size == (512, 512)
        assert len(client.references.list(found["bench 3 poses"]).asset_ids) == 1
    assert seeded_folder((PICTURES + 4, 3), tmp_path) == folder
    assert (folder / "seeded").stat().st_mtime_ns == seeded_at  # kept, not seeded again


def test_a_seeding_cut_short_starts_over(tmp_path):
    folder = seeded_folder((2,), tmp_path)
    (folder / "seeded").unlink()  # as if the seeding had stopped before its end
    again = seeded_folder((2,), tmp_path)
    with (
        local.start(again) as server,
        MaskoClient(api_key=server.api_key, base_url=server.url) as client,
    ):
        (collection,) = client.collections.list()
        assert len(client.items.list(collection)) == 2
