"""Every area of the client against the real stand-in on a loopback port."""

from __future__ import annotations

import io
import threading

import av
import pytest
from PIL import Image

from masko_widgets import (
    Asset,
    AuthenticationError,
    BadRequestError,
    InsufficientCreditsError,
    InvalidImageError,
    Item,
    Job,
    MaskoClient,
    NotFoundError,
    PermissionDeniedError,
    Preview,
    ReferenceLimitError,
    SourceImageError,
)
from masko_widgets._contract import PAGE_LIMIT_MAX as PAGE_SIZE
from tests.client._scripted import Recording


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def first_frame(data: bytes, suffix: str) -> tuple[int, int]:
    with av.open(
        io.BytesIO(data), format={"mp4": "mp4", "webm": "webm", "mov": "mov"}[suffix]
    ) as box:
        frame = next(box.decode(video=0))
        return frame.width, frame.height


@pytest.fixture
def pose(client, collection) -> Job:
    """A completed image job in a fresh collection."""
    return client.generations.image(collection, "wave", "waving hello").wait(timeout=60)


def test_credits_are_charged_per_job(client, standin, collection):
    before = client.credits()
    job = client.generations.image(collection, "jump", "jumping").wait(timeout=60)
    assert job.cost_credits == 1
    assert client.credits() == before - 1
    assert standin.ledger()[-1]["job_id"] == job.id


def test_projects(client):
    project = client.projects.create("Campaign")
    assert project.name == "Campaign"
    assert project.id in {p.id for p in client.projects.list()}


def test_collections(client, make_png):
    project = client.projects.create("Zoo")
    created = client.collections.create(
        "Otter", project_id=project, description="a playful otter", references=[make_png()]
    )
    assert (created.name, created.project_id, created.prompt) == (
        "Otter",
        project.id,
        "a playful otter",
    )
    assert len(created.reference_asset_ids) == 1
    assert client.collections.get(created.id) == created
    assert [c.id for c in client.collections.list(project_id=project.id)] == [created.id]
    assert created.id in {c.id for c in client.collections.list()}


def test_collection_with_references_of_every_kind(client, make_png):
    upload = client.uploads.create(make_png(color=(30, 90, 200)))
    hosted = client.uploads.create(make_png(color=(200, 30, 90)))
    pil = Image.open(io.BytesIO(make_png(color=(90, 200, 30), mode="RGBA")))
    created = client.collections.create("Mixed", references=[make_png(), upload, hosted.url, pil])
    assert len(created.reference_asset_ids) == 4
    assert upload.id in created.reference_asset_ids


def test_uploads_of_every_input_kind(client, make_png, tmp_path):
    path = tmp_path / "fox.png"
    path.write_bytes(make_png())
    rgba = Image.new("RGBA", (64, 48), (0, 0, 0, 0))
    rgba.putpixel((3, 3), (200, 10, 10, 255))
    with path.open("rb") as handle:
        assets = [
            client.uploads.create(path),
            client.uploads.create(str(path)),
            client.uploads.create(make_png(fmt="JPEG")),
            client.uploads.create(handle),
            client.uploads.create(rgba),
        ]
    assert all(a.type == "image" and a.status == "completed" and a.item_id is None for a in assets)
    assert assets[2].mime_type == "image/jpeg"
    back = assets[4].to_pil()
    assert (
        back.size == (64, 48) and back.getpixel((0, 0))[3] == 0 and back.getpixel((3, 3))[3] == 255
    )
    by_url = client.uploads.create(assets[0].url)
    assert by_url.id != assets[0].id and decoded(by_url.read()).size == (256, 256)


def test_too_many_pixels_is_refused_before_uploading(standin, make_png):
    huge = io.BytesIO()
    Image.new("1", (7000, 7000)).save(huge, "PNG")
    recording = Recording()
    with (
        MaskoClient(api_key=standin.api_key, base_url=standin.url, transport=recording) as masko,
        pytest.raises(InvalidImageError, match="megapixels"),
    ):
        masko.uploads.create(huge.getvalue())
    assert recording.requests == []


def test_references_add_list_remove(client, collection, make_png):
    added = client.references.add(collection, make_png())
    assert len(added.asset_ids) == 1 and added.style_card is None
    upload = client.uploads.create(make_png(color=(0, 160, 90)))
    client.references.add(collection.id, upload)
    assert (
        client.references.add(collection, upload).asset_ids
        == client.references.list(collection).asset_ids
    )
    assert len(client.references.list(collection).asset_ids) == 2
    left = client.references.remove(collection, upload)
    assert left.asset_ids == added.asset_ids
    with pytest.raises(NotFoundError):
        client.references.remove(collection, upload.id)


def test_a_seventh_reference_sends_no_post(recorded, make_png):
    client, recording = recorded
    collection = client.collections.create(
        "Full", references=[make_png(color=(n * 40, 80, 80)) for n in range(6)]
    )
    recording.requests.clear()
    with pytest.raises(ReferenceLimitError):
        client.references.add(collection, make_png())
    assert recording.requests == [("GET", f"/v1/collections/{collection.id}")]
    assert len(client.collections.get(collection).reference_asset_ids) == 6


