"""The generation kinds of the contract, each through its own typed method, on the stand-in."""

from __future__ import annotations

import io

import av
from PIL import Image

from masko_widgets._contract import ASSET_TYPES


def test_an_animation_from_scratch_draws_the_pose_then_moves_it(client, collection):
    before = client.credits()
    job = client.generations.animation(
        collection, "jump", "the mascot crouching", "jumps up and lands", duration=2, loop=False
    )
    assert (job.type, job.item_name) == ("animation", "jump")
    done = job.wait(timeout=60)
    assert set(done.asset_ids) == set(ASSET_TYPES)
    assert done.cost_credits == 1 + 5 * 2 and client.credits() == before - 11
    item = next(item for item in client.items.iter(collection) if item.id == done.item_id)
    assert (item.name, item.image_prompt) == ("jump", "the mascot crouching")
    picture = Image.open(io.BytesIO(client.assets.get(done.asset_ids["image"]).read()))
    assert picture.size[0] > 0
    video = client.assets.get(done.asset_ids["video"]).read()
    with av.open(io.BytesIO(video), format="mp4") as box:
        assert next(box.decode(video=0)).width > 0


def test_animating_an_upload_names_the_new_item(client, collection, make_png):
    upload = client.uploads.create(make_png())
    done = client.generations.animate(
        collection, upload, "bounces", duration=1, name="bounce"
    ).wait(timeout=60)
    assert done.item_name == "bounce"
    assert {item.name for item in client.items.iter(collection)} == {"bounce"}
    assert set(done.asset_ids) == {"video", "webm", "hevc"}


def test_an_animation_from_scratch_of_an_existing_item_keeps_it(client, collection):
    first = client.generations.image(collection, "wave", "waving").wait(timeout=60)
    item = next(iter(client.items.iter(collection)))
    again = client.generations.animation(collection, item, "waving high", "waves", duration=1)
    done = again.wait(timeout=60)
    assert done.item_id == first.item_id == item.id
    assert [i.id for i in client.items.list(collection)] == [item.id]
