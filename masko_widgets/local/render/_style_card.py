"""The style card: a collection's defining traits measured from its reference images.

It holds everything the renderer draws from: the palette (each reference weighing the same),
proportions, body silhouette, outline colour and width, face placement and shading.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from PIL import Image, ImageChops, ImageFilter, ImageOps, ImageStat

from masko_widgets._palette import (
    Palette,
    dominant_palette,
    fold_colours,
    hex_to_rgb,
    rgb_to_hex,
)
from masko_widgets.local.render._imaging import cut_out

ANALYSIS_SIDE = 512  # references are measured on a copy at most this large
_EDGE_SLACK = 2  # light anti-aliased pixels allowed before the outline starts
_DARK = 90  # grey level below which an outline or a face mark counts as dark...
_MARK_STEP = 0.6  # ...and at most this share of the body's own grey level
_GRADIENT_SHARE = 0.3  # share of gently sloped interior pixels that makes shading "gradient"
_PALETTE_COLOURS = 6
SILHOUETTE_ROWS = 12
DEFAULT_OUTLINE = "#18161c"
ELLIPSE = tuple(
    round(math.sqrt(1 - ((row + 0.5) / SILHOUETTE_ROWS * 2 - 1) ** 2), 2)
    for row in range(SILHOUETTE_ROWS)
)
"""The width profile of an ellipse: the silhouette of a card measured from nothing."""


@dataclass(frozen=True)
class Face:
    """Where the face sits, as shares of the body's height (y) and width (gap, size)."""

    eye_y: float = 0.36
    eye_gap: float = 0.3
    eye_size: float = 0.06
    mouth_y: float = 0.52


