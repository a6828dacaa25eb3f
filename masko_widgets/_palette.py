"""Dominant colours of a character image and a perceptual distance between two palettes.

Pure Pillow, so both the stand-in (style cards) and the widgets (on-model score) can use it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import cast

from PIL import Image, ImageChops

Palette = tuple[tuple[str, float], ...]
"""("#rrggbb", share) pairs, largest share first; shares sum to 1."""

RGB = tuple[int, int, int]

_SAMPLE_AREA = 160 * 160  # colours are read from a copy of at most this many pixels
_BACKGROUND_TOLERANCE = 24  # max channel difference still counted as background
_MERGE_DELTA_E = 6.0  # palette entries closer than this (CIE76) are one colour
_MIN_SHARE = 0.02  # rarer colours (anti-aliasing, specks) count toward their nearest
_DISTANCE_SCALE = 40.0  # mean Delta E at which the distance reaches about 63


def background_colour(image: Image.Image) -> RGB | None:
    """The colour filling most of the image's border, or None if the border is mostly
    transparent or has no dominant colour (then there is no background to remove)."""
    rgba = _sample(image, _SAMPLE_AREA)
    width, height = rgba.size
    strips = [
        rgba.crop((0, 0, width, 1)),
        rgba.crop((0, height - 1, width, height)),
        rgba.crop((0, 0, 1, height)),
        rgba.crop((width - 1, 0, width, height)),
    ]
    border = b"".join(strip.tobytes() for strip in strips)
    pixels = len(border) // 4
    opaque = [
        (border[i], border[i + 1], border[i + 2])
        for i in range(0, len(border), 4)
        if border[i + 3] >= 128
    ]
    if len(opaque) * 2 < pixels:
        return None
    mode = Counter(opaque).most_common(1)[0][0]
    near = _BACKGROUND_TOLERANCE // 2
    members = [
        pixel
        for pixel in opaque
        if max(abs(pixel[0] - mode[0]), abs(pixel[1] - mode[1]), abs(pixel[2] - mode[2])) <= near
    ]
    if len(members) * 5 < pixels * 2:  # under 40% of the border
        return None
    count = len(members)
    r, g, b = (round(sum(pixel[channel] for pixel in members) / count) for channel in range(3))
    return r, g, b


def foreground_mask(image: Image.Image, background: RGB | None) -> Image.Image:
    """An "L" mask, 255 where a pixel is opaque and not of the background colour."""
    rgba = image.convert("RGBA")
    opaque = rgba.getchannel("A").point(lambda a: 255 if a >= 128 else 0)
    if background is None:
        return opaque
    solid = Image.new("RGB", rgba.size, background)
    channels = ImageChops.difference(rgba.convert("RGB"), solid).split()
    largest = ImageChops.lighter(ImageChops.lighter(channels[0], channels[1]), channels[2])
    distinct = largest.point(lambda d: 255 if d > _BACKGROUND_TOLERANCE else 0)
    return ImageChops.darker(opaque, distinct)


def dominant_palette(image: Image.Image, colors: int = 6) -> Palette:
    """The image's main colours with their shares, ignoring transparent and background pixels.

    The background is the colour that fills most of the border (see `background_colour`).
    Returns an empty palette when nothing but background is left.
    """
    rgba = _sample(image, _SAMPLE_AREA)
    mask = foreground_mask(rgba, background_colour(rgba))
    marked = rgba.convert("RGB")
    marked.putalpha(mask)
    counted = cast(  # an RGBA image counts (count, pixel tuple) pairs
        "list[tuple[int, tuple[int, ...]]]", marked.getcolors(marked.width * marked.height) or []
    )
    # Gather the foreground pixels into one strip so quantizing ignores the rest.
    pixels = b"".join(bytes(pixel[:3]) * count for count, pixel in counted if pixel[3])
    if not pixels:
        return ()
    strip = Image.frombytes("RGB", (len(pixels) // 3, 1), pixels)
    # Cut finer than asked, then fold near-duplicates and minor colours into their nearest.
    quantized = strip.quantize(colors=max(2 * colors, 12), method=Image.Quantize.MEDIANCUT)
    flat = quantized.getpalette() or []
    entries = [
        ((flat[3 * index], flat[3 * index + 1], flat[3 * index + 2]), count)
        for count, index in cast("list[tuple[int, int]]", quantized.getcolors(256) or [])
    ]
    return fold_colours(entries, max(1, colors))


def palette_distance(a: Palette, b: Palette) -> float:
    """How different two palettes look, 0 (identical) to 100 (nothing alike).

    Colours are compared in CIE Lab; shares are matched greedily, closest pairs first, like an
    earth mover's distance. The mean Delta E of that matching is mapped onto 0..100.
    Symmetric; an empty palette is 100 away from any non-empty one.
    """
    if not a and not b:
        return 0.0
    if not a or not b:
        return 100.0
    cost = (_transport_cost(a, b) + _transport_cost(b, a)) / 2
    return round(100.0 * (1.0 - math.exp(-cost / _DISTANCE_SCALE)), 4)


def hex_to_rgb(colour: str) -> RGB:
    """ "#rrggbb" to an (r, g, b) tuple."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def rgb_to_hex(rgb: Sequence[int]) -> str:
    """An (r, g, b) tuple to "#rrggbb"."""
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


