"""Fixtures for client tests that script the server with httpx.MockTransport."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from masko_widgets import AsyncMaskoClient, MaskoClient
from tests.client._scripted import BASE, KEY, Recording, Script


@pytest.fixture
def scripted() -> Iterator[Callable[..., tuple[MaskoClient, Script]]]:
    """Factory: (client, script) for a MaskoClient whose every request goes to a Script."""
    made: list[MaskoClient] = []

    def make(*steps: Any, **options: Any) -> tuple[MaskoClient, Script]:
        script = Script(*steps)
        client = MaskoClient(
            api_key=KEY, base_url=BASE, transport=httpx.MockTransport(script), **options
        )
        made.append(client)
        return client, script

    yield make
    for client in made:
        client.close()


@pytest.fixture
def recorded(standin) -> Iterator[tuple[MaskoClient, Recording]]:
    """A client of the session's stand-in whose requests are recorded."""
    recording = Recording()
    with MaskoClient(api_key=standin.api_key, base_url=standin.url, transport=recording) as client:
        yield client, recording


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio, the loop of Jupyter kernels."""
    return "asyncio"


@pytest.fixture
def ascripted() -> Callable[..., tuple[AsyncMaskoClient, Script]]:
    """Factory: (client, script) for an AsyncMaskoClient whose every request goes to a Script."""

    def make(*steps: Any, **options: Any) -> tuple[AsyncMaskoClient, Script]:
        script = Script(*steps)
        transport = httpx.MockTransport(script)
        client = AsyncMaskoClient(api_key=KEY, base_url=BASE, transport=transport, **options)
        return client, script

    return make
