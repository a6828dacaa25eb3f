"""PoseGrid's jobs through the real message path against the stand-in: editing the selected
pose, the poses on their way (placeholders), Cancel, and job answers without asset ids."""

from __future__ import annotations

import io
import json
import threading

import httpx
import pytest
from PIL import Image

from masko_widgets import MascotStudio, MaskoClient, PoseGrid, WaitCancelledError
from tests.widgets.wire import front_end_event


def picture(grid, pose):
    """The pose's original picture, decoded."""
    image = Image.open(io.BytesIO(grid.client.assets.get(pose.asset_id).read()))
    return image.convert("RGB")


def image_of(client, job):
    """The `image` asset id of the job's item as the collection's listing shows it now."""
    items = client.items.list(job.collection_id)
    return next(item.image_asset_id for item in items if item.id == job.item_id)


def test_edit_changes_the_selected_pose_in_place(client, collection, generate, wire):
    wave, sit = generate(collection, "wave", "sit")
    grid = PoseGrid(client, collection)
    grid.select(wave.item_id)
    before = picture(grid, grid.poses[0])
    rows_before = [list(row) for row in grid.pose_list]

    front_end_event(grid, {"event": "edit", "instructions": "add a red scarf"})
    grid.wait(60)

    assert grid.error == "" and grid.pending == []
    first, second = grid.poses
    assert (first.item_id, first.name, second.item_id) == (wave.item_id, "wave", sit.item_id)
    assert first.asset_id != wave.asset_ids["image"]  # a new picture on the same item
    assert grid.source_image_asset_id == first.asset_id  # what Animate and Edit use next
    assert image_of(client, wave) == first.asset_id
    after = picture(grid, first)
    assert after.size == before.size and after.tobytes() != before.tobytes()
    # the tile changed in place: same order, the pose's version is new, the other untouched
    assert [row[0] for row in grid.pose_list] == [row[0] for row in rows_before]
    assert grid.pose_list[0][3] != rows_before[0][3] and grid.pose_list[1] == rows_before[1]
    patches = [
        sent.data["content"]
        for sent in wire.since()
        if sent.comm_id == grid.model_id and sent.data.get("content", {}).get("event") == "poses"
    ]
    assert patches[-1]["upsert"] == [grid.pose_list[0]]


def test_edit_needs_a_selection_and_an_instruction(client, collection, generate):
    (wave,) = generate(collection, "wave")
    grid = PoseGrid(client, collection)
    front_end_event(grid, {"event": "edit", "instructions": "add a hat"})
    assert "select a pose" in grid.error.lower()
    grid.select(wave.item_id)
    front_end_event(grid, {"event": "edit", "instructions": "   "})
    assert "instructions" in grid.error.lower() and grid.tasks == []
    with pytest.raises(ValueError, match="what to change"):
        grid.edit("")


