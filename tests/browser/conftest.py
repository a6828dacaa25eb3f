"""One JupyterLab server and one headless Chromium for the whole browser session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.browser._lab import LabNotebook, LabServer, chromium_browser, open_notebook, running_lab


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab on 127.0.0.1 and a free port, with temp home, config and settings."""
    with running_lab(tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Headless Debian Chromium with its home in a temp folder."""
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
