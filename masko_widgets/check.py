"""`python -m masko_widgets.check` (or `masko-check`): does the API answer as the contract says?

Reads MASKO_API_KEY (and MASKO_BASE_URL), makes only read-only, free calls (credits, projects,
collections, items, an asset, jobs, an unknown id and a request without the key) and prints a
table of every place where an answer differs from the contract: envelope, field names and
types, pagination, error body. Exit code 0 when everything matches, 1 on any difference, 2 when
the check could not run.

`--timeout SECONDS` (default 30) bounds the whole run, however slowly the server answers; each
answer is read up to 1 MB. The key is sent the client's way (only to the API's own origin) and
never printed, not even in part when an error page shows the request back.
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import httpx

from masko_widgets._check_http import Redactor, bounded_get
from masko_widgets._contract import RESOURCE_FIELDS
from masko_widgets.client._auth import (
    ApiKey,
    BearerAuth,
    origin,
    read_base_url,
    read_key,
)
from masko_widgets.client._errors import MissingAPIKeyError

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
PAGE = 2  # small pages: enough to see the shape and the pagination
DEFAULT_TIMEOUT = 30.0  # seconds for the whole run
ROWS_PER_CALL = 12  # more differences of one call are counted, not listed
_WIDEST = 60  # longer cells are cut
_USAGE = (
    "usage: masko-check [--timeout SECONDS] (it reads MASKO_API_KEY and MASKO_BASE_URL; "
    f"the whole check ends within the timeout, default {DEFAULT_TIMEOUT:g} s)"
)


@dataclass(frozen=True)
class Difference:
    """One place where an answer differs from the contract."""

    call: str
    where: str
    expected: str
    got: str


@dataclass
class Report:
    """What one run of the check found."""

    base_url: str
    calls: list[str]
    differences: list[Difference]
    notes: list[str]
    not_listed: dict[str, int] = field(default_factory=dict)
    """Per call, the differences beyond the ROWS_PER_CALL listed."""


def json_type(value: Any) -> str:
    """The JSON type name of a decoded JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, Mapping) else type(value).__name__


def field_differences(value: Any, resource: str, where: str) -> Iterator[tuple[str, str, str]]:
    """(where, expected, got) for each field of `value` that differs from the contract's
    `resource`: missing, of another type, or not in the contract."""
    fields = RESOURCE_FIELDS[resource]
    if not isinstance(value, Mapping):
        yield where, f"{resource} object", json_type(value)
        return
    for name, types in fields.items():
        if name not in value:
            yield f"{where}.{name}", " or ".join(types), "missing"
        elif json_type(value[name]) not in types:
            yield f"{where}.{name}", " or ".join(types), json_type(value[name])
    for name in value:
        if name not in fields and resource != "error":  # an error may carry extra keys
            yield f"{where}.{name}", "no such field", json_type(value[name])