def test_style_card_appears_after_a_generation_and_clears_on_change(client, collection, make_png):
    client.references.add(collection, make_png())
    client.generations.image(collection, "wave", "waving").wait(timeout=60)
    assert client.references.list(collection).style_card
    assert client.references.add(collection, make_png(color=(20, 20, 200))).style_card is None


def test_previews(client, collection, make_png):
    previews = client.previews.create(
        "a fox waving",
        hints=[make_png(), client.uploads.create(make_png()).url],
        collection_id=collection,
    )
    assert previews and all(isinstance(p, Preview) for p in previews)
    preview = previews[0]
    assert preview.prompt == "a fox waving" and preview.expires_at
    assert decoded(preview.read()).size == (preview.width, preview.height)
    assert preview._repr_png_().startswith(b"\x89PNG")
    assert client.collections.get(collection).reference_asset_ids == ()


def test_keeping_a_preview_makes_an_item(client, collection):
    preview = client.previews.create("a fox sleeping")[0]
    with pytest.raises(SourceImageError, match="keep"):
        client.generations.animate(collection, preview, "snore")
    job = client.generations.keep(collection, preview, "sleep").wait(timeout=60)
    items = client.items.list(collection)
    assert [(i.name, i.image_prompt) for i in items] == [("sleep", "a fox sleeping")]
    assert items[0].image_asset_id == job.asset_ids["image"]


def test_image_generation_and_its_assets(client, collection, pose, tmp_path):
    assert pose.status == "completed" and pose.done and pose.item_name == "wave"
    image = client.assets.get(pose.asset_ids["image"])
    cutout = client.assets.get(pose.asset_ids["transparent_image"])
    assert (image.type, image.item_id, image.collection_id) == (
        "image",
        pose.item_id,
        collection.id,
    )
    assert decoded(image.read()).size == (image.width, image.height)
    assert cutout.to_pil().mode == "RGBA"
    saved = image.save(tmp_path / "wave.png")
    assert decoded(saved.read_bytes()).size == (image.width, image.height)
    assert image._repr_png_() == image.read()
    assert client.download(pose.urls["image"]) == image.read()
    item = client.items.list(collection)[0]
    assert isinstance(item, Item) and dict(item.assets) == dict(pose.asset_ids)


def test_animating_an_item_makes_videos(client, collection, pose):
    item = client.items.list(collection)[0]
    job = client.generations.animate(collection, item, "waving", duration=1, loop=False).wait(
        timeout=120
    )
    assert set(job.asset_ids) == {"video", "webm", "hevc"} and job.item_id == pose.item_id
    assert job.cost_credits == 5
    video = client.assets.get(job.asset_ids["video"])
    assert video._repr_png_() is None
    assert first_frame(video.read(), "mp4") == (video.width, video.height)
    assert first_frame(client.download(job.urls["webm"]), "webm")[0] > 0


def test_transition_with_reverse(client, collection, pose):
    image = client.assets.get(pose.asset_ids["image"])
    other = client.generations.image(collection, "jump", "jumping").wait(timeout=60)
    job = client.generations.animate(
        collection, image, "jump up", duration=1, end=other, auto_reverse=True
    ).wait(timeout=120)
    assert {"reverse_video", "reverse_webm", "reverse_hevc"} <= set(job.asset_ids)
    assert first_frame(client.download(job.urls["reverse_video"]), "mp4")[0] > 0


def test_edit_lands_on_the_same_item(client, collection, pose):
    job = client.generations.edit(collection, pose.asset_ids["image"], "add a party hat").wait(
        timeout=60
    )
    assert job.type == "edit" and job.item_id == pose.item_id
    item = client.items.list(collection)[0]
    assert item.image_asset_id == job.asset_ids["image"] != pose.asset_ids["image"]


def test_edit_of_an_upload_is_refused_with_advice(client, collection, make_png):
    upload = client.uploads.create(make_png())
    with pytest.raises(SourceImageError, match="belongs to no item"):
        client.generations.edit(collection, upload, "add a hat")
    with pytest.raises(SourceImageError, match="belongs to no item"):
        client.generations.edit(collection, upload.id, "add a hat")


def test_the_servers_source_checks_map_to_source_image_error(client, collection, pose):
    with pytest.raises(SourceImageError, match="transparent_image") as caught:
        client.generations.animate(
            collection, pose.asset_ids["transparent_image"], "wave", duration=1
        )
    assert caught.value.__cause__.field == "source_image_asset_id"
    with pytest.raises(SourceImageError, match="end_image_asset_id"):
        client.generations.animate(
            collection, pose, "morph", duration=1, end=pose.asset_ids["transparent_image"]
        )
    with pytest.raises(SourceImageError, match="no asset"):
        client.generations.animate(
            collection, "00000000-0000-4000-8000-000000000000", "x", duration=1
        )


