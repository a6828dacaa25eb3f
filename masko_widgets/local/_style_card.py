"""The style card: a collection's defining traits measured from its reference images."""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter, ImageOps, ImageStat

from masko_widgets._palette import Palette, dominant_palette
from masko_widgets.local._imaging import cut_out

_ANALYSIS_SIDE = 512  # references are measured on a copy at most this large
_EDGE_SLACK = 2  # light anti-aliased pixels allowed before the outline starts
_DARK = 90  # mean grey level below which an edge ring counts as dark
_GRADIENT_SHARE = 0.3  # share of gently sloped interior pixels that makes shading "gradient"


@dataclass(frozen=True)
class StyleCard:
    """Palette (hex colours with shares), width-to-height proportions of the character,
    whether it has a dark outline and how wide (in reference pixels), and "flat" or
    "gradient" shading."""

    palette: Palette
    proportions: float
    outline: bool
    outline_width: int
    shading: str

    def to_text(self) -> str:
        """A short human-readable summary, the same for the same card."""
        colours = ", ".join(f"{colour} {share:.0%}" for colour, share in self.palette)
        shape = "tall" if self.proportions < 0.85 else "wide" if self.proportions > 1.15 else "even"
        outline = f"dark, {self.outline_width} px" if self.outline else "none"
        return (
            f"Palette: {colours or 'none'} · Proportions: {self.proportions:.2f} ({shape})"
            f" · Outline: {outline} · Shading: {self.shading}"
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "palette": [[colour, share] for colour, share in self.palette],
                "proportions": self.proportions,
                "outline": self.outline,
                "outline_width": self.outline_width,
                "shading": self.shading,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> StyleCard:
        data = json.loads(text)
        return cls(
            palette=tuple((str(colour), float(share)) for colour, share in data["palette"]),
            proportions=float(data["proportions"]),
            outline=bool(data["outline"]),
            outline_width=int(data["outline_width"]),
            shading=str(data["shading"]),
        )


def extract_style_card(images: Sequence[Image.Image]) -> StyleCard:
    """Measure the style card of a character from its reference images (at least one)."""
    if not images:
        raise ValueError("a style card needs at least one reference image")
    characters = []
    ratios, widths, gradients = [], [], []
    dark_outlines = 0
    for image in images:
        factor = math.ceil(max(image.size) / _ANALYSIS_SIDE)
        scale = 1 / factor
        sample = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
        sample = sample.reduce(factor) if factor > 1 else sample
        character = cut_out(sample)
        box = character.getchannel("A").getbbox()
        if box is None:
            continue
        character = character.crop(box)
        characters.append(character)
        ratios.append(character.width / character.height)
        character = ImageOps.expand(character, border=2, fill=(0, 0, 0, 0))
        mask = character.getchannel("A").point(lambda a: 255 if a >= 128 else 0)
        grey = ImageOps.grayscale(character.convert("RGB"))
        width = _outline_width(grey, mask)
        interior = _erode(mask, width + 1)
        if width and ImageStat.Stat(grey, interior).mean[0] < _DARK:
            width = 0  # a dark character rather than a dark outline
            interior = _erode(mask, 1)
        if width:
            dark_outlines += 1
            widths.append(round(width / scale))
        gradients.append(_gradient_share(grey, interior))
    if not characters:
        return StyleCard((), 1.0, False, 0, "flat")
    outline = dark_outlines * 2 > len(characters)
    palette = tuple(
        (colour, round(share, 3)) for colour, share in dominant_palette(_mosaic(characters))
    )
    return StyleCard(
        palette=palette,
        proportions=round(statistics.median(ratios), 2),
        outline=outline,
        outline_width=round(statistics.median(widths)) if outline else 0,
        shading="gradient" if statistics.median(gradients) > _GRADIENT_SHARE else "flat",
    )


def _outline_width(grey: Image.Image, mask: Image.Image) -> int:
    """Width of the dark ring along the character's edge, 0 when there is none.

    Every row and column is walked inward from both ends of the character; the dark run met
    there is as wide as the outline where the edge is square to the walk and wider where it is
    slanted, so the lower quartile of the runs is the width.
    """
    dark = grey.point(lambda v: 255 if v < _DARK else 0)
    runs = []
    for turn in (None, Image.Transpose.ROTATE_90):
        inside = (mask.transpose(turn) if turn else mask).tobytes()
        shade = (dark.transpose(turn) if turn else dark).tobytes()
        width = mask.height if turn else mask.width
        for start in range(0, len(inside), width):
            row = inside[start : start + width]
            first, last = row.find(255), row.rfind(255)
            if first < 0:
                continue
            line = shade[start : start + width]
            runs.append(_dark_run(line, first, last + 1))
            runs.append(_dark_run(line[::-1], width - 1 - last, width - first))
    found = sorted(run for run in runs if run)
    if not found or len(found) * 5 < len(runs) * 3:
        return 0
    return found[len(found) // 4]


def _dark_run(line: bytes, start: int, stop: int) -> int:
    """Length of the dark run (255s) beginning within _EDGE_SLACK pixels of start."""
    begin = line.find(255, start, min(stop, start + _EDGE_SLACK + 1))
    if begin < 0:
        return 0
    end = line.find(0, begin, stop)
    return (stop if end < 0 else end) - begin


def _gradient_share(grey: Image.Image, interior: Image.Image) -> float:
    """Share of interior pixels on a gentle slope: flat fills have almost none, gradients many.

    Noise is blurred away; then each pixel is compared with the pixel a few steps right and
    down. Hard edges between flat areas change a lot, flat areas not at all, shading a little.
    """
    step = max(2, min(grey.size) // 24)
    inner = _erode(interior, step)
    if inner.getbbox() is None:
        return 0.0
    smooth = grey.filter(ImageFilter.BoxBlur(2))
    shifted = ImageChops.offset(smooth, -step, -step)
    change = ImageChops.difference(smooth, shifted)
    histogram = change.histogram(mask=inner)
    total = sum(histogram)
    return sum(histogram[2:40]) / total if total else 0.0


def _erode(mask: Image.Image, steps: int) -> Image.Image:
    """Shrink a 0/255 mask by steps pixels (square neighbourhood)."""
    return mask.filter(ImageFilter.BoxBlur(steps)).point(lambda v: 255 if v == 255 else 0)


def _mosaic(characters: Sequence[Image.Image]) -> Image.Image:
    """All cut-out characters side by side on a transparent strip."""
    strip = Image.new(
        "RGBA",
        (sum(c.width for c in characters) + 2, max(c.height for c in characters) + 2),
        (0, 0, 0, 0),
    )
    x = 1
    for character in characters:
        strip.alpha_composite(character, (x, 1))
        x += character.width
    return strip
