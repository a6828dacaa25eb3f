"""The props a pose draws around the figure, in the outline colour: motion and speed lines,
"z z", a thought bubble, sparkles, alarm marks and music notes."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import ImageDraw

from masko_widgets._palette import RGB

Point = tuple[float, float]


def disc(draw: ImageDraw.ImageDraw, centre: Point, radius: float, colour: RGB) -> None:
    """A filled circle."""
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)


def draw_props(
    draw: ImageDraw.ImageDraw,
    props: Sequence[str],
    box: tuple[int, int, int, int],
    unit: float,
    ink: RGB,
    line: float,
) -> None:
    """The pose's props around the figure's box, in the outline colour."""
    x0, y0, x1, y1 = box
    u = unit * 0.1
    width = round(line)
    cx = (x0 + x1) / 2
    if "motion" in props:
        for radius in (1.2 * u, 2.0 * u):
            centre = (x1 - 0.6 * u, y0 + 1.0 * u)
            draw.arc(_around(centre, radius), 280, 350, fill=ink, width=width)
            draw.arc(_around((x0 + 0.6 * u, y0 + 1.0 * u), radius), 190, 260, fill=ink, width=width)
    if "speed" in props:
        for share in (0.35, 0.55, 0.75):
            y = y0 + (y1 - y0) * share
            draw.line((x0 - 2.6 * u, y, x0 - 0.6 * u, y), fill=ink, width=width)
    if "zz" in props:
        for index, scale in enumerate((0.8, 1.2, 1.6)):
            left, top = x0 + (0.4 + 1.5 * index) * u, y0 - (1.2 + 1.6 * index) * u
            side = scale * u
            draw.line(
                [(left, top), (left + side, top), (left, top + side), (left + side, top + side)],
                fill=ink,
                width=width,
            )
    if "bubble" in props:
        for step, radius in ((0, 0.25), (1, 0.45), (2, 1.1)):
            centre = (x1 + (0.2 + 0.9 * step) * u, y0 - (0.1 + 1.1 * step) * u)
            draw.ellipse(_around(centre, radius * u), outline=ink, width=width)
    if "sparkle" in props:
        for x, y in ((x0 - 0.8 * u, y0 + 0.8 * u), (x1 + 0.8 * u, y0 + 0.2 * u)):
            draw.line((x - 0.7 * u, y, x + 0.7 * u, y), fill=ink, width=width)
            draw.line((x, y - 0.7 * u, x, y + 0.7 * u), fill=ink, width=width)
    if "alarm" in props:
        for x in (cx - 0.9 * u, cx + 0.9 * u):
            draw.line((x, y0 - 2.8 * u, x, y0 - 1.4 * u), fill=ink, width=round(line * 1.4))
            disc(draw, (x, y0 - 0.8 * u), line, ink)
    if "notes" in props:
        for x, y in ((x0 - 1.2 * u, y0 + 1.6 * u), (x1 + 1.0 * u, y0 + 0.4 * u)):
            draw.ellipse((x - 0.45 * u, y - 0.3 * u, x + 0.45 * u, y + 0.3 * u), fill=ink)
            draw.line((x + 0.4 * u, y, x + 0.4 * u, y - 1.5 * u), fill=ink, width=width)
            draw.line((x + 0.4 * u, y - 1.5 * u, x + 1.0 * u, y - 1.0 * u), fill=ink, width=width)


def _around(centre: Point, radius: float) -> tuple[float, float, float, float]:
    x, y = centre
    return x - radius, y - radius, x + radius, y + radius
