"""Each image input visibly changes what the stand-in draws, over real HTTP: hints change one
preview, every reference shapes the next pose, the source is an animation's first frame."""

from __future__ import annotations

import io
import sqlite3

import av
from PIL import Image, ImageChops, ImageStat

from masko_widgets import local
from masko_widgets._palette import delta_e
from tests.conftest import draw_character
from tests.local.conftest import Api, data_uri, png_image
from tests.local.measure import body_colour, moved_share

ORANGES = [(240, 120, 40), (232, 108, 48)]
HINTS = [(70, 130, 230), (90, 190, 90)]  # a blue and a green variant, as in notebook 03
PURPLE = (140, 60, 200)
SOURCE_NOISE = 6  # mean difference of a frame from the picture it encodes (lossy 4:2:0)


def orange_collection(api: Api) -> dict:
    references = [api.upload(draw_character(color=colour))["id"] for colour in ORANGES]
    return api.collection(reference_asset_ids=references)


def preview(api: Api, collection: dict, hints: list[bytes] = ()) -> Image.Image:
    body = {"prompt": "jumping", "collection_id": collection["id"]}
    if hints:
        body["reference_image_urls"] = [data_uri(hint) for hint in hints]
    (answer,) = api.ok("POST", "/generate/preview", json=body)["previews"]
    return png_image(api.download(answer["url"]).content)


def pose(api: Api, collection: dict, name: str) -> Image.Image:
    job = api.wait(api.image_job(collection["id"], name, "waving")["job_id"])
    assert job["status"] == "completed", job
    return png_image(api.download(job["urls"]["image"]).content)


def mean_colour(colours: list[tuple[int, int, int]]) -> tuple[int, int, int]:
    r, g, b = (round(sum(colour[c] for colour in colours) / len(colours)) for c in range(3))
    return r, g, b


def test_hints_move_one_previews_colour_toward_theirs_and_the_next_goes_back(api):
    collection = orange_collection(api)
    hints = [draw_character(color=colour) for colour in HINTS]
    hint_colour = mean_colour([body_colour(Image.open(io.BytesIO(hint))) for hint in hints])

    plain = body_colour(preview(api, collection))
    hinted = body_colour(preview(api, collection, hints))
    after = body_colour(preview(api, collection))

    assert moved_share(plain, hinted, hint_colour) >= 0.25
    assert delta_e(after, plain) < 1
    config = api.ok("GET", f"/collections/{collection['id']}")["config"]
    assert len(config["reference_asset_ids"]) == 2


def test_an_off_palette_third_reference_moves_the_next_pose_toward_it(api):
    collection = orange_collection(api)
    path = f"/collections/{collection['id']}/references"
    before = body_colour(pose(api, collection, "two references"))

    purple = api.upload(draw_character(color=PURPLE))
    api.ok("POST", path, 201, json={"asset_id": purple["id"]})
    with_purple = body_colour(pose(api, collection, "three references"))
    api.ok("DELETE", f"{path}/{purple['id']}")
    without = body_colour(pose(api, collection, "two again"))

    assert moved_share(before, with_purple, PURPLE) > 0.2
    assert delta_e(without, before) < 1


def test_an_animations_first_frame_is_its_source_image(api):
    collection = orange_collection(api)
    job = api.wait(api.image_job(collection["id"], "sitting", "sitting")["job_id"])
    source = png_image(api.download(job["urls"]["image"]).content).convert("RGB")
    animation = api.wait(
        api.generate(
            collection["id"],
            type="animation",
            source_image_asset_id=job["asset_ids"]["image"],
            animation_prompt="jump",
            duration=1,
        )["job_id"]
    )

    with av.open(io.BytesIO(api.download(animation["urls"]["video"]).content)) as video:
        frames = [frame.to_image() for frame in video.decode(video.streams.video[0])]

    def difference(frame: Image.Image) -> float:
        return max(ImageStat.Stat(ImageChops.difference(frame.convert("RGB"), source)).mean)

    assert difference(frames[0]) < SOURCE_NOISE
    assert difference(frames[len(frames) // 2]) > 2 * SOURCE_NOISE


def test_a_card_cached_by_an_older_version_is_measured_again(tmp_path, connect):
    with local.start(tmp_path) as first:
        api = connect(first)
        collection = orange_collection(api)
        api.wait(api.image_job(collection["id"], "first", "waving")["job_id"])
        before = pose(api, collection, "before")
    old = '{"outline": true, "outline_width": 4, "palette": [["#f07828", 1.0]], '
    old += '"proportions": 0.67, "shading": "flat"}'  # no silhouette, face or outline colour
    with sqlite3.connect(tmp_path / "masko.sqlite3") as database:
        assert database.execute("UPDATE collections SET style_card_json = ?", (old,)).rowcount

    with local.start(tmp_path) as second:
        after = pose(connect(second), collection, "after")

    assert after.tobytes() == before.tobytes()
    with sqlite3.connect(tmp_path / "masko.sqlite3") as database:
        (cached,) = database.execute("SELECT style_card_json FROM collections").fetchone()
    assert '"silhouette"' in cached
