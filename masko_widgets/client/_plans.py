"""Plans: what a client method does, as steps, written once for the sync and async clients.

A plan is a generator that yields a `Call` (the driver sends it and passes back the `Answer`,
or throws the MaskoError in), a `Pause`, or for listings an `Emit` of one entry. The drivers
in `_http.py` carry the steps out with blocking or awaited I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

from .._contract import PAGE_LIMIT_MAX
from ._errors import APIStatusError, MaskoError
from ._wire import Answer, Call, list_of

T = TypeVar("T")
E = TypeVar("E")

LIMIT_REFUSED = frozenset({400, 422})
"""Statuses with which a server may refuse a `?limit=` it does not accept."""


@dataclass(frozen=True)
class Pause:
    """Step: wait this many seconds."""

    seconds: float


@dataclass(frozen=True)
class Emit(Generic[E]):
    """Step of a listing: hand this entry to the caller."""

    value: E


Plan: TypeAlias = Generator[Call | Pause, Answer, T]
Pages: TypeAlias = Generator[Call | Emit[E], Answer, None]

NO_ANSWER = Answer(0, None, {}, None)
"""What a plan receives after a Pause."""


def advance(
    plan: Generator[Any, Answer, Any], reply: Answer | None, error: Exception | None
) -> Any:
    """The plan's next step, given the last reply or error; StopIteration when it ends."""
    if error is not None:
        return plan.throw(error)
    if reply is None:
        return next(plan)
    return plan.send(reply)


def one(method: str, path: str, parse: Callable[[Any], T], **options: Any) -> Plan[T]:
    """A plan of one call whose unwrapped data `parse` turns into the result."""
    answer = yield Call(method, path, **options)
    return parse(answer.data)


def pages(
    path: str, key: str, parse: Callable[[Any], E], params: Mapping[str, Any] | None = None
) -> Pages[E]:
    """Every entry of a list endpoint, parsed, fetched a page at a time (see `whole_pages`)."""
    return relay(whole_pages(path, key, params), lambda page: map(parse, page[0]))


def whole_pages(
    path: str, key: str, params: Mapping[str, Any] | None = None
) -> Pages[tuple[list[Any], int | None]]:
    """A list endpoint's pages as they come, each with the list's total (None when the
    server does not say), following the server's pagination.

    Asks for PAGE_LIMIT_MAX a page; if the server refuses that limit, asks again without one
    and takes whatever page size it gives. Moves on by the entries received, so a server that
    honours a smaller limit is followed too; an answer without pagination is the whole list.
    """
    query = {name: value for name, value in (params or {}).items() if value is not None}
    limit: int | None = PAGE_LIMIT_MAX
    offset = 0
    while True:
        window = {**query, "offset": offset, **({"limit": limit} if limit else {})}
        try:
            answer = yield Call("GET", path, params=window)
        except APIStatusError as exc:
            if limit is None or exc.status_code not in LIMIT_REFUSED:
                raise
            limit = None
            continue
        page = list_of(answer.data, key)
        total = answer.pagination.get("total")
        total = None if total is None else int(total)
        yield Emit((page, total))
        offset = int(answer.pagination.get("offset", offset)) + len(page)
        more = answer.pagination.get("has_more")
        if more is None and total is not None:
            more = offset < total
        if not more or not page:
            return


def relay(listing: Pages[T], convert: Callable[[T], Iterable[E]]) -> Pages[E]:
    """`listing` with each emitted value replaced by the values `convert` makes of it."""
    reply: Answer | None = None
    error: Exception | None = None
    while True:
        try:
            step = advance(listing, reply, error)
        except StopIteration:
            return
        reply, error = None, None
        if isinstance(step, Emit):
            for value in convert(step.value):
                yield Emit(value)
            continue
        try:
            reply = yield step
        except MaskoError as exc:
            error = exc


def collect(listing: Pages[E]) -> Plan[list[E]]:
    """A listing as a plan that returns all its entries (for use inside other plans)."""
    entries: list[E] = []
    reply: Answer | None = None
    error: Exception | None = None
    while True:
        try:
            step = advance(listing, reply, error)
        except StopIteration:
            return entries
        reply, error = None, None
        if isinstance(step, Emit):
            entries.append(step.value)
            continue
        try:
            reply = yield step
        except MaskoError as exc:
            error = exc
