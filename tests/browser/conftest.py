"""One JupyterLab server (serving Notebook 7 too) and one headless Chromium for the browser
tests, with the data they share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from masko_widgets import MaskoClient, local
from tests.browser import _frontends as fe
from tests.browser._frontends import WAIT
from tests.browser._lab import LabNotebook, LabServer, chromium_browser, open_notebook, running_lab
from tests.conftest import draw_character

HERE = Path(__file__).parent
CROWD = 1000
"""Poses of the crowded collection: many pages of items, far more tiles than a screen."""


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab on 127.0.0.1 and a free port, with temp home, config and settings."""
    with running_lab(tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="session")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[fe.Server]:
    """Voila on a folder of notebooks: `voila.page(code)` is a new page's URL."""
    with fe.voila_server(tmp_path_factory.mktemp("voila")) as server:
        yield server


@pytest.fixture(scope="session")
def marimo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[fe.Server]:
    """`marimo run` of one app that runs the code its page's URL names: `marimo.page(code)`
    is a new page's URL, with a fresh kernel."""
    with fe.marimo_server(tmp_path_factory.mktemp("marimo")) as server:
        yield server


_shared = ExitStack()
_browser: list[Browser] = []


@pytest.fixture
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Browser:
    """Headless Debian Chromium with its home in a temp folder, shared by the browser tests
    that run in a row (each test makes its own contexts and pages). While Playwright's sync
    API is open it marks the main thread as running an event loop, so it closes as soon as
    the next test is not a browser test (asyncio.run there would refuse to start)."""
    if not _browser:
        home = tmp_path_factory.mktemp("chromium-home")
        _browser.append(_shared.enter_context(chromium_browser(home)))
    return _browser[0]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Close the shared Chromium after the last browser test of a row (see `chromium`)."""
    try:
        return (yield)
    finally:
        if nextitem is None or not nextitem.path.is_relative_to(HERE):
            _browser.clear()
            _shared.close()


@pytest.fixture
def notebook(
    lab: LabServer, chromium: Browser
) -> Callable[..., AbstractContextManager[LabNotebook]]:
    """`with notebook(name, cells) as nb:` opens, runs, and afterwards ends the notebook, in
    JupyterLab or (`frontend="notebook7"`) in Notebook 7 on the same server."""

    def opener(name: str, cells: list[str], **options: Any) -> AbstractContextManager[LabNotebook]:
        return open_notebook(lab, chromium, name, cells, **options)

    return opener


@pytest.fixture(scope="session")
def crowd_jobs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str, list]]:
    """A stand-in of its own (so the other tests' jobs never queue behind these), a
    collection with two references there, and the jobs drawing its 1000 poses."""
    with local.start(tmp_path_factory.mktemp("crowd"), credits=CROWD) as server:
        with MaskoClient(api_key=server.api_key, base_url=server.url) as client:
            collection = client.collections.create("Crowded mascot")
            for color in ((240, 120, 40), (230, 100, 50)):
                client.references.add(collection, client.uploads.create(draw_character(color)))
            jobs = []
            for start in range(0, CROWD, 10):
                names = [f"pose {n}" for n in range(start, start + 10)]
                requests = [{"type": "image", "name": n, "image_prompt": n} for n in names]
                jobs += client.generations.batch(collection, requests)
        yield server, collection.id, jobs


@pytest.fixture(scope="session", autouse=True)
def crowd_on_its_way(request: pytest.FixtureRequest) -> None:
    """When a test of the session needs the crowded collection, its poses start drawing as the
    browser tests start, while the earlier ones wait on their pages."""
    if any("crowded" in item.fixturenames for item in request.session.items):
        request.getfixturevalue("crowd_jobs")


@pytest.fixture(scope="session")
def crowded(crowd_jobs: tuple[Any, str, list]) -> dict:
    """The collection with two references and 1000 poses, once they are drawn."""
    server, collection, jobs = crowd_jobs
    with MaskoClient(api_key=server.api_key, base_url=server.url) as client:
        items = [client.jobs.wait(job, timeout=600).item_id for job in jobs]
    return {"url": server.url, "key": server.api_key, "collection": collection, "items": items}


@pytest.fixture
def probe(tmp_path: Path, crowded: dict) -> Path:
    """The folder that tells a kernel's studio where the crowded collection is, and where
    it writes the pose selected in the page."""
    folder = tmp_path / "probe"
    fe.write_probe(folder, crowded["url"], crowded["key"], crowded["collection"])
    return folder


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A 1280 x 1000 page of its own, waiting up to WAIT for each step."""
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(WAIT)
    try:
        yield context.new_page()
    finally:
        context.close()
