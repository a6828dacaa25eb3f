"""Re-running a cell frees everything: a closed widget leaves no widget, comm, thread or file
open, and is collected; live reload of the front end holds no widget."""

from __future__ import annotations

import gc
import os
import threading
import weakref
from pathlib import Path

import comm
import pytest
from ipywidgets.widgets import widget as ipywidget

from masko_widgets import (
    MascotStudio,
    MaskoClient,
    PoseGrid,
    PreviewPanel,
    ReferenceGallery,
    local,
)
from masko_widgets.client import WaitCancelledError
from masko_widgets.widgets import _front_end
from masko_widgets.widgets._front_end import LIVE_RELOAD_VARIABLE, LiveReload, front_end_trait
from masko_widgets.widgets._model import ModelWidget
from tests.widgets.wire import front_end_event

CYCLES = 20
PARTS = (MascotStudio, PoseGrid, PreviewPanel, ReferenceGallery)


def open_things() -> dict[str, set]:
    """Widgets registered with ipywidgets, comms open, live threads and file descriptors."""
    gc.collect()
    return {
        "widgets": set(ipywidget._instances),
        "comms": set(comm.get_comm_manager().comms),
        "threads": set(threading.enumerate()),
        "fds": set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else set(),
        # ipywidgets makes a class per instance (add_traits): nothing may keep those alive
        "classes": {kind for part in PARTS for kind in part.__subclasses__()},
    }


def run_studio_cell(client, collection, wire, item_id: str) -> MascotStudio:
    """What one run of a studio cell does: make it, show it (its whole state), and let its
    grid view ask for the thumbnail it shows."""
    studio = MascotStudio(client, collection)
    studio.get_state()
    studio._repr_mimebundle_()
    mark = wire.mark()
    ask = {"event": "thumbnails", "ids": [item_id]}
    front_end_event(studio, {"part": "grid", "method": "custom", "content": ask})
    wire.wait_for(lambda: any(sent.buffers for sent in wire.since(mark)), timeout=30)
    return studio


def test_twenty_reruns_of_a_studio_cell_leave_nothing_behind(
    client, collection, reference, generate, wire
):
    client.references.add(collection, reference())
    (job,) = generate(collection, "wave")
    run_studio_cell(client, collection, wire, job.item_id).close()  # warm: pools, connections
    before = open_things()

    freed = []
    for _ in range(CYCLES):
        studio = run_studio_cell(client, collection, wire, job.item_id)
        freed += [weakref.ref(widget) for widget in (studio, *studio.named_parts.values())]
        studio.close()  # what re-running the cell leads to (the old output's widget goes)
        del studio
    after = open_things()

    assert after["widgets"] == before["widgets"]
    assert after["comms"] == before["comms"]
    assert after["threads"] <= before["threads"]
    assert len(after["fds"]) <= len(before["fds"])
    assert after["classes"] <= before["classes"]
    assert [ref for ref in freed if ref() is not None] == []


def test_a_closed_part_closes_its_layout(client, collection):
    studio = MascotStudio(client, collection)
    layouts = [widget.layout for widget in (studio, *studio.named_parts.values())]
    studio.close()
    assert [layout for layout in layouts if layout.comm is not None] == []


def dev_widget_class(path: Path) -> type[ModelWidget]:
    """A widget whose front end is a file a developer is editing."""
    return type("Dev", (ModelWidget,), {"_esm": front_end_trait(path)})


def test_live_reload_sends_a_rebuilt_file_and_holds_no_widget(tmp_path, wire):
    path = tmp_path / "dev.js"
    path.write_text("export default { render() {} };\n", encoding="utf-8")
    widget = dev_widget_class(path)()
    live = LiveReload()
    live.follow(widget, start=False)
    mark = wire.mark()

    path.write_text("export default { render({ el }) { el.textContent = 'new'; } };\n")
    live.check()

    assert widget._esm == path.read_text()
    updates = [sent.data for sent in wire.since(mark) if sent.comm_id == widget.model_id]
    assert any(data.get("state", {}).get("_esm") == widget._esm for data in updates)
    followed = weakref.ref(widget)
    widget.close()
    del widget
    gc.collect()
    assert followed() is None


def test_live_reload_runs_only_when_asked(tmp_path, monkeypatch):
    path = tmp_path / "dev.js"
    path.write_text("export default {};\n", encoding="utf-8")
    live = LiveReload()
    monkeypatch.setattr(_front_end, "_live", live)
    monkeypatch.delenv(LIVE_RELOAD_VARIABLE, raising=False)
    cls = dev_widget_class(path)
    cls().close()
    assert not live.running

    monkeypatch.setenv(LIVE_RELOAD_VARIABLE, "1")
    widget = cls()
    try:
        assert live.running
    finally:
        live.stop()
        widget.close()
    assert not live.running


@pytest.fixture(scope="module")
def slow_standin(tmp_path_factory):
    """A stand-in whose animations take 30 s: still running when the studio closes."""
    with local.start(tmp_path_factory.mktemp("slow"), latency={"animation": 30.0}) as server:
        yield server


def test_closing_a_studio_stops_its_running_tasks(slow_standin, wire):
    with MaskoClient(api_key=slow_standin.api_key, base_url=slow_standin.url) as client:
        collection = client.collections.create("slow mascot")
        client.jobs.wait(client.generations.image(collection, "wave", "wave"))
        studio = MascotStudio(client, collection)
        studio.grid.select(studio.grid.poses[0].item_id)
        task = studio.grid.animate("waves hello", duration=1)
        wire.wait_for(lambda: "Animating:" in str(studio.grid.tasks), timeout=10)
        (worker,) = [thread for thread in threading.enumerate() if task.id in thread.name]

        studio.close()

        with pytest.raises(WaitCancelledError):
            task.wait(10)
        worker.join(10)
        assert not worker.is_alive()
