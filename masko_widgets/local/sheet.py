"""A contact sheet for review: every pose word the stand-in knows, drawn for one character.

    python -m masko_widgets.local.sheet OUT.png [--reference IMAGE ...] [--tile 192]

Without --reference the built-in sample character is drawn. The sheet shows the references,
each pose under its word, and the style card's text.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from masko_widgets.local._uploads import ImageRejected, load_upload
from masko_widgets.local.render._imaging import flatten
from masko_widgets.local.render._pictures import render_pose
from masko_widgets.local.render._pose_words import POSES
from masko_widgets.local.render._style_card import extract_style_card

_COLUMNS = 7
_LABEL = 22  # pixels under each tile for its word
_INK = (40, 40, 46)
_PAPER = (255, 255, 255)


def sample_character(side: int = 256) -> Image.Image:
    """The built-in sample: a round orange character with a dark outline, eyes and a smile,
    on a light background."""
    image = Image.new("RGB", (side, side), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    ink = (24, 22, 28)
    draw.ellipse(
        (side * 0.26, side * 0.12, side * 0.74, side * 0.9),
        fill=(240, 120, 40),
        outline=ink,
        width=side // 48,
    )
    draw.ellipse((side * 0.36, side * 0.5, side * 0.64, side * 0.84), fill=(250, 190, 120))
    eye = side // 30
    for x in (side * 0.42, side * 0.58):
        draw.ellipse((x - eye, side * 0.34 - eye, x + eye, side * 0.34 + eye), fill=ink)
    mouth = (side * 0.44, side * 0.38, side * 0.56, side * 0.46)
    draw.arc(mouth, 20, 160, fill=ink, width=side // 96)
    return image


def contact_sheet(references: Sequence[Image.Image], tile: int = 192) -> Image.Image:
    """The references, then every pose word drawn from their style card, labelled, with the
    card's text underneath."""
    card = extract_style_card(references)
    tiles: list[tuple[str, Image.Image]] = []
    for index, reference in enumerate(references, start=1):
        shown = reference.convert("RGBA")
        shown.thumbnail((tile, tile), Image.Resampling.LANCZOS)
        square = Image.new("RGB", (tile, tile), _PAPER)
        square.paste(
            flatten(shown, _PAPER), ((tile - shown.width) // 2, (tile - shown.height) // 2)
        )
        tiles.append((f"reference {index}", square))
    tiles += [(word, render_pose(word, card, size=tile)[0]) for word in POSES]
    font = ImageFont.load_default(size=14)
    rows = -(-len(tiles) // _COLUMNS)
    width = _COLUMNS * tile
    text = textwrap.wrap(f"Style card · {card.to_text()}", width=width // 7)
    sheet = Image.new("RGB", (width, rows * (tile + _LABEL) + 18 * len(text) + 12), _PAPER)
    draw = ImageDraw.Draw(sheet)
    for index, (word, picture) in enumerate(tiles):
        x, y = index % _COLUMNS * tile, index // _COLUMNS * (tile + _LABEL)
        sheet.paste(picture, (x, y))
        draw.text((x + tile / 2, y + tile + 3), word, fill=_INK, font=font, anchor="ma")
    for line, words in enumerate(text):
        draw.text((8, rows * (tile + _LABEL) + 6 + 18 * line), words, fill=_INK, font=font)
    return sheet


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m masko_widgets.local.sheet",
        description="Draw every pose word of the offline stand-in for one character.",
    )
    parser.add_argument("out", type=Path, help="the PNG file to write")
    parser.add_argument(
        "--reference",
        action="append",
        type=Path,
        default=[],
        help="a reference image of the character (repeat for up to 6); default: the sample",
    )
    parser.add_argument("--tile", type=int, default=192, help="side of each pose, in pixels")
    args = parser.parse_args(argv)
    if len(args.reference) > 6:
        parser.error("at most 6 references, as a collection holds")
    if not 64 <= args.tile <= 1024:
        parser.error("--tile must be 64 to 1024 pixels")
    references = []
    for path in args.reference:
        try:
            references.append(load_upload(path.read_bytes())[0])
        except OSError as error:
            parser.error(f"cannot read {path}: {error.strerror}")
        except ImageRejected as error:
            parser.error(f"{path}: {error.message}")
    sheet = contact_sheet(references or [sample_character()], args.tile)
    sheet.save(args.out, optimize=True)
    print(f"wrote {args.out} ({sheet.width}x{sheet.height}, {len(POSES)} poses)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