class Checker:
    """Runs the calls against one API and collects what differs from the contract; no call
    is made after `deadline` (the event loop's clock), none outlasts it."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, deadline: float) -> None:
        self.http: httpx.AsyncClient = http
        self.report: Report = Report(base_url, [], [], [])
        self.deadline: float = deadline
        self.not_made: int = 0
        self.rows: Counter[str] = Counter()  # differences per call, listed or not

    def differ(self, call: str, where: str, expected: str, got: str) -> None:
        self.rows[call] += 1
        if self.rows[call] <= ROWS_PER_CALL:
            self.report.differences.append(Difference(call, where, expected, got))

    def finish(self, timeout: float) -> Report:
        """The report, with the differences counted but not listed, and the calls not made."""
        for call, count in self.rows.items():
            if count > ROWS_PER_CALL:
                self.report.not_listed[call] = count - ROWS_PER_CALL
        if self.not_made:
            self.report.notes.insert(
                0, f"the {timeout:g} s deadline passed: {self.not_made} calls not made"
            )
        return self.report

    async def get(
        self, path: str, call: str = "", auth: Any = httpx.USE_CLIENT_DEFAULT, **params: Any
    ) -> tuple[str, int | None, Any]:
        """GET `path`; returns the call's name, the status (None: no usable answer, said in
        the report) and the body (decoded JSON, or the text when it is not JSON)."""
        call = call or f"GET {path}" + (f"?{httpx.QueryParams(params)}" if params else "")
        if asyncio.get_running_loop().time() >= self.deadline:
            self.not_made += 1
            return call, None, None
        self.report.calls.append(call)
        got = await bounded_get(self.http, path, deadline=self.deadline, params=params, auth=auth)
        if got.problem is not None:
            where = "answer" if got.status is None else "body"
            self.differ(
                call, where, "a whole answer" if got.status is None else "JSON", got.problem
            )
            return call, None, None
        return call, got.status, got.body

    async def success(self, path: str, **params: Any) -> tuple[str, Any, Mapping[str, Any] | None]:
        """GET a success answer and check its envelope `{data, meta}`; returns the call, the
        data (None when unusable) and meta."""
        call, status, body = await self.get(path, **params)
        if status is None:
            return call, None, None
        if status != 200:
            self.differ(call, "status", "200", f"{status}: {_short(body)}")
            return call, None, None
        if not isinstance(body, Mapping):
            self.differ(call, "body", "JSON object {data, meta}", _short(body))
            return call, None, None
        if "data" not in body:
            self.differ(call, "body", "{data, meta} envelope", f"bare object {_keys(body)}")
            return call, body, None
        meta = body.get("meta")
        if not isinstance(meta, Mapping):
            self.differ(call, "meta", "object", json_type(meta) if "meta" in body else "missing")
            meta = None
        return call, body["data"], meta

    async def one(self, path: str, resource: str) -> Any:
        """GET one resource and check its fields; returns its data."""
        call, data, _meta = await self.success(path)
        if data is not None:
            for where, expected, got in field_differences(data, resource, "data"):
                self.differ(call, where, expected, got)
        return data

    def config(self, call: str, collection: Any, where: str) -> None:
        """Check the fields of a collection's `config` (when there is one to check)."""
        config = collection.get("config") if isinstance(collection, Mapping) else None
        if isinstance(config, Mapping):
            for problem in field_differences(config, "collection_config", where):
                self.differ(call, *problem)

    async def page(self, path: str, resource: str) -> tuple[str, list[Mapping[str, Any]]]:
        """GET a small page of a list and check entries and pagination; returns the call and
        the entries that are objects."""
        call, data, meta = await self.success(path, limit=PAGE, offset=0)
        if data is None:
            return call, []
        entries = self._entries(call, data, resource)
        self._pagination(call, meta, data, len(entries))
        for index, entry in enumerate(entries[:PAGE]):  # more is a difference of its own
            for where, expected, got in field_differences(entry, resource, f"data[{index}]"):
                self.differ(call, where, expected, got)
        return call, [entry for entry in entries if isinstance(entry, Mapping)]

    def _entries(self, call: str, data: Any, resource: str) -> list[Any]:
        if isinstance(data, list):
            return data
        lists = {key: value for key, value in _items(data) if isinstance(value, list)}
        named = f" under {_keys(lists)}" if lists else ""
        self.differ(call, "data", f"array of {resource}", f"{json_type(data)}{named}")
        return next(iter(lists.values()), [])

    def _pagination(self, call: str, meta: Any, data: Any, count: int) -> None:
        where = "meta.pagination"
        pagination = meta.get("pagination") if isinstance(meta, Mapping) else None
        if pagination is None and isinstance(data, Mapping):
            pagination, where = data.get("pagination"), "pagination"
        if not isinstance(pagination, Mapping):
            self.differ(call, "meta.pagination", "{total, limit, offset, has_more}", "missing")
            return
        if where != "meta.pagination":
            self.differ(call, "meta.pagination", "pagination under meta", f"at {where}")
        problems = list(field_differences(pagination, "pagination", where))
        for problem in problems:
            self.differ(call, *problem)
        if problems:
            return
        if pagination["limit"] != PAGE or pagination["offset"] != 0:
            self.differ(
                call,
                f"{where}.limit/offset",
                f"{PAGE}/0 as asked",
                f"{pagination['limit']}/{pagination['offset']}",
            )
        if count > PAGE:
            self.differ(call, "data", f"at most {PAGE} entries (limit)", f"{count} entries")
        if pagination["has_more"] != (count < pagination["total"]):
            self.differ(
                call,
                f"{where}.has_more",
                f"{count < pagination['total']} ({count} of {pagination['total']})",
                str(pagination["has_more"]).lower(),
            )

    async def error(self, path: str, status: int, code: str, keyless: bool = False) -> None:
        """GET something that must fail with `status` and check the error body."""
        call = f"GET {path}" + (" without the key" if keyless else "")
        auth = None if keyless else httpx.USE_CLIENT_DEFAULT
        call, answered, body = await self.get(path, call, auth)
        if answered is None:
            return
        if answered != status:
            self.differ(call, "status", str(status), str(answered))
        if isinstance(body, str):  # not JSON
            self.differ(call, "body", '{"error": {code, message}}', _short(body))
            return
        error = body.get("error") if isinstance(body, Mapping) else None
        if not isinstance(error, Mapping):
            got = f"error is {json_type(error)}" if isinstance(body, Mapping) else _short(body)
            self.differ(call, "error", "{code, message}", got)
            return
        for where, expected, got in field_differences(error, "error", "error"):
            self.differ(call, where, expected, got)
        if isinstance(error.get("code"), str) and error["code"] != code:
            self.differ(call, "error.code", code, error["code"])


