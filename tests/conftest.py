"""Fixtures shared by every test: a real stand-in on a loopback port and a client for it."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest
from PIL import Image, ImageDraw


@pytest.fixture(scope="session")
def standin(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """One stand-in server for the session, on 127.0.0.1 and a free port."""
    from masko_widgets import local

    with local.start(tmp_path_factory.mktemp("standin")) as server:
        yield server


@pytest.fixture
def client(standin) -> Iterator:
    """A client of the session's stand-in, closed after the test."""
    from masko_widgets import MaskoClient

    with MaskoClient(api_key=standin.api_key, base_url=standin.url) as masko:
        yield masko


@pytest.fixture
def collection(client):
    """A fresh collection with no references."""
    return client.collections.create("test mascot")


def draw_character(
    color: tuple[int, int, int] = (240, 120, 40),
    size: tuple[int, int] = (256, 256),
    mode: str = "RGB",
    fmt: str = "PNG",
) -> bytes:
    """A simple character: a coloured blob with a dark outline on a light background."""
    width, height = size
    background = (0, 0, 0, 0) if mode == "RGBA" else (245, 245, 240)
    image = Image.new(mode, size, background)
    draw = ImageDraw.Draw(image)
    box = (width * 0.25, height * 0.15, width * 0.75, height * 0.9)
    draw.ellipse(box, fill=color, outline=(20, 20, 20), width=max(2, width // 64))
    eye = max(2, width // 32)
    for x in (width * 0.42, width * 0.58):
        draw.ellipse((x - eye, height * 0.4 - eye, x + eye, height * 0.4 + eye), fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


@pytest.fixture
def make_png() -> Callable[..., bytes]:
    """Factory for character images (see draw_character)."""
    return draw_character