class HeldJobs(httpx.HTTPTransport):
    """Real HTTP to the stand-in, but the answers about jobs wait for `release` (at most
    30 s): the jobs stay on their way, as far as the grid can tell, until the test says."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v1/jobs/"):
            self.release.wait(30)
        return super().handle_request(request)


@pytest.fixture
def held(standin, collection):
    """A client whose job answers are held: (client, gate)."""
    gate = HeldJobs()
    with MaskoClient(api_key=standin.api_key, base_url=standin.url, transport=gate) as masko:
        yield masko, gate
    gate.release.set()


def test_poses_on_their_way_show_and_still_appear_after_cancel(held, collection, wire):
    client, gate = held
    grid = PoseGrid(client, collection)
    front_end_event(grid, {"event": "generate", "actions": ["wave", "sit"]})
    wire.wait_for(lambda: len(grid.pending) == 2)
    assert [(entry["kind"], entry["name"], entry["item_id"]) for entry in grid.pending] == [
        ("new", "wave", None),
        ("new", "sit", None),
    ]
    assert all(entry["status"] in {"pending", "processing"} for entry in grid.pending)
    (task,) = grid.tasks
    assert task["kind"] == "generate" and task["total"] == 2

    front_end_event(grid, {"event": "cancel", "task": task["id"]})
    wire.wait_for(lambda: all(task["kind"] == "late" for task in grid.tasks))
    assert "still appears here" in grid.notice and grid.error == ""
    assert grid.poses == () and len(grid.pending) == 2  # the placeholders stay

    gate.release.set()
    grid.wait(60)  # the quiet tasks that wait on after Cancel
    assert sorted(pose.name for pose in grid.poses) == ["sit", "wave"]
    assert grid.pending == [] and grid.tasks == [] and grid.error == ""
    assert {pose.asset_id for pose in grid.poses} == {
        item.image_asset_id for item in client.items.list(collection)
    }


def test_an_edit_shows_on_its_tile_and_lands_after_cancel(held, collection, generate, wire):
    client, gate = held
    (wave,) = generate(collection, "wave")
    grid = PoseGrid(client, collection)
    grid.select(wave.item_id)
    task = grid.edit("add a red scarf")
    wire.wait_for(lambda: grid.pending)
    ((entry),) = grid.pending
    assert (entry["kind"], entry["name"], entry["item_id"]) == ("edit", "wave", wave.item_id)
    assert grid.tasks[0]["label"] == "Editing wave"

    task.cancel()
    with pytest.raises(WaitCancelledError):
        task.wait(10)
    assert grid.poses[0].asset_id == wave.asset_ids["image"] and len(grid.pending) == 1

    gate.release.set()
    grid.wait(60)
    assert grid.pending == [] and grid.error == ""
    assert grid.poses[0].asset_id == image_of(client, wave)
    assert grid.poses[0].asset_id != wave.asset_ids["image"]


def test_in_a_studio_the_poses_on_their_way_reach_the_grid_view(held, collection, wire):
    client, gate = held
    studio = MascotStudio(client, collection)
    mark = wire.mark()
    front_end_event(studio, {"part": "grid", "content": {"event": "generate", "actions": ["wave"]}})

    def shown():
        """The grid's `pending` as the studio's own state updates carry it (`grid.pending`)."""
        return [
            sent.data["state"]["grid.pending"]
            for sent in wire.since(mark)
            if sent.comm_id == studio.model_id
            and sent.data.get("method") == "update"
            and "grid.pending" in sent.data.get("state", {})
        ]

    (entry,) = wire.wait_for(shown)[0]
    assert (entry["kind"], entry["name"]) == ("new", "wave")
    gate.release.set()
    studio.wait(60)
    assert shown()[-1] == [] and [pose.name for pose in studio.grid.poses] == ["wave"]


def test_closing_the_grid_stops_waiting_for_poses_on_their_way(held, collection, wire):
    client, _gate = held
    grid = PoseGrid(client, collection)
    task = grid.generate(["wave"])
    wire.wait_for(lambda: grid.pending)
    grid.close()
    with pytest.raises(WaitCancelledError):
        task.wait(10)
    grid.wait(10)
    assert grid.tasks == []  # nothing waits on after the grid closed


class DocsShapes(httpx.HTTPTransport):
    """Real HTTP to the stand-in, with the answers about generations shaped as Masko's jobs
    docs print them: batch entries and job details without `asset_ids`."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = super().handle_request(request)
        path = request.url.path
        if not (path.endswith("/generate-batch") or path.startswith("/v1/jobs/")):
            return answer
        body = json.loads(answer.read())
        data = body["data"]
        for job in data.get("jobs", [data]):
            job.pop("asset_ids", None)
        return httpx.Response(
            answer.status_code,
            headers={"content-type": "application/json"},
            content=json.dumps(body).encode(),
        )


def test_new_poses_from_answers_without_asset_ids_can_be_animated(standin, collection):
    with MaskoClient(
        api_key=standin.api_key, base_url=standin.url, transport=DocsShapes()
    ) as client:
        grid = PoseGrid(client, collection)
        poses = grid.generate(["wave"]).wait(60)

        (item,) = client.items.list(collection)
        assert [(pose.item_id, pose.asset_id) for pose in poses] == [(item.id, item.image_asset_id)]
        assert grid.error == "" and grid.pending == []
        grid.select(item.id)
        assert grid.source_image_asset_id == item.image_asset_id
        assert picture(grid, grid.poses[0]).size == (512, 512)
        grid.animate("waves hello", duration=1).wait(60)  # the pose animates
        assert grid.animation["item_id"] == item.id and grid.animation["data"]
