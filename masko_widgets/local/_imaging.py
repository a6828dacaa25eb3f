"""Pillow imaging for the stand-in: checked uploads, background removal, posed and edited images."""

from __future__ import annotations

import colorsys
import hashlib
import io
import random
import re
import struct
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps, ImageStat

from masko_widgets._image_header import (
    ACCEPTED,
    MAX_UPLOAD_BYTES,
    header_size,
    pixel_limit_message,
)
from masko_widgets._palette import RGB, background_colour, foreground_mask, hex_to_rgb

if TYPE_CHECKING:
    from masko_widgets.local._style_card import StyleCard


_MIME = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
_FORMATS = ["PNG", "JPEG", "WEBP", "GIF"]
_OTHER_FORMATS = (  # signatures of image formats we recognise but do not accept
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"8BPS", "PSD"),
    (b"%PDF", "PDF"),
    (b"qoif", "QOI"),
)
_FLOOD_SIDE = 128  # background flood fill runs on a copy at most this large
_DEFAULT_BACKGROUND = (244, 242, 236)
_OUTLINE = (24, 22, 28)
_COLOUR_WORDS = {
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


class ImageRejected(ValueError):
    """An upload that cannot be used: status 400 (not a usable image) or 413 (too large)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def load_upload(data: bytes) -> tuple[Image.Image, str]:
    """Decode an uploaded image to RGBA and return it with its MIME type.

    Size limits are checked before decoding: the byte count first, then the pixel count read
    from the file header, so an oversized image is never decompressed.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRejected(
            413,
            f"The file is {len(data) / 1024 / 1024:.1f} MB; uploads are limited to 10 MB. "
            "Upload a smaller or more compressed image.",
        )
    width, height = _header_size(data)
    _check_pixels(width, height)
    try:
        with Image.open(io.BytesIO(data), formats=_FORMATS) as opened:
            _check_pixels(*opened.size)  # Pillow's reading of the header must agree
            mime = _MIME[opened.format or ""]
            opened.seek(0)
            opened.load()
            image = ImageOps.exif_transpose(opened).convert("RGBA")
    except ImageRejected:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
        raise ImageRejected(
            400,
            f"The image data is truncated or corrupt. Upload a complete {ACCEPTED} file.",
        ) from error
    return image, mime


def cut_out(image: Image.Image) -> Image.Image:
    """The image as RGBA with its background made transparent.

    An image that already has transparency keeps its alpha. Otherwise the background colour
    is read from the border and removed where it connects to the border, so enclosed areas of
    the same colour (eyes, teeth) stay.
    """
    rgba = image.convert("RGBA")
    if rgba.getchannel("A").getextrema()[0] < 255:
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


def render_pose(
    prompt: str,
    references: Sequence[Image.Image],
    card: StyleCard | None,
    size: int = 512,
) -> tuple[Image.Image, Image.Image]:
    """A square pose of the character for the prompt: (image on a background, transparent image).

    The character is cut out of the first reference (or drawn from the prompt when there is
    none), recoloured toward the style card's palette and posed by a transform that depends
    only on the prompt. Same inputs, same pixels.
    """
    rng = prompt_random(prompt)
    if references:
        source = references[0].copy()
        source.thumbnail((size, size), Image.Resampling.LANCZOS)
        character = _crop_to_content(cut_out(source))
        background = background_colour(source.convert("RGBA"))
    else:
        character = _drawn_character(prompt, card, rng, size)
        background = None
    if card is not None and card.palette:
        character = _recolour(character, [hex_to_rgb(colour) for colour, _ in card.palette])
    if background is None:
        background = _mix(_body_colour(prompt, card), (255, 255, 255), 0.86)
    posed = _posed(character, rng, size)
    return flatten(posed, background), posed


def render_edit(
    source: Image.Image, instructions: str, card: StyleCard | None
) -> tuple[Image.Image, Image.Image]:
    """The source image changed as the instructions say: (image on a background, transparent).

    Understands colour words ("make it blue"), flip/mirror, bigger/smaller and tilt/rotate;
    any other instruction gets a deterministic tint and tilt chosen from its text.
    """
    words = set(re.findall(r"[a-z]+", instructions.lower()))
    rgba = source.convert("RGBA")
    background = background_of(rgba)
    character = cut_out(rgba)
    box = character.getchannel("A").getbbox() or (0, 0, *rgba.size)
    part = character.crop(box)
    colours = [_COLOUR_WORDS[word] for word in sorted(words) if word in _COLOUR_WORDS]
    scale = 1.2 if words & {"bigger", "larger", "grow"} else 1.0
    scale = 0.8 if words & {"smaller", "shrink", "tiny"} else scale
    angle = 15.0 if words & {"tilt", "lean", "rotate"} else 0.0
    flip = bool(words & {"flip", "mirror", "flipped", "mirrored"})
    if not (colours or flip or angle or scale != 1.0):
        rng = prompt_random(instructions)
        colours = [_body_colour(instructions)]
        angle = rng.choice((-1, 1)) * rng.uniform(6, 12)
    if colours:
        part = _tint(part, colours[0])
    elif card is not None and card.palette:
        part = _recolour(part, [hex_to_rgb(colour) for colour, _ in card.palette])
    if flip:
        part = ImageOps.mirror(part)
    if scale != 1.0:
        part = part.resize(
            (max(1, round(part.width * scale)), max(1, round(part.height * scale))),
            Image.Resampling.BICUBIC,
        )
    if angle:
        part = part.rotate(angle, Image.Resampling.BICUBIC, expand=True)
    layer = _place(part, rgba.size, (box[0] + box[2]) / 2, box[3])
    return flatten(layer, background), layer


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


def _header_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the file header, or ImageRejected for anything else."""
    try:
        size = header_size(data)
    except ValueError as error:
        raise ImageRejected(
            400, f"The image header is truncated or corrupt. Upload a complete {ACCEPTED} file."
        ) from error
    if size is None:
        raise ImageRejected(400, _unsupported_message(data))
    return size


def _check_pixels(width: int, height: int) -> None:
    problem = pixel_limit_message(width, height)
    if problem is not None:
        raise ImageRejected(413 if width and height else 400, problem)


def _unsupported_message(data: bytes) -> str:
    for signature, name in _OTHER_FORMATS:
        if data.startswith(signature):
            return f"{name} files are not supported. Convert it to {ACCEPTED} and upload that."
    head = data[:256].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in head:
        return f"SVG files are not supported. Export it as {ACCEPTED} and upload that."
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return f"HEIC/AVIF files are not supported. Convert it to {ACCEPTED} and upload that."
    return f"The file is not an image. Upload a {ACCEPTED} file."


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


def _body_colour(prompt: str, card: StyleCard | None = None) -> RGB:
    """The card's main colour, else a colour named in the prompt, else a saturated colour
    chosen by the prompt's hash."""
    if card is not None and card.palette:
        return hex_to_rgb(card.palette[0][0])
    for word in re.findall(r"[a-z]+", prompt.lower()):
        if word in _COLOUR_WORDS:
            return _COLOUR_WORDS[word]
    hue = prompt_random(prompt + "#colour").random()
    r, g, b = colorsys.hsv_to_rgb(hue, 0.68, 0.93)
    return round(r * 255), round(g * 255), round(b * 255)


def _drawn_character(
    prompt: str, card: StyleCard | None, rng: random.Random, size: int
) -> Image.Image:
    """A simple mascot drawn from the prompt: body shape by hash, outline, eyes and a smile."""
    body = _body_colour(prompt, card)
    outline = max(2, size // 64) if card is None or card.outline else 0
    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    half_w = size * rng.uniform(0.2, 0.3)
    top = size * rng.uniform(0.1, 0.25)
    left, right, bottom = size / 2 - half_w, size / 2 + half_w, size * 0.9
    shape = rng.choice(("round", "box", "pear"))
    style = {"fill": body, "outline": _OUTLINE, "width": outline}
    if shape == "round":
        draw.ellipse((left, top, right, bottom), **style)
    elif shape == "box":
        draw.rounded_rectangle((left, top, right, bottom), radius=half_w * 0.5, **style)
    else:
        middle = (top + bottom) / 2
        draw.ellipse((left - half_w * 0.2, middle, right + half_w * 0.2, bottom), **style)
        draw.ellipse((left + half_w * 0.2, top, right - half_w * 0.2, middle + half_w), **style)
    eye = max(2, size // 36)
    eye_y = top + (bottom - top) * 0.3
    for eye_x in (size / 2 - half_w * 0.35, size / 2 + half_w * 0.35):
        draw.ellipse((eye_x - eye, eye_y - eye, eye_x + eye, eye_y + eye), fill=_OUTLINE)
    mouth = (size / 2 - half_w * 0.3, eye_y + eye, size / 2 + half_w * 0.3, eye_y + 5 * eye)
    draw.arc(mouth, 20, 160, fill=_OUTLINE, width=max(2, eye // 2))
    return _crop_to_content(canvas)


def _posed(character: Image.Image, rng: random.Random, size: int) -> Image.Image:
    """The character scaled, squashed, flipped and tilted by the generator, on a transparent
    square canvas, standing near the bottom."""
    height_share = rng.uniform(0.62, 0.84)
    squash = rng.uniform(-0.12, 0.12)
    flip = rng.random() < 0.5
    tilt = rng.uniform(-16.0, 16.0)
    centre = rng.uniform(0.44, 0.56)
    fit = height_share * size / max(character.width, character.height)
    scaled = character.resize(
        (
            max(1, round(character.width * fit * (1 + squash))),
            max(1, round(character.height * fit * (1 - squash))),
        ),
        Image.Resampling.BICUBIC,
    )
    if flip:
        scaled = ImageOps.mirror(scaled)
    turned = _crop_to_content(scaled.rotate(tilt, Image.Resampling.BICUBIC, expand=True))
    return _place(turned, (size, size), size * centre, size * 0.94)


def _recolour(character: Image.Image, palette: Sequence[RGB]) -> Image.Image:
    """Pull every colour halfway toward its nearest palette colour; alpha is kept."""
    lookup = Image.new("P", (1, 1))
    flat = [channel for colour in palette for channel in colour]
    lookup.putpalette(flat + flat[:3] * (256 - len(palette)))
    rgb = character.convert("RGB")
    nearest = rgb.quantize(palette=lookup, dither=Image.Dither.NONE).convert("RGB")
    result = Image.blend(rgb, nearest, 0.5).convert("RGBA")
    result.putalpha(character.getchannel("A"))
    return result


def _tint(character: Image.Image, colour: RGB) -> Image.Image:
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


def _crop_to_content(image: Image.Image) -> Image.Image:
    box = image.getchannel("A").getbbox()
    return image.crop(box) if box else image


def _place(part: Image.Image, size: tuple[int, int], centre_x: float, bottom: float) -> Image.Image:
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


def _mix(colour: RGB, other: RGB, amount: float) -> RGB:
    r, g, b = (round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))
    return r, g, b
