"""A recording comm: every message widgets publish to the front end, with its buffers,
and helpers that play the front end through the real message path (`_handle_msg`)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import comm
import ipywidgets
from comm.base_comm import BaseComm


@dataclass
class Sent:
    """One published message: its type, its JSON data, and its binary buffers."""

    kind: str
    comm_id: str
    data: dict[str, Any]
    buffers: list[bytes]

    @property
    def size(self) -> int:
        """Bytes on the wire: the JSON data as the kernel packs it, plus every buffer."""
        return len(json.dumps(self.data).encode()) + sum(len(buffer) for buffer in self.buffers)


@dataclass
class Wire:
    """Everything published through comms opened while recording."""

    sent: list[Sent] = field(default_factory=list)
    lock: threading.Condition = field(default_factory=threading.Condition)

    def record(self, message: Sent) -> None:
        with self.lock:
            self.sent.append(message)
            self.lock.notify_all()

    def wait_for(self, found: Callable[[], Any], timeout: float = 30) -> Any:
        """Wait until `found()` gives a truthy value, checking again on each new message;
        returns that value, or fails the test after `timeout` seconds."""
        with self.lock:  # re-entrant: `found` may read the wire
            value = self.lock.wait_for(found, timeout)
        if not value:
            raise AssertionError(f"what was awaited did not come within {timeout} s")
        return value

    def mark(self) -> int:
        with self.lock:
            return len(self.sent)

    def since(self, mark: int = 0) -> list[Sent]:
        with self.lock:
            return list(self.sent[mark:])

    def bytes_since(self, mark: int = 0) -> int:
        return sum(message.size for message in self.since(mark))


class RecordingComm(BaseComm):
    """A comm that keeps what it would publish instead of talking to a kernel."""

    def __init__(self, wire: Wire, **kwargs: Any) -> None:
        self.wire = wire  # set first: BaseComm.__init__ publishes comm_open
        super().__init__(**kwargs)

    def publish_msg(
        self,
        msg_type: str,
        data: Any = None,
        metadata: Any = None,
        buffers: Any = None,
        **keys: Any,
    ) -> None:
        buffers = [bytes(buffer) for buffer in buffers or []]
        self.wire.record(Sent(msg_type, self.comm_id, data or {}, buffers))


@contextmanager
def recording() -> Iterator[Wire]:
    """Record every comm created inside the block (ipywidgets looks up comm.create_comm
    when a widget opens, so patching the module reaches every widget)."""
    wire = Wire()
    original = comm.create_comm
    comm.create_comm = lambda **kwargs: RecordingComm(wire, **kwargs)
    try:
        yield wire
    finally:
        comm.create_comm = original


def front_end_update(widget: Any, state: dict[str, Any]) -> None:
    """What the browser sends when JS does model.set(...); model.save_changes()."""
    widget._handle_msg(
        {
            "content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
            "buffers": [],
        }
    )


def front_end_event(widget: Any, content: dict[str, Any], buffers: list[bytes] = ()) -> None:
    """What the browser sends with model.send(content, callbacks, buffers)."""
    widget._handle_msg(
        {
            "content": {"data": {"method": "custom", "content": content}},
            "buffers": [memoryview(buffer) for buffer in buffers],
        }
    )


def all_widgets(roots: list) -> list[ipywidgets.Widget]:
    """The widgets and every widget they hold (children, parts, chained poses)."""
    seen: dict[str, ipywidgets.Widget] = {}
    todo = list(roots)
    while todo:
        widget = todo.pop()
        if not isinstance(widget, ipywidgets.Widget) or widget.model_id in seen:
            continue
        seen[widget.model_id] = widget
        for name in widget.keys:
            value = getattr(widget, name, None)
            todo.extend(value if isinstance(value, (list, tuple)) else [value])
    return list(seen.values())
