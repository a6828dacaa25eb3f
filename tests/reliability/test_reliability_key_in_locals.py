"""The API key never sits in a traceback's locals: every kind of error a client can raise is
formatted with `capture_locals=True` (what `pytest -l`, rich or IPython's `%xmode Verbose`
show), and every frame of the project is searched, its locals and their attributes."""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

import masko_widgets
from masko_widgets import MaskoClient, MaskoError, local
from tests.conftest import draw_character
from tests.reliability._secrets import REPO, closed_port, needles
from tests.reliability._world import UNKNOWN

PROJECT = Path(masko_widgets.__file__).parent
UNKNOWN_KEY = "masko_" + "ab" * 32


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[local.LocalServer]:
    with local.start(tmp_path_factory.mktemp("locals")) as running:
        yield running


def _with_faults(server: local.LocalServer, call: Callable[[], Any], **faults: Any) -> Any:
    server.set_faults(**faults)
    try:
        return call()
    finally:
        server.set_faults(local.Faults())


def _generate(server: local.LocalServer) -> None:
    with MaskoClient(base_url=server.url) as client:
        collection = client.collections.create("poor")
        client.generations.image(collection, "waving", "waving")


# Each case's client reads its key from MASKO_API_KEY, so no frame of the test holds it.
CASES: dict[str, Callable[[local.LocalServer], Any]] = {
    "connection refused": lambda server: MaskoClient(
        base_url=f"http://127.0.0.1:{closed_port()}/v1", max_retries=0
    ).credits(),
    "timeout": lambda server: _with_faults(
        server,
        MaskoClient(base_url=server.url, timeout=0.2, max_retries=0).credits,
        slow=1.0,
        slow_seconds=1.0,
    ),
    "401": lambda server: MaskoClient(base_url=server.url).credits(),
    "500": lambda server: _with_faults(
        server, MaskoClient(base_url=server.url, max_retries=0).credits, server_error=1
    ),
    "429": lambda server: _with_faults(
        server,
        MaskoClient(base_url=server.url, max_retries=0).credits,
        rate_limit=1,
        retry_after=0,
    ),
    "cut connection": lambda server: _with_faults(
        server, lambda: MaskoClient(base_url=server.url).projects.create("cut"), drop=1
    ),
    "404": lambda server: MaskoClient(base_url=server.url).collections.get(UNKNOWN),
    "404 download": lambda server: MaskoClient(base_url=server.url).download(
        f"{server.url}/files/{'a' * 32}.png"
    ),
    "400": lambda server: MaskoClient(base_url=server.url).uploads.create(draw_character()[:200]),
    "402": _generate,
    "bad argument": lambda server: MaskoClient(base_url=server.url, timeout=-1),
}


def _frames(exc: BaseException) -> Iterator[FrameType]:
    """Every frame of the exception's traceback and of its causes and contexts."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            yield tb.tb_frame
            tb = tb.tb_next
        pending += [current.__cause__, current.__context__]


def _plain(value: Any, key: str) -> bool:
    """Whether `value`, or one of its attributes, is a string holding the key."""
    if isinstance(value, str):
        return key in value
    if isinstance(value, dict):
        return any(_plain(item, key) for item in (*value.keys(), *value.values()))
    if isinstance(value, (list, tuple)):
        return any(_plain(item, key) for item in value)
    attributes = getattr(value, "__dict__", None)
    return isinstance(attributes, dict) and any(
        isinstance(item, (str, dict, list, tuple)) and _plain(item, key)
        for item in attributes.values()
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_error_shows_the_key_in_traceback_locals(server, case, monkeypatch):
    credits = 0 if case == "402" else 1000
    monkeypatch.setenv(
        "MASKO_API_KEY", UNKNOWN_KEY if case == "401" else server.new_workspace_key(credits)
    )
    with pytest.raises((MaskoError, ValueError)) as caught:
        CASES[case](server)
    formatted = "".join(
        traceback.TracebackException.from_exception(caught.value, capture_locals=True).format()
    )
    key = os.environ["MASKO_API_KEY"]
    assert "Traceback" in formatted
    assert not [needle for needle in needles(key) if needle.decode() in formatted]
    holding = [
        f"{frame.f_code.co_name}: {name}"
        for frame in _frames(caught.value)
        if Path(frame.f_code.co_filename).is_relative_to(PROJECT)
        for name, value in frame.f_locals.items()
        if _plain(value, key)
    ]
    assert holding == []


NOTEBOOK_CELLS = {
    "connection refused": "MaskoClient(base_url=CLOSED, max_retries=0).credits()",
    "timeout": "MaskoClient(timeout=0.2, max_retries=0).credits()",
    "401": "MaskoClient().credits()",
    "500": "MaskoClient(max_retries=0).credits()",
}
FAULTS = {"timeout": {"slow": 1.0, "slow_seconds": 1.0}, "500": {"server_error": 1.0}}
RAISED = {
    "connection refused": "APIConnectionError",
    "timeout": "APITimeoutError",
    "401": "AuthenticationError",
    "500": "InternalServerError",
}


def test_a_saved_notebook_of_verbose_tracebacks_holds_no_key(server, tmp_path):
    """Under `%xmode Verbose`, IPython prints each frame's variables; cells that fail every
    way a request can fail, saved with their outputs, still hold no key."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "%xmode Verbose\nfrom masko_widgets import MaskoClient\n"
            f"CLOSED = 'http://127.0.0.1:{closed_port()}/v1'"
        ),
        *(nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS.values()),
    ]
    env = {
        **os.environ,
        "MASKO_API_KEY": UNKNOWN_KEY,  # the server refuses it: the 401 of its cell
        "MASKO_BASE_URL": server.url,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    runner = NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True)
    with runner.setup_kernel(env=env):
        runner.execute_cell(notebook.cells[0], 0)
        for index, case in enumerate(NOTEBOOK_CELLS, start=1):
            _with_faults(
                server,
                lambda index=index: runner.execute_cell(notebook.cells[index], index),
                **FAULTS.get(case, {}),
            )
    saved = tmp_path / "verbose.ipynb"
    nbformat.write(notebook, saved)
    for index, case in enumerate(NOTEBOOK_CELLS, start=1):
        (error,) = [out for out in notebook.cells[index].outputs if out.output_type == "error"]
        assert error.ename == RAISED[case], case
        shown = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))
        assert "self = " in shown and "method='GET'" in shown  # each frame's variables
    text = saved.read_bytes()
    assert [needle for needle in needles(UNKNOWN_KEY) if needle in text] == []
