"""Fixtures for the widget tests: a recording comm, and collections with poses."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from masko_widgets.widgets import _cache
from masko_widgets.widgets._cache import PictureCache
from tests.widgets.wire import Wire, recording


@pytest.fixture
def wire() -> Iterator[Wire]:
    """Every message the widgets made in this test publish, with buffers."""
    with recording() as recorded:
        yield recorded


@pytest.fixture
def generate(client) -> Callable[..., list]:
    """Generate poses by name in a collection through the client; returns the finished jobs."""

    def run(collection, *names: str) -> list:
        requests = [{"type": "image", "name": name, "image_prompt": name} for name in names]
        return [
            client.jobs.wait(job, timeout=60)
            for job in client.generations.batch(collection, requests)
        ]

    return run


@pytest.fixture
def reference(client, make_png) -> Callable[..., str]:
    """Upload a character image; returns its asset id (not pinned anywhere)."""

    def upload(color: tuple[int, int, int] = (240, 120, 40)) -> str:
        return client.uploads.create(make_png(color=color)).id

    return upload


@pytest.fixture(autouse=True)
def picture_cache(tmp_path, monkeypatch) -> PictureCache:
    """Each test gets its own picture cache (memory and a temp folder), not the user's."""
    cache = PictureCache(tmp_path / "pictures")
    monkeypatch.setattr(_cache, "_shared", cache)
    return cache
