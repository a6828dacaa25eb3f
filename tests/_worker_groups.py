"""A pytest plugin for running the suite on every core (pytest-xdist, `--dist loadgroup`):
`scripts/test` loads it with `-p tests._worker_groups`, whatever paths it is given.

The browser tests all go to one worker, in order, so the servers and the Chromium they share
start once; a notebook's cells (nbval) go to one worker, in order, as they share one kernel.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(f"notebook {item.path.name}"))
