"""PoseGrid through the real message path against the stand-in."""

from __future__ import annotations

import io
import json
import threading

import av
import httpx
import pytest
from PIL import Image

from masko_widgets import MascotStudio, MaskoClient, PoseGrid, WaitCancelledError, local
from masko_widgets.client import _plans
from masko_widgets.widgets import _cache
from masko_widgets.widgets._base import CARD_CACHED, CARD_CLEARED, CARD_PENDING, PartLink
from masko_widgets.widgets._cache import PictureCache
from masko_widgets.widgets._poses import PoseEntry, PoseRows
from tests.widgets.wire import front_end_event, front_end_update


@pytest.fixture
def posed(client, collection, reference, generate):
    """A collection with one reference and two poses: (collection, [jobs])."""
    client.references.add(collection, reference())
    return collection, generate(collection, "wave", "sit")


def test_selection_from_the_front_end_gives_the_image_asset_id(client, posed, wire):
    collection, jobs = posed
    grid = PoseGrid(client, collection)
    wave = next(job for job in jobs if job.item_name == "wave")

    mark = wire.mark()
    front_end_update(grid, {"selected_item_id": wave.item_id})

    assert grid.source_image_asset_id == wave.asset_ids["image"]
    assert grid.source_image_asset_id != wave.asset_ids["transparent_image"]
    # the derived trait went back to the browser
    updates = [
        sent.data["state"]
        for sent in wire.since(mark)
        if sent.comm_id == grid.model_id and sent.data.get("method") == "update"
    ]
    assert {"source_image_asset_id": wave.asset_ids["image"]} in updates

    original = Image.open(io.BytesIO(client.download(wave.urls["image"])))
    picked = grid.selected_image()
    assert picked.size == original.size == (512, 512)
    assert picked.tobytes() == original.convert(picked.mode).tobytes()

    front_end_update(grid, {"selected_item_id": None})
    assert grid.source_image_asset_id is None and grid.selected_image() is None
    front_end_update(grid, {"selected_item_id": "not-a-pose"})
    assert grid.source_image_asset_id is None


def custom_messages(wire, mark, widget, event):
    """The custom messages `widget` sent since `mark` whose event is `event` (any: None)."""
    return [
        sent
        for sent in wire.since(mark)
        if sent.comm_id == widget.model_id
        and sent.data.get("method") == "custom"
        and (event is None or sent.data["content"].get("event") == event)
    ]


def pictures_sent(wire, mark, grid):
    """(row, thumbnail bytes) of every picture the grid sent since `mark`."""
    pairs = []
    for message in custom_messages(wire, mark, grid, "thumbnails"):
        buffers = iter(message.buffers)
        rows = message.data["content"]["pictures"]
        assert message.data["content"]["mime"] == "image/webp"
        pairs += [(row, None if isinstance(row[2], str) else next(buffers)) for row in rows]
    return pairs


def ask_thumbnails(grid, item_ids, wire, mark, timeout=30):
    """Play the front end asking for tiles in view; returns (row, bytes) per picture."""
    front_end_event(grid, {"event": "thumbnails", "ids": list(item_ids)})

    def answered():
        answers = pictures_sent(wire, mark, grid)
        return answers if len(answers) >= len(item_ids) else None

    return wire.wait_for(answered, timeout)


def test_opening_sends_a_compact_list_and_no_pictures(client, posed, wire):
    collection, jobs = posed
    mark = wire.mark()
    grid = PoseGrid(client, collection)

    (opened,) = [sent for sent in wire.since(mark) if sent.comm_id == grid.model_id]
    assert opened.kind == "comm_open" and opened.buffers == []
    rows = opened.data["state"]["pose_list"]
    assert [row[0] for row in rows] == [job.item_id for job in jobs]
    assert [row[1] for row in rows] == ["wave", "sit"]
    assert all(len(json.dumps(row)) <= 200 for row in rows)
    assert "last_pose" not in opened.data["state"]  # no child models

    ((row, data),) = ask_thumbnails(grid, [jobs[1].item_id], wire, mark)
    item_id, version, score = row
    assert (item_id, version) == (jobs[1].item_id, jobs[1].asset_ids["image"][:8])
    assert score >= 70
    assert Image.open(io.BytesIO(data)).format == "WEBP"
    assert grid.pose_list[1][2] == score  # a new view gets the score with the list
    assert grid.pose_list[0][2] is None  # the other pose is not scored yet: nothing asked