async def check(
    http: httpx.AsyncClient, base_url: str, *, timeout: float = DEFAULT_TIMEOUT
) -> Report:
    """Run every read-only call through `http` (its base URL and key already set), all of
    them within `timeout` seconds."""
    checker = Checker(http, base_url, asyncio.get_running_loop().time() + timeout)
    notes = checker.report.notes
    await checker.one("/credits", "credits")
    await checker.page("/projects", "project")
    call, collections = await checker.page("/collections", "collection")
    for index, collection in enumerate(collections):
        checker.config(call, collection, f"data[{index}].config")
    if collections and isinstance(collections[0].get("id"), str):
        collection_id = collections[0]["id"]
        path = f"/collections/{collection_id}"
        checker.config(f"GET {path}", await checker.one(path, "collection"), "data.config")
        _call, items = await checker.page(f"/collections/{collection_id}/items", "item")
        asset_ids = [
            asset_id
            for item in items
            if isinstance(item.get("assets"), Mapping)
            for asset_id in item["assets"].values()
        ]
        if asset_ids and isinstance(asset_ids[0], str):
            await checker.one(f"/assets/{asset_ids[0]}", "asset")
        else:
            notes.append("no item with assets in the first collection: assets not checked")
    else:
        notes.append("no collection listed: collections' items and assets not checked")
    _call, jobs = await checker.page("/jobs", "job")
    if jobs and isinstance(jobs[0].get("id"), str):
        await checker.one(f"/jobs/{jobs[0]['id']}", "job")
    else:
        notes.append("no job listed: one job's answer not checked")
    await checker.error(f"/collections/{UNKNOWN_ID}", 404, "not_found")
    await checker.error("/credits", 401, "unauthorized", keyless=True)
    return checker.finish(timeout)


def format_report(report: Report) -> str:
    """The report as a plain-text table, one row per difference."""
    lines = [f"masko-check: {report.base_url} ({len(report.calls)} read-only calls, 0 credits)"]
    if report.differences:
        header = ("call", "where", "contract", "answer")
        full = [header] + [(d.call, d.where, d.expected, d.got) for d in report.differences]
        full += [
            (c, "…", "", f"{n} more differences not shown") for c, n in report.not_listed.items()
        ]
        rows = [tuple(_cut(cell, _WIDEST) for cell in row) for row in full]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
            lines.append("  ".join([*cells, row[3]]).rstrip())
        total = len(report.differences) + sum(report.not_listed.values())
        lines.append(f"{total} differences from the contract.")
    else:
        lines.append("Every answer matches the contract.")
    lines += [f"note: {note}" for note in report.notes]
    return "\n".join(lines)


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] = os.environ,
    out: TextIO | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    """Run the check with the key and base URL from the environment; return the exit code."""
    out = out or sys.stdout
    options = _options(sys.argv[1:] if argv is None else argv)
    if isinstance(options, tuple):
        code, text = options
        print(text, file=out)
        return code
    base_url = read_base_url(None, environ).rstrip("/")
    try:
        api_key = read_key(None, environ)
    except MissingAPIKeyError:
        print(
            "masko-check: set MASKO_API_KEY to your workspace's API key (masko_...) first; "
            "the check only reads and spends no credits.",
            file=out,
        )
        return 2
    redact = Redactor(environ["MASKO_API_KEY"].strip())  # shows no key, as `api_key` does
    try:
        report = asyncio.run(_run(base_url, api_key, options, transport))
    except Exception as error:  # a server can be odd in ways not foreseen: say so, calmly
        print(redact(f"masko-check could not run: {type(error).__name__}: {error}"), file=out)
        return 2
    print(redact(format_report(report)), file=out)
    return 1 if report.differences else 0


async def _run(
    base_url: str, key: ApiKey, timeout: float, transport: httpx.AsyncBaseTransport | None
) -> Report:
    async with httpx.AsyncClient(
        base_url=base_url,
        auth=BearerAuth(key, origin(base_url)),
        headers={"Accept": "application/json"},
        timeout=timeout,
        transport=transport,
    ) as http:
        return await check(http, base_url, timeout=timeout)


def _options(argv: Sequence[str]) -> float | tuple[int, str]:
    """The timeout the arguments ask for, or (exit code, text to print) when they do not."""
    if list(argv[:1]) in (["-h"], ["--help"]):
        return 0, __doc__ or ""
    if not argv:
        return DEFAULT_TIMEOUT
    if len(argv) == 2 and argv[0] == "--timeout":
        try:
            timeout = float(argv[1])
        except ValueError:
            timeout = math.nan
        if math.isfinite(timeout) and timeout > 0:
            return timeout
        return 2, f"masko-check: --timeout takes a positive number of seconds, got {argv[1]!r}"
    return 2, _USAGE


def _items(value: Any) -> Iterator[tuple[str, Any]]:
    return iter(value.items()) if isinstance(value, Mapping) else iter(())


def _keys(value: Mapping[str, Any]) -> str:
    return "{" + ", ".join(map(str, value)) + "}"


def _short(value: Any) -> str:
    try:
        text = value if isinstance(value, str) else repr(value)
    except RecursionError:
        text = f"{json_type(value)} nested too deep to show"
    return _cut(text, _WIDEST)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