def srgb_to_lab(rgb: Sequence[int]) -> tuple[float, float, float]:
    """An 8-bit sRGB colour in CIE L*a*b* (D65 white)."""

    def linear(channel: int) -> float:
        c = channel / 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(first: RGB, second: RGB) -> float:
    """CIE76 colour difference between two sRGB colours."""
    return math.dist(srgb_to_lab(first), srgb_to_lab(second))


def _sample(image: Image.Image, area: int) -> Image.Image:
    """An RGBA copy of at most area pixels (nearest neighbour, so no new colours)."""
    rgba = image.convert("RGBA")
    if rgba.width * rgba.height <= area:
        return rgba
    scale = math.sqrt(area / (rgba.width * rgba.height))
    size = (max(1, round(rgba.width * scale)), max(1, round(rgba.height * scale)))
    return rgba.resize(size, Image.Resampling.NEAREST)


def fold_colours(entries: Sequence[tuple[RGB, float]], colors: int) -> Palette:
    """A palette of at most `colors` colours from counted colours (pixel counts or weights):
    near-duplicates and rare colours count toward their nearest kept one; shares sum to 1."""
    return _normalise(_fold(entries, colors))


def _fold(entries: Sequence[tuple[RGB, float]], colors: int) -> list[tuple[RGB, float]]:
    """Keep at most `colors` main colours: each colour within _MERGE_DELTA_E of a bigger one,
    rarer than _MIN_SHARE, or beyond the count limit adds its pixels to its nearest kept one."""
    total = sum(count for _, count in entries)
    ordered = sorted(entries, key=lambda entry: (-entry[1], entry[0]))
    kept: list[tuple[RGB, float]] = []
    folded: list[tuple[RGB, float]] = []
    for colour, count in ordered:
        distinct = all(delta_e(colour, other) >= _MERGE_DELTA_E for other, _ in kept)
        if distinct and count >= total * _MIN_SHARE and len(kept) < colors:
            kept.append((colour, count))
        else:
            folded.append((colour, count))
    counts = [count for _, count in kept]
    for colour, count in folded:
        nearest = min(range(len(kept)), key=lambda index: delta_e(colour, kept[index][0]))
        counts[nearest] += count
    return [(colour, count) for (colour, _), count in zip(kept, counts, strict=True)]


def _normalise(entries: list[tuple[RGB, float]]) -> Palette:
    total = sum(count for _, count in entries)
    ordered = sorted(entries, key=lambda entry: (-entry[1], entry[0]))
    return tuple((rgb_to_hex(colour), count / total) for colour, count in ordered)


def _transport_cost(a: Palette, b: Palette) -> float:
    """Mean Delta E moving a's shares onto b's, cheapest pairs first."""
    supply = _shares(a)
    demand = _shares(b)
    lab_a = [srgb_to_lab(hex_to_rgb(colour)) for colour, _ in a]
    lab_b = [srgb_to_lab(hex_to_rgb(colour)) for colour, _ in b]
    pairs = sorted(
        (math.dist(lab_a[i], lab_b[j]), i, j) for i in range(len(a)) for j in range(len(b))
    )
    cost = 0.0
    for distance, i, j in pairs:
        flow = min(supply[i], demand[j])
        if flow > 0:
            cost += flow * distance
            supply[i] -= flow
            demand[j] -= flow
    return cost


def _shares(palette: Palette) -> list[float]:
    total = sum(share for _, share in palette)
    if total <= 0:
        return [1.0 / len(palette)] * len(palette)
    return [share / total for _, share in palette]
