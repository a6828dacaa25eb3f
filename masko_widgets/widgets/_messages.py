"""Messages from the browser, checked before they act: the comm is untrusted input.

A handler declares the event it answers and the fields it reads (`on_event`); `read_message`
gives it those fields checked (types, ranges, lengths) or raises MessageError, in words, for
the widget to show. Fields the handler does not declare are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

MAX_TEXT_CHARS = 4000
"""Longest text a message field takes unless the field says otherwise (prompts, URLs, ids)."""
MAX_ID_CHARS = 128
"""Longest id (asset, item, task, hint) a message may name."""
MAX_WHOLE = 2**31 - 1
"""Largest whole number a message field takes unless the field says otherwise."""

_REQUIRED: Any = object()
_Method = TypeVar("_Method", bound=Callable[..., Any])


class MessageError(ValueError):
    """A message from the browser that does not fit what its handler reads."""


def kind_of(value: Any) -> str:
    """What a JSON value is, in words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, (list, tuple)) else f"a {type(value).__name__}"


@dataclass(frozen=True)
class Field:
    """One field of a message. `default` is used when the field is absent or null; without
    one the field is required."""

    default: Any = _REQUIRED

    def read(self, value: Any) -> Any:
        if value is None and self.default is not _REQUIRED:
            return self.default
        return self.check(value)

    def check(self, value: Any) -> Any:
        """The value as the handler gets it; ValueError says what was expected."""
        return value


@dataclass(frozen=True)
class Text(Field):
    min_chars: int = 0
    max_chars: int = MAX_TEXT_CHARS

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"must be text, not {kind_of(value)}")
        text = value.strip()
        if len(text) < self.min_chars:
            raise ValueError("must not be empty" if self.min_chars == 1 else "is too short")
        if len(text) > self.max_chars:
            raise ValueError(f"is {len(text)} characters long; at most {self.max_chars} fit")
        return text


@dataclass(frozen=True)
class Whole(Field):
    """A whole number from `low` to `high`."""

    low: int = 0
    high: int = MAX_WHOLE

    def check(self, value: Any) -> int:
        span = (
            f"of {self.low} or more"
            if self.high == MAX_WHOLE
            else f"from {self.low} to {self.high}"
        )
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be a whole number {span}, not {kind_of(value)}")
        if not self.low <= value <= self.high:
            raise ValueError(f"must be a whole number {span}, not {value}")
        return value


@dataclass(frozen=True)
class Flag(Field):
    def check(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {kind_of(value)}")
        return value


@dataclass(frozen=True)
class Choice(Field):
    options: Sequence[str] = ()

    def check(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.options:
            found = f"{value!r:.40}" if isinstance(value, str) else kind_of(value)
            raise ValueError(f"must be one of {', '.join(self.options)}, not {found}")
        return value


@dataclass(frozen=True)
class Object(Field):
    """A JSON object, passed on as it is (the receiver checks its inside)."""

    def check(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValueError(f"must be an object, not {kind_of(value)}")
        return value


@dataclass(frozen=True)
class Many(Field):
    """A list of at most `max_items` values, each read by `item` (any value without one)."""

    item: Field | None = None
    min_items: int = 0
    max_items: int = 100

    def check(self, value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise ValueError(f"must be a list, not {kind_of(value)}")
        if not self.min_items <= len(value) <= self.max_items:
            raise ValueError(
                f"holds {len(value)} entries; {self.min_items} to {self.max_items} fit"
            )
        if self.item is None:
            return list(value)
        found = []
        for position, entry in enumerate(value, 1):
            try:
                found.append(self.item.check(entry))
            except ValueError as exc:
                raise ValueError(f"entry {position}: {exc}") from None
        return found


@dataclass(frozen=True)
class Checked(Field):
    """A value read by a check of its own (e.g. the client's), which raises ValueError."""

    checker: Callable[[Any], Any] = lambda value: value

    def check(self, value: Any) -> Any:
        return self.checker(value)


@dataclass(frozen=True)
class Message:
    """What one handler reads: its event, fields and number of binary buffers (files)."""

    event: str
    fields: Mapping[str, Field]
    buffers: int | None = 0
    """How many binary buffers the message carries (None: any number)."""

    def read(self, content: Mapping[str, Any], buffers: Sequence[Any]) -> dict[str, Any]:
        """The declared fields, checked; MessageError names the first that does not fit."""
        if self.buffers is not None and len(buffers) != self.buffers:
            raise MessageError(
                f"The view's {self.event} message carries {len(buffers)} file(s) instead of "
                f"{self.buffers}; nothing was done. Add the file again."
            )
        values = {}
        for name, field in self.fields.items():
            try:
                values[name] = field.read(content.get(name))
            except ValueError as exc:
                raise MessageError(
                    f"The view's {self.event} message was refused: {name} {exc}. Nothing was "
                    "done; if this keeps happening, re-run the cell to reload the widget."
                ) from None
        return values


def on_event(event: str, *, buffers: int = 0, **fields: Field) -> Callable[[_Method], _Method]:
    """Mark a method as the handler of `event`; it gets the fields, checked, and the buffers."""

    def mark(method: _Method) -> _Method:
        method.__front_end_message__ = Message(event, fields, buffers)  # type: ignore[attr-defined]
        return method

    return mark


def handlers(cls: type) -> dict[str, tuple[str, Message]]:
    """event -> (method name, Message) for every handler of `cls` and its bases (not cached
    here: ipywidgets makes a class per instance, which a cache would keep alive)."""
    found: dict[str, tuple[str, Message]] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            message = getattr(value, "__front_end_message__", None)
            if isinstance(message, Message):
                found[message.event] = (name, message)
    return found


def read_message(
    known: Mapping[str, tuple[str, Message]], content: Any, buffers: Sequence[Any]
) -> tuple[str, dict[str, Any]]:
    """The handler method name and checked fields of a message, among the `known` handlers."""
    if not isinstance(content, dict):
        raise MessageError(
            f"The view sent {kind_of(content)} where a message belongs; nothing was done."
        )
    event = content.get("event")
    if not isinstance(event, str) or event not in known:
        shown = repr(event) if isinstance(event, str) and len(event) <= 40 else kind_of(event)
        raise MessageError(
            f"The view sent an event this widget does not know ({shown}); nothing was done. "
            "Re-run the cell: the widget's front end may be out of date."
        )
    method, message = known[event]
    return method, message.read(content, buffers)


ID = Text(min_chars=1, max_chars=MAX_ID_CHARS)
"""An asset, item, task or hint id."""
URL = Text(min_chars=1)
FILE_NAME = Text(min_chars=1, max_chars=255, default="image")
"""The name of a file the browser sends (its bytes are the message's one buffer)."""
OPTIONAL_TEXT = Text(default=None)
"""Text that may be absent or null (e.g. a prompt that defaults to the prompt box)."""