class HeldPictures(httpx.HTTPTransport):
    """Real HTTP to the stand-in, but asset requests (the first step of making a picture)
    wait for `release` (at most 10 s); `asked` is set once each of `expected` was asked."""

    def __init__(self, expected: list[str]) -> None:
        super().__init__()
        self.release = threading.Event()
        self.asked = threading.Event()
        self.assets: list[str] = []
        self._expected = set(expected)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v1/assets/"):
            self.assets.append(request.url.path.rsplit("/", 1)[-1])
            if self._expected <= set(self.assets):
                self.asked.set()
            self.release.wait(10)
        return super().handle_request(request)


def test_opening_starts_the_first_pictures_without_waiting_for_them(
    standin, posed, wire, picture_cache
):
    collection, jobs = posed
    images = [job.asset_ids["image"] for job in jobs]
    gate = HeldPictures(expected=images)
    with MaskoClient(api_key=standin.api_key, base_url=standin.url, transport=gate) as far:
        grid = PoseGrid(far, collection)  # returns while every picture is held
        assert gate.asked.wait(10), f"asked for {gate.assets}"
        assert not any(picture_cache.submit(far, image).done() for image in images)
        gate.release.set()
        mark = wire.mark()
        pictures = ask_thumbnails(grid, [job.item_id for job in jobs], wire, mark)
        assert len(pictures) == len(jobs)
        assert sorted(a for a in gate.assets if a in images) == sorted(images)  # asked once


def test_adding_one_pose_sends_one_patch_and_one_thumbnail(client, posed, generate, wire):
    collection, _ = posed
    grid = PoseGrid(client, collection)

    (job,) = generate(collection, "jump")
    mark = wire.mark()
    grid.refresh()
    (patch,) = custom_messages(wire, mark, grid, "poses")
    assert patch.data["content"]["upsert"] == [[job.item_id, "jump", None, grid.pose_list[2][3]]]
    assert patch.buffers == []
    ((_, thumbnail),) = ask_thumbnails(grid, [job.item_id], wire, mark)

    sent = [message for message in wire.since(mark) if message.comm_id == grid.model_id]
    assert [message.data["content"]["event"] for message in sent] == ["poses", "thumbnails"]
    assert sum(message.size for message in sent) <= 1.2 * len(thumbnail)
    assert grid.poses[2].thumbnail == thumbnail


def test_pictures_are_made_once_and_kept_on_disk(client, posed, wire, picture_cache, monkeypatch):
    collection, jobs = posed
    grid = PoseGrid(client, collection)
    ids = [job.item_id for job in jobs]
    first = ask_thumbnails(grid, ids, wire, wire.mark())

    # A second notebook: a new process has an empty memory but the same cache folder.
    monkeypatch.setattr(_cache, "_shared", PictureCache(picture_cache.directory))
    monkeypatch.setattr(type(client.assets), "get", lambda *_: pytest.fail("downloaded again"))
    second = PoseGrid(client, collection)
    again = ask_thumbnails(second, ids, wire, wire.mark())
    assert sorted(data for _, data in again) == sorted(data for _, data in first)
    assert [second.on_model_score(item_id) for item_id in ids] == [
        grid.on_model_score(item_id) for item_id in ids
    ]


def test_new_poses_from_the_front_end_appear_and_cache_the_style_card(client, posed, reference):
    collection, _ = posed
    client.references.add(collection, reference((60, 140, 230)))  # clears the style card
    grid = PoseGrid(client, collection)
    assert grid.style_card_status == CARD_PENDING  # this grid never saw the card
    front_end_event(grid, {"event": "suggest"})
    grid.wait(30)
    assert 2 <= len(grid.suggestions) <= 8

    picked = grid.suggestions[:2]
    front_end_event(grid, {"event": "generate", "actions": picked})
    grid.wait(60)

    assert grid.error == ""
    assert [pose.name for pose in grid.poses][2:] in (picked, picked[::-1])
    names = {item.name for item in client.items.list(collection)}
    assert set(picked) <= names
    assert grid.style_card_status == CARD_CACHED
    # Suggestions leave out the poses the collection already has.
    grid.suggest()
    assert grid.suggestions and not set(grid.suggestions) & names