def test_batch_returns_jobs_and_errors_in_order(client, collection):
    results = client.generations.batch(
        collection,
        [
            {"type": "image", "name": "a", "image_prompt": "standing"},
            {"type": "image", "name": "b"},
            {"type": "image", "name": "c", "image_prompt": "sitting"},
        ],
    )
    assert isinstance(results[0], Job) and isinstance(results[2], Job)
    assert isinstance(results[1], BadRequestError) and results[1].field == "image_prompt"
    done = [job.wait(timeout=60) for job in (results[0], results[2])]
    assert [job.item_name for job in done] == ["a", "c"]


def charges(standin, job_ids) -> list[str]:
    return [
        row["job_id"]
        for row in standin.ledger()
        if row["kind"] == "charge" and row["job_id"] in job_ids
    ]


def test_reissuing_a_call_with_its_key_replays_the_first_job(client, standin, collection, pose):
    """After an ambiguous failure the caller sends the same call again: one job, one charge."""
    calls = {
        "image": lambda key: client.generations.image(
            collection, "jump", "jumping", idempotency_key=key
        ),
        "animate": lambda key: client.generations.animate(
            collection, pose, "bounce", idempotency_key=key
        ),
        "edit": lambda key: client.generations.edit(
            collection, pose, "add a hat", idempotency_key=key
        ),
    }
    balance = client.credits()
    first = {name: call(f"{collection.id}-{name}") for name, call in calls.items()}
    again = {name: call(f"{collection.id}-{name}") for name, call in calls.items()}
    assert {name: job.id for name, job in again.items()} == {
        name: job.id for name, job in first.items()
    }
    ids = {job.id for job in first.values()}
    assert sorted(charges(standin, ids)) == sorted(ids)
    assert client.credits() == balance - sum(job.cost_credits for job in first.values())


def test_reissuing_a_batch_with_its_key_replays_its_jobs(client, standin, collection):
    requests = [
        {"type": "image", "name": "a", "image_prompt": "standing"},
        {"type": "image", "name": "b", "image_prompt": "sitting"},
    ]
    first = client.generations.batch(collection, requests, idempotency_key=collection.id)
    again = client.generations.batch(collection, requests, idempotency_key=collection.id)
    ids = [job.id for job in first]
    assert [job.id for job in again] == ids and len(set(ids)) == 2
    assert sorted(charges(standin, set(ids))) == sorted(ids)


def test_an_idempotency_key_reused_for_another_call_is_refused(client, collection):
    key = f"{collection.id}-reused"
    client.generations.image(collection, "jump", "jumping", idempotency_key=key)
    with pytest.raises(BadRequestError, match="Idempotency-Key"):
        client.generations.image(collection, "sit", "sitting", idempotency_key=key)
    assert [item.name for item in client.items.list(collection)] == ["jump"]


def test_suggest_actions(client, collection):
    actions = client.suggest_actions(collection)
    assert 6 <= len(actions) <= 8 and all(isinstance(a, str) and a for a in actions)


def test_jobs_get_and_list(client, collection, pose):
    assert client.jobs.get(pose.id) == pose
    listed = client.jobs.list(collection_id=collection, status="completed", type="image")
    assert [job.id for job in listed] == [pose.id]
    assert client.jobs.list(collection_id=collection, type="animation") == []


def test_lists_follow_pagination(standin):
    recording = Recording()
    key = standin.new_workspace_key()
    with MaskoClient(api_key=key, base_url=standin.url, transport=recording) as client:
        made = {client.projects.create(f"p{n}").id for n in range(PAGE_SIZE + 5)}
        recording.requests.clear()
        listed = client.projects.list()
    assert made <= {p.id for p in listed} and len(listed) == len({p.id for p in listed})
    assert recording.requests == [("GET", "/v1/projects")] * 2


def test_many_waits_share_one_client_across_threads(client, collection):
    jobs = [client.generations.image(collection, f"pose {n}", "posing") for n in range(6)]
    done: dict[str, str] = {}

    def wait(job: Job) -> None:
        done[job.id] = job.wait(timeout=120).status

    threads = [threading.Thread(target=wait, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert done == {job.id: "completed" for job in jobs}


def test_status_errors_map_to_classes(standin, client, collection):
    with MaskoClient(api_key="masko_" + "f" * 64, base_url=standin.url) as stranger:
        with pytest.raises(AuthenticationError) as caught:
            stranger.credits()
        assert caught.value.code == "unauthorized"
    with MaskoClient(api_key=standin.new_workspace_key(credits=0), base_url=standin.url) as broke:
        with pytest.raises(PermissionDeniedError):
            broke.collections.get(collection)
        own = broke.collections.create("mine")
        with pytest.raises(InsufficientCreditsError) as caught:
            broke.generations.image(own, "wave", "waving")
        assert (caught.value.required, caught.value.balance) == (1, 0)
        assert broke.items.list(own) == []
    with pytest.raises(NotFoundError):
        client.collections.get("00000000-0000-4000-8000-000000000000")
    with pytest.raises(BadRequestError) as caught:
        client.projects.create("")
    assert caught.value.field == "name"


def test_handles_from_the_client_are_models(client, pose):
    asset = client.assets.get(pose.asset_ids["image"])
    assert isinstance(asset, Asset) and asset == client.assets.get(asset.id)
