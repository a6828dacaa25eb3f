"""A still picture of a widget's state, for pages that have no kernel to run the widget.

GitHub, nbviewer, `jupyter nbconvert --to html` and Jupyter Book cannot draw a live widget:
they show the next richest output. So each widget's display output carries, beside the live
view, a PNG of what it shows now (references and style card, poses with the selected one marked,
the last preview) and an HTML figure of that PNG with words for screen readers. Front ends with
a kernel still show the live widget. Everything drawn is already in memory; nothing is fetched.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont, ImageOps

WIDTH = 960
PAD = 16
GAP = 10
TEXT = (31, 35, 40)
MUTED = (87, 96, 106)
LINE = (208, 215, 222)
PANEL = (246, 248, 250)
ACCENT = (21, 101, 192)
SCORE_COLOURS = {"good": (46, 125, 50), "fair": (168, 67, 0), "off": (198, 40, 40)}
"""Score badge backgrounds (white text on each passes 4.5:1)."""

PNG_COLOURS = 96
_PALETTE_ENTRY = re.compile(r"(#[0-9a-fA-F]{6})\s+(\d+(?:\.\d+)?)%")


@dataclass
class Tile:
    """One picture in a row: its image bytes (None: not loaded), a caption, a score."""

    data: bytes | None
    caption: str = ""
    score: int | None = None
    selected: bool = False


@dataclass
class Section:
    """A titled row of tiles, with a note under the title and lines of text after it."""

    title: str
    note: str = ""
    tiles: list[Tile] = field(default_factory=list)
    tile_size: int = 104
    palette: list[tuple[str, float]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    """Short lines shown in two columns (the style card's facts)."""


def score_level(score: int | None) -> str:
    """ "good", "fair", "off", or "none" (as the grid's badge: js/grid/tiles.js)."""
    if score is None:
        return "none"
    if score >= 80:
        return "good"
    return "fair" if score >= 60 else "off"


def card_words(card: str | None, reference_ids: Sequence[str]) -> str:
    """How the style card stands, in words."""
    if card:
        return "style card made from the references"
    if reference_ids:
        return "the style card is made at the next generation"
    return "no style card yet: add references"


def style_card_palette(card: str | None) -> list[tuple[str, float]]:
    """The ("#rrggbb", share) entries of a style card's palette line."""
    return [(colour, float(share) / 100) for colour, share in _PALETTE_ENTRY.findall(card or "")]


def style_card_facts(card: str | None) -> list[str]:
    """The style card's facts but the palette, one per line (`Outline: dark, 4 px`)."""
    facts = [fact.strip() for fact in (card or "").split("·")]
    return [fact for fact in facts if fact and not fact.lower().startswith("palette")]


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans where the system has it, else Pillow's own font."""
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: Any, width: int) -> str:
    """`text`, cut with an ellipsis to fit `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def _thumbnail(data: bytes | None, size: int) -> Image.Image | None:
    if not data:
        return None
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.contain(opened.convert("RGBA"), (size, size))
    except (OSError, ValueError):
        return None
    return image


def _row_height(section: Section) -> int:
    """A row of tiles: the tiles, their captions if any, the gap under them."""
    captions = any(tile.caption for tile in section.tiles)
    return section.tile_size + (24 if captions else 0) + GAP


def _section_height(section: Section) -> int:
    height = 26 + (18 if section.note else 0)
    if section.tiles:
        per_row = max(1, (WIDTH - 2 * PAD + GAP) // (section.tile_size + GAP))
        rows = -(-len(section.tiles) // per_row)
        height += rows * _row_height(section)
    if section.palette:
        height += 30
    height += 18 * (len(section.lines) + (len(section.facts) + 1) // 2)
    return height + 8


def draw_picture(title: str, subtitle: str, sections: Sequence[Section]) -> Image.Image:
    """The picture: a header, then each section as a titled panel."""
    height = PAD + 34 + sum(_section_height(s) + GAP for s in sections) + PAD
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH - 1, height - 1), outline=LINE)
    draw.text((PAD, PAD), _fit(draw, title, _font(20, True), WIDTH // 2), TEXT, _font(20, True))
    title_end = PAD + draw.textlength(
        _fit(draw, title, _font(20, True), WIDTH // 2), _font(20, True)
    )
    sub = _fit(draw, subtitle, _font(14), WIDTH - int(title_end) - 3 * PAD)
    draw.text((title_end + 12, PAD + 5), sub, MUTED, _font(14))
    top = PAD + 34
    for section in sections:
        bottom = top + _section_height(section)
        draw.rounded_rectangle((PAD // 2, top, WIDTH - PAD // 2, bottom), 6, PANEL, LINE)
        _draw_section(image, draw, section, top + 8)
        top = bottom + GAP
    return image


def _draw_section(image: Image.Image, draw: ImageDraw.ImageDraw, section: Section, y: int) -> None:
    draw.text((PAD, y), section.title, TEXT, _font(16, True))
    y += 26
    if section.note:
        draw.text(
            (PAD, y - 4), _fit(draw, section.note, _font(13), WIDTH - 3 * PAD), MUTED, _font(13)
        )
        y += 18
    size = section.tile_size
    x = PAD
    for tile in section.tiles:
        if x + size > WIDTH - PAD:
            x, y = PAD, y + _row_height(section)
        _draw_tile(image, draw, tile, x, y, size)
        x += size + GAP
    if section.tiles:
        y += _row_height(section)
    if section.palette:
        _draw_palette(draw, section.palette, y)
        y += 30
    for line in section.lines:
        draw.text((PAD, y), _fit(draw, line, _font(13), WIDTH - 3 * PAD), TEXT, _font(13))
        y += 18
    for index, fact in enumerate(section.facts):
        column, row = index % 2, index // 2
        left = PAD + column * (WIDTH - 2 * PAD) // 2
        text = _fit(draw, fact, _font(13), (WIDTH - 4 * PAD) // 2)
        draw.text((left, y + row * 18), text, TEXT, _font(13))


def _draw_tile(
    image: Image.Image, draw: ImageDraw.ImageDraw, tile: Tile, x: int, y: int, size: int
) -> None:
    draw.rectangle((x, y, x + size, y + size), "white", LINE)
    picture = _thumbnail(tile.data, size - 8)
    if picture is None:
        draw.text((x + size // 2, y + size // 2), "no picture", MUTED, _font(12), anchor="mm")
    else:
        left = x + (size - picture.width) // 2
        image.paste(picture, (left, y + (size - picture.height) // 2), picture)
    if tile.selected:
        draw.rectangle((x - 2, y - 2, x + size + 2, y + size + 2), outline=ACCENT, width=4)
        draw.rounded_rectangle((x + size - 70, y + 4, x + size - 4, y + 22), 4, ACCENT)
        draw.text((x + size - 37, y + 13), "Selected", "white", _font(11, True), anchor="mm")
    level = score_level(tile.score)
    if level != "none":
        draw.rounded_rectangle((x + 4, y + 4, x + 34, y + 22), 4, SCORE_COLOURS[level])
        draw.text((x + 19, y + 13), str(tile.score), "white", _font(12, True), anchor="mm")
    if tile.caption:
        font = _font(12, tile.selected)
        caption = _fit(draw, tile.caption, font, size)
        draw.text((x + size // 2, y + size + 12), caption, TEXT, font, anchor="mm")


def _draw_palette(draw: ImageDraw.ImageDraw, palette: list[tuple[str, float]], y: int) -> None:
    total = sum(share for _, share in palette) or 1.0
    x, width = float(PAD), 320
    for colour, share in palette:
        end = x + width * share / total
        draw.rectangle((round(x), y, round(end), y + 20), colour)
        x = end
    draw.rectangle((PAD, y, PAD + width, y + 20), outline=LINE)
    label = "  ".join(f"{colour} {round(share * 100)}%" for colour, share in palette[:5])
    draw.text((PAD + width + 12, y + 10), label, MUTED, _font(12), anchor="lm")


def png_bytes(image: Image.Image) -> bytes:
    """The picture as a small PNG: flat drawing and thumbnails fit an adaptive palette of
    PNG_COLOURS (a studio weighs about 20 KB, so notebooks that keep it stay light)."""
    flat = image.quantize(PNG_COLOURS, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    flat.save(out, "PNG", optimize=True)
    return out.getvalue()


def still_bundle(bundle: dict[str, Any], image: Image.Image, description: str) -> dict[str, Any]:
    """`bundle` (the live widget's display data) with the still picture beside it: a PNG, and
    an HTML figure of it whose alt text is `description`."""
    data = base64.b64encode(png_bytes(image)).decode("ascii")
    alt = html.escape(description, quote=True)
    figure = (
        f'<figure class="masko-still" style="margin:0">'
        f'<img src="data:image/png;base64,{data}" alt="{alt}" width="{image.width}" '
        f'style="max-width:100%;height:auto">'
        f'<figcaption style="font-size:12px;color:#57606a">Picture of the widget as it was '
        f"saved; run the notebook for the live widget.</figcaption></figure>"
    )
    return {**bundle, "image/png": data, "text/html": figure}