def test_too_many_poses_or_none_is_refused_in_words(client, posed):
    grid = PoseGrid(client, posed[0])
    front_end_event(grid, {"event": "generate", "actions": [f"pose {n}" for n in range(11)]})
    assert "at most 10" in grid.error.lower()
    front_end_event(grid, {"event": "generate", "actions": []})
    assert "pick at least one" in grid.error.lower()
    assert len(grid.poses) == 2 and grid.tasks == []


def test_animate_plays_the_video_from_bytes(client, posed):
    collection, jobs = posed
    grid = PoseGrid(client, collection)
    front_end_event(
        grid, {"event": "animate", "prompt": "waves hello", "duration": 2, "loop": True}
    )
    assert "select a pose" in grid.error.lower()

    grid.select(jobs[0].item_id)
    front_end_event(
        grid, {"event": "animate", "prompt": "waves hello", "duration": 2, "loop": True}
    )
    grid.wait(120)

    assert grid.error == ""
    clip = grid.animation
    assert (clip["item_id"], clip["prompt"], clip["duration"]) == (
        jobs[0].item_id,
        "waves hello",
        2,
    )
    with av.open(io.BytesIO(clip["data"])) as video:
        stream = video.streams.video[0]
        frames = sum(1 for _ in video.decode(stream))
        assert stream.codec_context.name in {"vp9", "libvpx-vp9", "h264"}
        assert frames >= 12  # two seconds of video
    assert clip["mime"] in {"video/webm", "video/mp4"}


def test_on_model_score_follows_the_references(client, collection, reference, generate):
    orange = reference((240, 120, 40))
    client.references.add(collection, orange)
    (job,) = generate(collection, "wave")
    grid = PoseGrid(client, collection)

    on_model = grid.on_model_score(job.item_id)
    assert on_model == grid.poses[0].score and 70 <= on_model <= 100

    client.references.remove(collection, orange)
    client.references.add(collection, reference((40, 90, 230)))
    grid.reload_collection()
    drifted = grid.on_model_score(job.item_id)
    assert drifted < on_model - 20
    assert grid.style_card_status == CARD_CLEARED

    client.references.remove(collection, client.references.list(collection).asset_ids[0])
    grid.reload_collection()
    assert grid.on_model_score(job.item_id) is None
    with pytest.raises(ValueError, match="No pose"):
        grid.on_model_score("nope")


@pytest.fixture(scope="module")
def slow_standin(tmp_path_factory):
    """A stand-in whose animations take 30 s: long enough to watch and cancel one."""
    with local.start(tmp_path_factory.mktemp("slow"), latency={"animation": 30.0}) as server:
        yield server


def test_a_running_animation_shows_progress_and_cancel_stops_the_wait(slow_standin, make_png, wire):
    with MaskoClient(api_key=slow_standin.api_key, base_url=slow_standin.url) as client:
        collection = client.collections.create("slow mascot")
        job = client.generations.image(collection, "wave", "wave")
        client.jobs.wait(job)
        grid = PoseGrid(client, collection)
        grid.select(grid.poses[0].item_id)

        task = grid.animate("waves hello", duration=1)
        wire.wait_for(lambda: "Animating:" in str(grid.tasks), timeout=10)  # woken by the sync
        (shown,) = grid.tasks
        assert shown["id"] == task.id and shown["cancellable"] is True
        assert shown["label"] == "Animating wave"
        assert shown["detail"] in {"Animating: pending", "Animating: processing"}

        front_end_event(grid, {"event": "cancel", "task": task.id})
        with pytest.raises(WaitCancelledError):
            task.wait(10)
        assert grid.tasks == [] and grid.error == ""
        assert "stopped waiting" in grid.notice.lower()
        assert grid.animation == {}


