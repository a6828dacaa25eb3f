"""Accessories an edit adds to a character: hat, glasses, scarf and bow, in the outline style.

They are placed from the character's own pixels: its outline, its eyes and mouth (the dark
marks inside it) and the top of its head.
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageOps

from masko_widgets._palette import RGB
from masko_widgets.local.render._style_card import Face, erode, measure_face

ACCESSORY_WORDS = {
    "hat": "hat",
    "cap": "hat",
    "glasses": "glasses",
    "spectacles": "glasses",
    "sunglasses": "glasses",
    "scarf": "scarf",
    "bow": "bow",
    "ribbon": "bow",
    "bowtie": "bow",
}
"""Words of an edit instruction, to the accessory they ask for."""


def add_accessories(
    part: Image.Image, names: list[str], colour: RGB, ink: RGB, stroke: float
) -> Image.Image:
    """The character (an RGBA crop) wearing the named accessories, each filled with `colour`
    and outlined in `ink` `stroke` pixels wide; the crop grows upward to fit a hat or bow."""
    mask = part.getchannel("A").point(lambda a: 255 if a >= 128 else 0)
    padded = ImageOps.expand(mask, border=2, fill=0)  # so the crop's edge erodes too
    grey = ImageOps.expand(ImageOps.grayscale(part.convert("RGB")), border=2, fill=255)
    inside = erode(padded, max(1, round(stroke)) + 1)
    face = measure_face(grey, inside, part.size, pad=2) or Face()
    room = round(part.height * 0.32) if {"hat", "bow"} & set(names) else 0
    canvas = Image.new("RGBA", (part.width, part.height + room), (0, 0, 0, 0))
    canvas.alpha_composite(part, (0, room))
    wearer = _Wearer(ImageDraw.Draw(canvas), mask, face, room, colour, ink, max(1, round(stroke)))
    for name in names:
        getattr(wearer, name)()
    return canvas


class _Wearer:
    """Draws accessories on one character, in canvas pixels (the character `room` pixels down)."""

    def __init__(
        self,
        draw: ImageDraw.ImageDraw,
        mask: Image.Image,
        face: Face,
        room: int,
        colour: RGB,
        ink: RGB,
        stroke: int,
    ) -> None:
        self.draw, self.mask, self.face, self.room = draw, mask, face, room
        self.colour, self.ink, self.stroke = colour, ink, stroke
        width, height = mask.size
        self.width, self.height = width, height
        self.eye_y = room + face.eye_y * height
        left, right = _extent(mask, round(face.eye_y * height))
        self.centre = (left + right) / 2
        self.head = max(right - left, width * 0.3)
        self.top = room + _column_top(mask, round(self.centre))

    def _shape(self, method: str, xy: object) -> None:
        getattr(self.draw, method)(xy, fill=self.colour, outline=self.ink, width=self.stroke)

    def hat(self) -> None:
        brim, crown = self.head * 0.45, self.head * 0.28
        thick = self.height * 0.06
        base = self.top + thick * 0.6
        self._shape(
            "rectangle", (self.centre - crown, base - self.height * 0.24, self.centre + crown, base)
        )
        self._shape(
            "rounded_rectangle", (self.centre - brim, base - thick, self.centre + brim, base)
        )

    def glasses(self) -> None:
        radius = max(self.face.eye_size * self.width * 2.6, self.width * 0.07)
        gap = max(self.face.eye_gap * self.width / 2, radius * 1.1)
        for x in (self.centre - gap, self.centre + gap):
            self.draw.ellipse(
                (x - radius, self.eye_y - radius, x + radius, self.eye_y + radius),
                outline=self.ink,
                width=self.stroke + 1,
            )
        self.draw.line(
            (self.centre - gap + radius, self.eye_y, self.centre + gap - radius, self.eye_y),
            fill=self.ink,
            width=self.stroke + 1,
        )

    def scarf(self) -> None:
        row = min(self.height - 1, round((self.face.mouth_y + 0.06) * self.height))
        left, right = _extent(self.mask, row)
        y = self.room + row
        band = self.height * 0.045
        self._shape(
            "rectangle", (left + 1, y + band * 0.6, left + (right - left) * 0.3, y + band * 4)
        )
        self._shape("rounded_rectangle", (left - 2, y - band, right + 2, y + band))

    def bow(self) -> None:
        x = self.centre + self.head * 0.22
        size = self.head * 0.2
        y = self.room + _column_top(self.mask, round(x)) - size * 0.3
        for side in (-1, 1):
            self._shape(
                "polygon",
                [(x, y), (x + side * size * 1.6, y - size), (x + side * size * 1.6, y + size)],
            )
        self._shape("ellipse", (x - size * 0.45, y - size * 0.45, x + size * 0.45, y + size * 0.45))


def _extent(mask: Image.Image, row: int) -> tuple[int, int]:
    """The first and last opaque column of a row (the whole width when it has none)."""
    row = min(max(0, row), mask.height - 1)
    box = mask.crop((0, row, mask.width, row + 1)).getbbox()
    return (box[0], box[2]) if box else (0, mask.width)


def _column_top(mask: Image.Image, column: int) -> int:
    """The first opaque row of a column (0 when it has none)."""
    column = min(max(0, column), mask.width - 1)
    box = mask.crop((column, 0, column + 1, mask.height)).getbbox()
    return box[1] if box else 0
