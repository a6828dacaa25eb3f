"""One JupyterLab server and one headless Chromium for the whole browser session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from masko_widgets import MaskoClient
from tests.browser import _frontends as fe
from tests.browser._frontends import WAIT
from tests.browser._lab import LabNotebook, LabServer, chromium_browser, open_notebook, running_lab
from tests.conftest import draw_character

CROWD = 1000
"""Poses of the crowded collection: many pages of items, far more tiles than a screen."""


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab on 127.0.0.1 and a free port, with temp home, config and settings."""
    with running_lab(tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Headless Debian Chromium with its home in a temp folder, one per test module: while
    Playwright's sync API is open it marks the main thread as running an event loop, so it
    must end with the browser tests (asyncio.run in later tests would refuse to start)."""
    with chromium_browser(tmp_path_factory.mktemp("chromium-home")) as browser:
        yield browser


@pytest.fixture
def notebook(
    lab: LabServer, chromium: Browser
) -> Callable[..., AbstractContextManager[LabNotebook]]:
    """`with notebook(name, cells) as nb:` opens, runs, and afterwards ends the notebook."""

    def opener(name: str, cells: list[str], **options: Any):
        return open_notebook(lab, chromium, name, cells, **options)

    return opener


@pytest.fixture(scope="session")
def crowded(standin) -> dict:
    """A collection with two references and 1000 poses on the session's stand-in, in a
    workspace of its own (its credits are not the other tests')."""
    key = standin.new_workspace_key(credits=CROWD)
    with MaskoClient(api_key=key, base_url=standin.url) as client:
        collection = client.collections.create("Crowded mascot")
        for color in ((240, 120, 40), (230, 100, 50)):
            client.references.add(collection, client.uploads.create(draw_character(color)))
        jobs = []
        for start in range(0, CROWD, 10):
            names = [f"pose {n}" for n in range(start, start + 10)]
            requests = [{"type": "image", "name": name, "image_prompt": name} for name in names]
            jobs += client.generations.batch(collection, requests)
        items = [client.jobs.wait(job, timeout=600).item_id for job in jobs]
    return {"url": standin.url, "key": key, "collection": collection.id, "items": items}


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