# --- a long list loads page by page, after the cell returned -------------------------------
PAGE = 2
"""Items per page in these tests (the API gives up to 200): five poses are three pages."""


class HeldPages(httpx.HTTPTransport):
    """Real HTTP to the stand-in, but the pages of items after the first wait for `release`
    (at most 5 s): the moment between the cell's return and the rest of the list."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.held = threading.Event()
        self.offsets: list[int] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/items"):
            offset = int(request.url.params.get("offset", 0))
            self.offsets.append(offset)
            if offset > 0:
                self.held.set()
                self.release.wait(5)
        return super().handle_request(request)


@pytest.fixture
def paged(standin, client, collection, reference, generate, monkeypatch):
    """Five poses served two per page, through a client whose later pages are held:
    (client, collection, jobs, gate)."""
    client.references.add(collection, reference())
    jobs = generate(collection, *(f"pose {n}" for n in range(5)))
    monkeypatch.setattr(_plans, "PAGE_LIMIT_MAX", PAGE)
    gate = HeldPages()
    with MaskoClient(api_key=standin.api_key, base_url=standin.url, transport=gate) as held:
        yield held, collection, jobs, gate


def replay(rows, patches):
    """The item ids a view shows: the list it opened with, then each "poses" patch applied
    as the front end's store does (upsert in place or at the end, remove, move to the end)."""
    shown = {row[0]: row for row in rows}
    for patch in patches:
        for row in patch.get("upsert", []):
            shown[row[0]] = row
        for item_id in patch.get("remove", []):
            shown.pop(item_id, None)
        for item_id in patch.get("last", []):
            shown[item_id] = shown.pop(item_id)
    return list(shown)


def opened_state(wire, mark, widget):
    (opened,) = [
        sent
        for sent in wire.since(mark)
        if sent.comm_id == widget.model_id
        if sent.kind == "comm_open"
    ]
    return opened.data["state"]


def test_the_grid_opens_with_the_first_page_and_loads_the_rest_meanwhile(paged, wire):
    client, collection, jobs, gate = paged
    ids = [job.item_id for job in jobs]
    mark = wire.mark()
    grid = PoseGrid(client, collection)

    assert [row[0] for row in opened_state(wire, mark, grid)["pose_list"]] == ids[:PAGE]
    (loading,) = wire.wait_for(lambda: grid.tasks)
    assert (loading["kind"], loading["done"], loading["total"]) == ("load", PAGE, 5)
    front_end_update(grid, {"selected_item_id": ids[1]})  # usable meanwhile
    assert grid.source_image_asset_id == jobs[1].asset_ids["image"]
    with pytest.raises(ValueError, match="still loading"):
        grid.select(ids[4])

    gate.release.set()
    grid.wait(30)
    assert [row[0] for row in grid.pose_list] == ids and grid.tasks == []
    patches = [sent.data["content"] for sent in custom_messages(wire, mark, grid, "poses")]
    assert [row[0] for patch in patches for row in patch["upsert"]] == ids[PAGE:]
    assert gate.offsets == [0, 2, 4]


def test_a_pose_made_while_loading_shows_at_once_and_once_at_the_end(paged, wire):
    client, collection, jobs, gate = paged
    mark = wire.mark()
    grid = PoseGrid(client, collection)
    gate.held.wait(10)

    (new,) = grid.generate(["jump"]).wait(60)
    ids = [job.item_id for job in jobs]
    assert [pose.item_id for pose in grid.poses] == [*ids[:PAGE], new.item_id]

    gate.release.set()
    grid.wait(30)
    everything = [*ids, new.item_id]
    assert [item.id for item in client.items.list(collection)] == everything
    assert [row[0] for row in grid.pose_list] == everything
    patches = [sent.data["content"] for sent in custom_messages(wire, mark, grid, "poses")]
    assert replay(opened_state(wire, mark, grid)["pose_list"], patches) == everything


def test_closing_the_grid_while_it_loads_stops_the_loading(paged, wire):
    client, collection, _, gate = paged
    grid = PoseGrid(client, collection)
    gate.held.wait(10)

    grid.close()
    gate.release.set()
    grid.wait(10)
    assert gate.offsets == [0, 2]  # the page on its way was the last asked
    assert len(grid.poses) == PAGE and grid.tasks == []


