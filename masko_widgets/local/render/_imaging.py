"""Pillow helpers for drawing: background removal, flattening, placing parts, PNG encoding."""

from __future__ import annotations

import hashlib
import io
import random
from functools import lru_cache
from typing import cast

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps, ImageStat

from masko_widgets._palette import RGB, background_colour, foreground_mask

_FLOOD_SIDE = 128  # background flood fill runs on a copy at most this large
_DEFAULT_BACKGROUND = (244, 242, 236)
COLOUR_WORDS = {
    "red": (220, 50, 47),
    "orange": (240, 120, 40),
    "yellow": (245, 200, 40),
    "green": (70, 170, 80),
    "teal": (30, 160, 160),
    "blue": (50, 110, 220),
    "purple": (140, 80, 200),
    "pink": (240, 120, 170),
    "brown": (140, 90, 50),
    "black": (40, 40, 44),
    "white": (250, 250, 248),
    "grey": (150, 150, 155),
    "gray": (150, 150, 155),
}


def cut_out(image: Image.Image) -> Image.Image:
    """The image as RGBA with its background made transparent.

    An image that already has transparency keeps its alpha. Otherwise the background colour
    is read from the border and removed where it connects to the border, so enclosed areas of
    the same colour (eyes, teeth) stay.
    """
    rgba = image.convert("RGBA")
    lowest_alpha, _ = cast("tuple[int, int]", rgba.getchannel("A").getextrema())  # one band
    if lowest_alpha < 255:
        return rgba
    background = background_colour(rgba)
    if background is None:
        return rgba
    like_background = ImageChops.invert(foreground_mask(rgba, background))
    reached = _flood_from_border(like_background)
    rgba.putalpha(ImageChops.invert(ImageChops.darker(reached, like_background)))
    return rgba


def flatten(layer: Image.Image, background: RGB) -> Image.Image:
    """An RGBA layer over a solid background colour, as RGB."""
    canvas = Image.new("RGB", layer.size, background)
    canvas.paste(layer, mask=layer)
    return canvas


def background_of(image: Image.Image) -> RGB:
    """The image's background colour, or a light neutral when it has none."""
    return background_colour(image) or _DEFAULT_BACKGROUND


@lru_cache(maxsize=16)
def placeholder_png(width: int = 512, height: int = 512) -> bytes:
    """A neutral "still generating" PNG: a light panel with three dots."""
    image = Image.new("RGB", (width, height), (236, 236, 240))
    draw = ImageDraw.Draw(image)
    radius = max(2, min(width, height) // 40)
    for step in (-3, 0, 3):
        x, y = width // 2 + step * radius, height // 2
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(170, 170, 180))
    return png_bytes(image)


def png_bytes(image: Image.Image) -> bytes:
    """The image encoded as PNG (RGBA images keep their alpha)."""
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=3)
    return out.getvalue()


def _flood_from_border(passable: Image.Image) -> Image.Image:
    """Where passable (an "L" mask, 255 = open) connects to the image border, as an "L" mask.

    Runs on a reduced copy in which a cell is open only if all its pixels are, then grows the
    result by one cell so the caller's full-size mask decides the exact edge.
    """
    width, height = passable.size
    scale = min(1.0, _FLOOD_SIDE / max(width, height))
    small_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = passable.resize(small_size, Image.Resampling.BOX)
    cols, rows = small_size
    unvisited = bytearray(small.point(lambda value: 1 if value >= 250 else 0).tobytes())
    reached = bytearray(cols * rows)
    border = (
        *range(cols),
        *range((rows - 1) * cols, rows * cols),
        *range(0, rows * cols, cols),
        *range(cols - 1, rows * cols, cols),
    )
    stack = [index for index in border if unvisited[index]]
    while stack:  # scanline fill: take a whole open run of a row at once
        index = stack.pop()
        if not unvisited[index]:
            continue
        row_start = index - index % cols
        left = max(row_start, unvisited.rfind(0, row_start, index) + 1)
        right = unvisited.find(0, index, row_start + cols)
        right = row_start + cols if right < 0 else right
        unvisited[left:right] = bytes(right - left)
        reached[left:right] = b"\xff" * (right - left)
        for offset in (-cols, cols):
            if 0 <= row_start + offset < cols * rows:
                stack.extend(_run_starts(unvisited, left + offset, right + offset))
    grown = Image.frombytes("L", small_size, bytes(reached)).filter(ImageFilter.MaxFilter(3))
    return grown.resize((width, height), Image.Resampling.NEAREST)


def _run_starts(cells: bytearray, start: int, stop: int) -> list[int]:
    """The first index of each run of 1s in cells[start:stop] (cells hold 0 or 1)."""
    starts = []
    position = cells.find(1, start, stop)
    while position >= 0:
        starts.append(position)
        end = cells.find(0, position, stop)
        if end < 0:
            break
        position = cells.find(1, end, stop)
    return starts


def prompt_random(text: str) -> random.Random:
    """A random generator seeded by a stable hash of the text (not Python's salted hash())."""
    digest = hashlib.sha256(" ".join(text.lower().split()).encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def tint(character: Image.Image, colour: RGB) -> Image.Image:
    """Tint the non-dark parts toward the colour, keeping outlines and shading."""
    rgb = character.convert("RGB")
    shade = ImageOps.grayscale(rgb)
    light = shade.point(lambda v: 255 if v > 70 else 0)
    typical = ImageStat.Stat(shade, ImageChops.darker(light, character.getchannel("A"))).median
    lift = 255 / max(1, typical[0])
    shading = shade.point(lambda v: min(255, round(v * lift))).convert("RGB")
    lit = ImageChops.multiply(Image.new("RGB", rgb.size, colour), shading)
    tinted = Image.composite(lit, rgb, light)
    tinted.putalpha(character.getchannel("A"))
    return tinted


def crop_to_content(image: Image.Image) -> Image.Image:
    """The image cropped to its opaque part (unchanged when it has none)."""
    box = image.getbbox(alpha_only=True)
    return image.crop(box) if box else image


def place(part: Image.Image, size: tuple[int, int], centre_x: float, bottom: float) -> Image.Image:
    """The part on a transparent canvas of the given size, its bottom centre at the given
    point as far as it fits; a part larger than the canvas is shrunk first."""
    if part.width > size[0] or part.height > size[1]:
        part = part.copy()
        part.thumbnail(size, Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    x = min(max(0, round(centre_x - part.width / 2)), size[0] - part.width)
    y = min(max(0, round(bottom - part.height)), size[1] - part.height)
    canvas.alpha_composite(part, (x, y))
    return canvas


def mix(colour: RGB, other: RGB, amount: float) -> RGB:
    """The colour moved toward the other by amount (0 to 1)."""
    r, g, b = (round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))
    return r, g, b
