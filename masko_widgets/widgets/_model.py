"""The base of every Masko widget model: the browser is untrusted input, and `close()` frees
everything the widget opened."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import anywidget
import traitlets as t
from PIL import Image

from masko_widgets.widgets._errors import friendly_error
from masko_widgets.widgets._front_end import follow_front_end, forget_front_end
from masko_widgets.widgets._messages import (
    Choice,
    Field,
    Many,
    Message,
    MessageError,
    Object,
    handlers,
    read_message,
)
from masko_widgets.widgets._picture import still_bundle

COMM_MESSAGE = Message(
    "comm",
    {
        "method": Choice(options=("update", "request_state", "custom")),
        "state": Object(default=None),
        "buffer_paths": Many(item=Many(min_items=1, max_items=32), default=()),
        "content": Field(default=None),
    },
    buffers=None,
)
"""The widget protocol's messages from the view (the custom content is checked later)."""


def read_comm_message(msg: Any) -> None:
    """Raise (MessageError, or the error of reading a wrong shape) unless `msg` is a
    well-formed comm message whose buffer paths each lead into its state, one buffer each."""
    fields = COMM_MESSAGE.read(msg["content"]["data"], ())
    paths = fields["buffer_paths"]
    if len(paths) > len(msg["buffers"]):
        raise ValueError(f"{len(paths)} buffer paths but {len(msg['buffers'])} buffer(s)")
    for path in paths:
        target = fields["state"] or {}
        for key in path[:-1]:
            target = target[key]  # a wrong key or index raises: the path leads nowhere
        last = path[-1]
        into_object = isinstance(target, dict) and isinstance(last, str)
        into_list = isinstance(target, list) and isinstance(last, int) and 0 <= last < len(target)
        if not (into_object or into_list):
            raise ValueError(f"buffer path {path!r:.60} leads nowhere in the state")


class ModelWidget(anywidget.AnyWidget):
    """An anywidget model that guards its edge and frees itself on `close()`.

    - The view may set only the traits tagged `from_front_end=True`; any other update, or a
      value a trait cannot hold, is refused, said in `error`, and the true value sent back.
    - Custom messages `{"event": name, ...}` reach the method marked `on_event(name, ...)`
      with their fields checked; a message that does not fit is said in `error`. Nothing the
      view sends raises in the kernel. The user's next action clears an error they have
      seen (the view's own requests, `_quiet_events`, leave it).
    - `close()` closes the comm and the layout and lets go of the widget everywhere, so a
      closed widget (a re-run cell's) can be freed.
    """

    error: t.Unicode[str, str | bytes] = t.Unicode(
        "", help="The last error, in words; empty when none."
    ).tag(sync=True)

    _handlers: ClassVar[Mapping[str, tuple[str, Message]]] = {}
    """event -> (method name, Message), gathered once per class from the on_event marks."""
    _quiet_events: ClassVar[frozenset[str]] = frozenset()
    """Events the view sends by itself (not a user's action): they leave the error up."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = handlers(cls)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._on_front_end_message)
        follow_front_end(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The live view's display data, with a still picture of the widget beside it for
        pages that cannot run widgets (see _picture). Drawing never stops the display."""
        bundle = super()._repr_mimebundle_(**kwargs)  # anywidget's (data, metadata)
        if not (isinstance(bundle, tuple) and isinstance(bundle[0], dict)):
            return bundle
        try:
            still = self._still()
        except Exception:  # a picture is a courtesy: the live view is what matters
            return bundle
        return bundle if still is None else (still_bundle(bundle[0], *still), *bundle[1:])

    def _still(self) -> tuple[Image.Image, str] | None:
        """The widget as a picture and its description in words; None draws nothing."""
        return None

    def close(self) -> None:
        """Close the widget's comm and its layout; views of it disappear."""
        forget_front_end(self)
        if self.trait_has_value("layout"):  # made on first use: asking would make one
            self.layout.close()
        super().close()

    def set_state(self, sync_data: Any) -> None:
        """A state update from the view: only traits tagged `from_front_end` change."""
        if not isinstance(sync_data, dict):
            self.error = "The view sent a state update that is not an object; nothing changed."
            return
        writable = set(self.trait_names(from_front_end=True))
        allowed = {name: value for name, value in sync_data.items() if name in writable}
        refused = [name for name in sync_data if name not in writable]
        try:
            super().set_state(allowed)
        except t.TraitError as exc:
            self._put_back(list(allowed), f"The view sent a value that does not fit: {exc}")
        if refused:
            names = ", ".join(str(name)[:40] for name in refused[:5])
            self._put_back(refused, f"The view tried to change {names}, which only Python sets")

    def _put_back(self, names: list[str], why: str) -> None:
        """Say why an update was refused, and send the view the true values of `names`."""
        self.error = f"{why.rstrip('.')}. It was put back."
        self.send_state([name for name in names if name in self.keys])

    def _handle_msg(self, msg: dict[str, Any]) -> None:
        """Every comm message from the view, its shape checked before ipywidgets reads it
        (ipywidgets would print a traceback for a malformed one)."""
        try:
            read_comm_message(msg)
        except MessageError as exc:
            self._fail(exc)
            return
        except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
            self.error = (
                f"The view sent a message that could not be read ({type(exc).__name__}: "
                f"{str(exc)[:80]}); nothing was done. Re-run the cell to reload the widget."
            )
            return
        super()._handle_msg(msg)

    def receive_event(self, content: Any, buffers: list[Any]) -> None:
        """An event from a view that reached this widget through its host (see `HostedPart`):
        read against the handlers' declared fields, as one from the widget's own comm."""
        self._on_front_end_message(self, content, buffers)

    def _on_front_end_message(self, _widget: Any, content: Any, buffers: list[Any]) -> None:
        try:
            method, fields = read_message(self._handlers, content, buffers)
            if content["event"] not in self._quiet_events:
                self.error = ""  # a new action: the last one's error has had its say
            getattr(self, method)(fields, buffers)
        except Exception as exc:  # a refused message or a failed action: said in words
            self._fail(exc)

    def _fail(self, exc: BaseException) -> None:
        """Show `exc` in the widget, in words."""
        self.error = friendly_error(exc)