def test_the_studio_opens_at_once_and_its_grid_fills_in(paged, wire):
    client, collection, jobs, gate = paged
    mark = wire.mark()
    studio = MascotStudio(client, collection)

    opened = opened_state(wire, mark, studio)["grid.pose_list"]
    assert [row[0] for row in opened] == [job.item_id for job in jobs[:PAGE]]
    gate.release.set()
    studio.wait(30)
    patches = [
        sent.data["content"]["data"]["content"]
        for sent in custom_messages(wire, mark, studio, None)
        if sent.data["content"].get("part") == "grid"
        and sent.data["content"]["data"].get("content", {}).get("event") == "poses"
    ]
    assert replay(opened, patches) == [job.item_id for job in jobs]


def test_closing_the_studio_while_its_grid_loads_stops_the_loading(paged, wire):
    client, collection, _, gate = paged
    studio = MascotStudio(client, collection)
    gate.held.wait(10)

    studio.close()
    gate.release.set()
    studio.wait(10)
    assert gate.offsets == [0, 2]
    assert len(studio.grid.poses) == PAGE


@pytest.mark.parametrize(
    ("steps", "order"),
    [
        ([("page", "ab"), ("page", "cd")], "abcd"),
        ([("page", "ab"), ("put", "x"), ("page", "cd")], "abcdx"),
        ([("page", "ab"), ("put", "x"), ("page", "cx"), ("page", "d")], "abcxd"),
        ([("page", "ab"), ("put", "x"), ("put", "y"), ("page", "cxd"), ("page", "y")], "abcxdy"),
        ([("page", "ab"), ("put", "x"), ("done", ""), ("put", "y")], "abxy"),
    ],
)
def test_poses_put_while_loading_stay_after_the_loaded_ones(steps, order):
    rows = PoseRows()
    rows.loading = True
    shown = []
    for step, ids in steps:
        entries = [PoseEntry(item_id, item_id, f"asset-{item_id}") for item_id in ids]
        if step == "page":
            change = rows.add_page(entries)
            patch = {"upsert": change.upsert, "last": change.last}
        elif step == "put":
            patch = {"upsert": rows.upsert(entries)}
        else:
            rows.finish_loading()
            continue
        shown = replay([], [{"upsert": [[i] for i in shown]}, patch])
        assert [row[0] for row in rows.rows] == shown
    assert "".join(shown) == order


def test_a_view_that_starts_late_gets_the_whole_list_and_the_tasks(paged, wire):
    client, collection, jobs, gate = paged
    grid = PoseGrid(client, collection)
    gate.held.wait(10)
    mark = wire.mark()
    front_end_event(grid, {"event": "sync"})  # while loading: the first page, and the task
    (early,) = custom_messages(wire, mark, grid, "poses")
    assert [row[0] for row in early.data["content"]["all"]] == [job.item_id for job in jobs[:PAGE]]
    (tasks,) = [m for m in wire.since(mark) if m.data.get("method") == "update"]
    assert [task["kind"] for task in tasks.data["state"]["tasks"]] == ["load"]

    gate.release.set()
    grid.wait(30)
    mark = wire.mark()
    front_end_event(grid, {"event": "sync"})
    (late,) = custom_messages(wire, mark, grid, "poses")
    assert late.data["content"]["all"] == grid.pose_list
    assert [row[0] for row in late.data["content"]["all"]] == [job.item_id for job in jobs]


def test_what_a_part_sends_before_its_host_is_ready_waits_for_it():
    """A studio's grid starts loading before the studio's comm is open: nothing is lost."""
    link = PartLink("grid")
    got = []
    link.send({"n": 1}, [])
    link.send({"n": 2}, [b"x"])
    link.forward = lambda name, data, buffers: got.append((name, data, buffers))
    link.send({"n": 3}, [])
    assert got == [("grid", {"n": 1}, []), ("grid", {"n": 2}, [b"x"]), ("grid", {"n": 3}, [])]