@dataclass(frozen=True)
class StyleCard:
    """Palette (hex colours with shares), width-to-height proportions of the character,
    whether it has a dark outline and how wide (in reference pixels), "flat" or "gradient"
    shading; and for the renderer: the outline's colour and width as a share of the character's
    height, the silhouette (the body's width, as a share of its widest row, in
    SILHOUETTE_ROWS rows from top to bottom) and the face placement."""

    palette: Palette
    proportions: float
    outline: bool
    outline_width: int
    shading: str
    outline_colour: str = DEFAULT_OUTLINE
    outline_share: float = 0.0
    silhouette: tuple[float, ...] = ELLIPSE
    face: Face = field(default_factory=Face)

    def to_text(self) -> str:
        """A short human-readable summary, the same for the same card."""
        colours = ", ".join(f"{colour} {share:.0%}" for colour, share in self.palette)
        shape = "tall" if self.proportions < 0.85 else "wide" if self.proportions > 1.15 else "even"
        outline = f"{self.outline_colour}, {self.outline_width} px" if self.outline else "none"
        face = self.face
        return (
            f"Palette: {colours or 'none'} · Proportions: {self.proportions:.2f} ({shape})"
            f" · Silhouette: {silhouette_name(self.silhouette)} · Outline: {outline}"
            f" · Eyes: {face.eye_y:.0%} down, {face.eye_gap:.0%} apart"
            f" · Mouth: {face.mouth_y:.0%} down · Shading: {self.shading}"
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> StyleCard:
        data = json.loads(text)
        return cls(
            palette=tuple((str(colour), float(share)) for colour, share in data["palette"]),
            proportions=float(data["proportions"]),
            outline=bool(data["outline"]),
            outline_width=int(data["outline_width"]),
            shading=str(data["shading"]),
            outline_colour=str(data["outline_colour"]),
            outline_share=float(data["outline_share"]),
            silhouette=tuple(float(width) for width in data["silhouette"]),
            face=Face(**{key: float(value) for key, value in data["face"].items()}),
        )


def silhouette_name(silhouette: Sequence[float]) -> str:
    """ "round", "pear", "top-heavy" or "boxy", and where the body is widest."""
    third = max(1, len(silhouette) // 4)
    top, bottom = sum(silhouette[:third]) / third, sum(silhouette[-third:]) / third
    widest = max(range(len(silhouette)), key=lambda row: silhouette[row])
    if min(top, bottom) > 0.75:
        name = "boxy"
    elif bottom > top + 0.15:
        name = "pear"
    elif top > bottom + 0.15:
        name = "top-heavy"
    else:
        name = "round"
    return f"{name}, widest at {(widest + 0.5) / len(silhouette):.0%}"


def extract_style_card(images: Sequence[Image.Image]) -> StyleCard:
    """Measure the style card of a character from its reference images (at least one).

    Every reference weighs the same: the palette's shares, the silhouette, the outline and
    the face are averages over the references, so one more reference moves each in proportion.
    """
    if not images:
        raise ValueError("a style card needs at least one reference image")
    palettes, ratios, widths, gradients, silhouettes, faces = [], [], [], [], [], []
    rings: list[tuple[float, ...]] = []
    shares = []
    for image in images:
        factor = math.ceil(max(image.size) / ANALYSIS_SIDE)
        scale = 1 / factor
        sample = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
        sample = sample.reduce(factor) if factor > 1 else sample
        character = cut_out(sample)
        box = character.getchannel("A").getbbox()
        if box is None:
            continue
        character = character.crop(box)
        palettes.append(dominant_palette(character, _PALETTE_COLOURS))
        ratios.append(character.width / character.height)
        mask = character.getchannel("A").point(lambda a: 255 if a >= 128 else 0)
        silhouettes.append(_silhouette(mask))
        padded = ImageOps.expand(character, border=2, fill=(0, 0, 0, 0))
        mask = ImageOps.expand(mask, border=2, fill=0)
        grey = ImageOps.grayscale(padded.convert("RGB"))
        cut = dark_cut(grey, mask)
        width = _outline_width(grey, mask, cut)
        interior = erode(mask, width + 1)
        if width:
            widths.append(round(width / scale))
            shares.append(width / character.height)
            rings.append(_ring_colour(padded, grey, mask, width, cut))
        faces.append(measure_face(grey, interior, character.size, pad=2))
        gradients.append(_gradient_share(grey, interior))
    if not palettes:
        return StyleCard((), 1.0, False, 0, "flat")
    outline = len(widths) * 2 > len(palettes)
    return StyleCard(
        palette=merge_palettes([(palette, 1.0) for palette in palettes if palette]),
        proportions=round(statistics.median(ratios), 2),
        outline=outline,
        outline_width=round(statistics.median(widths)) if outline else 0,
        shading="gradient" if statistics.median(gradients) > _GRADIENT_SHARE else "flat",
        outline_colour=_mean_colour(rings) if outline else DEFAULT_OUTLINE,
        outline_share=round(statistics.median(shares), 4) if outline else 0.0,
        silhouette=tuple(
            round(statistics.fmean(rows), 2) for rows in zip(*silhouettes, strict=True)
        ),
        face=Face(
            *(
                round(statistics.fmean(values), 3)
                for values in zip(*map(_face_values, faces), strict=True)
            )
        ),
    )


def with_hints(card: StyleCard | None, hints: StyleCard, share: float = 0.6) -> StyleCard:
    """The card of one hinted preview: the hints' palette and outline blended into the
    collection's card (`share` is the hints' weight); the character's shape and face stay.
    With no collection card the hints' card is used as it is."""
    if card is None or not card.palette:
        return hints
    if not hints.palette:
        return card
    outline = hints.outline if hints.outline == card.outline else card.outline
    mix = [(card.outline_colour, 1 - share), (hints.outline_colour, share)]
    return StyleCard(
        palette=merge_palettes([(card.palette, 1 - share), (hints.palette, share)]),
        proportions=card.proportions,
        outline=outline,
        outline_width=round(card.outline_width * (1 - share) + hints.outline_width * share),
        shading=card.shading,
        outline_colour=_mean_colour([hex_to_rgb(c) for c, _ in mix], [w for _, w in mix]),
        outline_share=round(card.outline_share * (1 - share) + hints.outline_share * share, 4),
        silhouette=card.silhouette,
        face=card.face,
    )


def merge_palettes(weighted: Sequence[tuple[Palette, float]]) -> Palette:
    """One palette from several, each weighing its given share; near-duplicate colours merge
    and at most _PALETTE_COLOURS are kept (the rest count toward their nearest)."""
    total = sum(weight for palette, weight in weighted if palette) or 1.0
    entries = [
        (hex_to_rgb(colour), share * weight / total)
        for palette, weight in weighted
        for colour, share in palette
    ]
    if not entries:
        return ()
    return tuple(
        (colour, round(share, 3)) for colour, share in fold_colours(entries, _PALETTE_COLOURS)
    )


def dark_cut(grey: Image.Image, body: Image.Image) -> float:
    """The grey level below which a pixel is an outline or a face mark on this body: dark, and
    clearly darker than the body itself (a deep blue body is neither outline nor face)."""
    return min(_DARK, ImageStat.Stat(grey, body).median[0] * _MARK_STEP)


def measure_face(
    grey: Image.Image, interior: Image.Image, size: tuple[int, int], pad: int = 0
) -> Face | None:
    """Eyes and mouth from the dark marks inside the character, or None when it has none.

    The topmost band of rows holding dark marks is the eyes (their columns give the gap and
    size); the next band below is the mouth. `size` is the character's (width, height), drawn
    `pad` pixels in from the images' top left.
    """
    cut = dark_cut(grey, interior)
    marks = ImageChops.darker(grey.point(lambda v: 255 if v < cut else 0), interior)
    if marks.getbbox() is None:
        return None
    width, height = size
    rows = _runs(marks.resize((1, marks.height), Image.Resampling.BOX).tobytes())
    eyes = rows[0]
    band = marks.crop((0, eyes[0], marks.width, eyes[1]))
    columns = _runs(band.resize((band.width, 1), Image.Resampling.BOX).tobytes())
    left, right = columns[0], columns[-1]
    gap = ((right[0] + right[1]) - (left[0] + left[1])) / 2 / width if len(columns) > 1 else 0.0
    eye_size = statistics.fmean(stop - start for start, stop in columns) / 2 / width
    eye_y = ((eyes[0] + eyes[1]) / 2 - pad) / height
    mouth_y = ((rows[1][0] + rows[1][1]) / 2 - pad) / height if len(rows) > 1 else eye_y + 0.16
    return Face(eye_y, gap or Face.eye_gap, eye_size, mouth_y)


def _face_values(face: Face | None) -> tuple[float, float, float, float]:
    face = face or Face()
    return face.eye_y, face.eye_gap, face.eye_size, face.mouth_y


def _runs(values: bytes) -> list[tuple[int, int]]:
    """(start, stop) of each run of non-zero bytes."""
    runs, start = [], None
    for index, value in enumerate(values):
        if value and start is None:
            start = index
        elif not value and start is not None:
            runs.append((start, index))
            start = None
    if start is not None:
        runs.append((start, len(values)))
    return runs


def _silhouette(mask: Image.Image) -> tuple[float, ...]:
    """The mask's filled share in SILHOUETTE_ROWS bands from top to bottom, as a share of the
    fullest band."""
    rows = mask.resize((1, SILHOUETTE_ROWS), Image.Resampling.BOX).tobytes()
    widest = max(rows) or 1
    return tuple(value / widest for value in rows)


def _ring_colour(
    character: Image.Image, grey: Image.Image, mask: Image.Image, width: int, cut: float
) -> tuple[float, ...]:
    """The mean colour of the dark pixels (below `cut`) of the outline ring."""
    ring = ImageChops.subtract(mask, erode(mask, width))
    dark = ImageChops.darker(ring, grey.point(lambda v: 255 if v < cut else 0))
    if dark.getbbox() is None:
        return hex_to_rgb(DEFAULT_OUTLINE)
    return tuple(ImageStat.Stat(character.convert("RGB"), dark).mean)


def _mean_colour(colours: Sequence[Sequence[float]], weights: Sequence[float] = ()) -> str:
    weights = list(weights) or [1.0] * len(colours)
    total = sum(weights)
    return rgb_to_hex(
        [
            round(
                sum(colour[channel] * w for colour, w in zip(colours, weights, strict=True)) / total
            )
            for channel in range(3)
        ]
    )


def _outline_width(grey: Image.Image, mask: Image.Image, cut: float) -> int:
    """Width of the dark ring (grey below `cut`) along the character's edge, 0 when there is
    none.

    Every row and column is walked inward from both ends of the character; the dark run met
    there is as wide as the outline where the edge is square to the walk and wider where it is
    slanted, so the lower quartile of the runs is the width.
    """
    dark = grey.point(lambda v: 255 if v < cut else 0)
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
    inner = erode(interior, step)
    if inner.getbbox() is None:
        return 0.0
    smooth = grey.filter(ImageFilter.BoxBlur(2))
    shifted = ImageChops.offset(smooth, -step, -step)
    change = ImageChops.difference(smooth, shifted)
    histogram = change.histogram(mask=inner)
    total = sum(histogram)
    return sum(histogram[2:40]) / total if total else 0.0


def erode(mask: Image.Image, steps: int) -> Image.Image:
    """Shrink a 0/255 mask by steps pixels (square neighbourhood)."""
    return mask.filter(ImageFilter.BoxBlur(steps)).point(lambda v: 255 if v == 255 else 0)
