"""Dominant palettes and the Lab palette distance, on real Pillow images."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image, ImageDraw

from masko_widgets._palette import (
    background_colour,
    dominant_palette,
    palette_distance,
    srgb_to_lab,
)

ORANGE = (("#f07828", 1.0),)
BLUE = (("#285adc", 1.0),)


def open_png(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_palette_of_a_character_is_body_then_outline_without_background(make_png):
    palette = dominant_palette(open_png(make_png(color=(240, 120, 40))))

    colours = [colour for colour, _ in palette]
    assert colours == ["#f07828", "#141414"]
    assert palette[0][1] > 0.8
    assert sum(share for _, share in palette) == pytest.approx(1.0)


def test_transparent_background_gives_the_same_palette_as_a_plain_one(make_png):
    opaque = dominant_palette(open_png(make_png(mode="RGB")))
    transparent = dominant_palette(open_png(make_png(mode="RGBA")))

    assert [c for c, _ in transparent] == [c for c, _ in opaque]
    assert palette_distance(opaque, transparent) < 1


def test_palette_respects_the_colour_count_and_sorts_by_share():
    image = Image.new("RGB", (120, 120), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    hues = [(200, 0, 0), (0, 160, 0), (0, 0, 200), (200, 200, 0), (0, 200, 200)]
    for index, colour in enumerate(hues):
        draw.rectangle((10, 10 + index * 20, 20 + index * 20, 28 + index * 20), fill=colour)

    palette = dominant_palette(image, colors=3)

    assert 1 <= len(palette) <= 3
    shares = [share for _, share in palette]
    assert shares == sorted(shares, reverse=True)


def test_only_background_gives_an_empty_palette():
    assert dominant_palette(Image.new("RGB", (64, 64), (30, 200, 90))) == ()
    assert dominant_palette(Image.new("RGBA", (64, 64), (0, 0, 0, 0))) == ()


def test_background_colour_from_the_border():
    image = Image.new("RGB", (80, 80), (12, 34, 56))
    ImageDraw.Draw(image).ellipse((10, 10, 70, 70), fill=(250, 0, 0))
    assert background_colour(image) == (12, 34, 56)
    assert background_colour(Image.new("RGBA", (80, 80), (0, 0, 0, 0))) is None


def test_noisy_border_has_no_background():
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(64 * 64 * 3))
    assert background_colour(Image.frombytes("RGB", (64, 64), noise)) is None


@pytest.mark.parametrize(
    ("rgb", "lab"),
    [
        ((255, 255, 255), (100.0, 0.0, 0.0)),
        ((0, 0, 0), (0.0, 0.0, 0.0)),
        ((255, 0, 0), (53.24, 80.09, 67.20)),
        ((0, 0, 255), (32.30, 79.19, -107.86)),
        ((128, 128, 128), (53.59, 0.0, 0.0)),
    ],
)
def test_srgb_to_lab_reference_values(rgb, lab):
    assert srgb_to_lab(rgb) == pytest.approx(lab, abs=0.05)


def test_identical_palettes_are_zero_apart():
    palette = (("#f07828", 0.7), ("#141414", 0.3))
    assert palette_distance(palette, palette) == 0
    assert palette_distance(palette, tuple(reversed(palette))) == 0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (ORANGE, BLUE),
        ((("#f07828", 0.9), ("#141414", 0.1)), (("#f07828", 0.1), ("#141414", 0.9))),
        ((("#ff0000", 0.5), ("#00ff00", 0.5)), (("#0000ff", 1.0),)),
        ((("#123456", 0.2), ("#abcdef", 0.3), ("#fedcba", 0.5)), (("#654321", 1.0),)),
    ],
)
def test_distance_is_symmetric(a, b):
    assert palette_distance(a, b) == palette_distance(b, a)


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        (ORANGE, (("#f27a2a", 1.0),), 0, 5),  # barely visible shift
        (ORANGE, (("#e06018", 1.0),), 5, 40),  # same hue, clearly darker
        (ORANGE, BLUE, 85, 100),
        ((("#000000", 1.0),), (("#ffffff", 1.0),), 85, 100),
        (ORANGE, (), 100, 100),
    ],
)
def test_distance_scale(a, b, low, high):
    assert low <= palette_distance(a, b) <= high


def test_distance_weighs_shares():
    body = (("#f07828", 0.85), ("#141414", 0.15))
    swapped_shares = (("#f07828", 0.15), ("#141414", 0.85))
    recoloured_outline = (("#f07828", 0.85), ("#2050d0", 0.15))
    assert palette_distance(body, recoloured_outline) < palette_distance(body, swapped_shares)
    assert palette_distance(body, swapped_shares) > 30


def test_closer_colours_are_closer():
    steps = [((f"#{red:02x}7828", 1.0),) for red in (240, 220, 180, 120, 40)]
    distances = [palette_distance(steps[0], other) for other in steps]
    assert distances == sorted(distances)
    assert distances[0] == 0 < distances[1]


def test_empty_palettes():
    assert palette_distance((), ()) == 0
    assert palette_distance((), ORANGE) == 100
