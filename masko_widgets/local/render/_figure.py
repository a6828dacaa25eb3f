"""Drawing the character of a style card in a pose: body, limbs and face in the card's
outline style, then the pose's props. Same card and pose, same pixels."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PIL import Image, ImageChops, ImageDraw

from masko_widgets._palette import RGB, hex_to_rgb
from masko_widgets.local.render._character import fill_colours
from masko_widgets.local.render._imaging import crop_to_content, place
from masko_widgets.local.render._pose_words import Limb, Pose
from masko_widgets.local.render._props import Point, disc, draw_props
from masko_widgets.local.render._style_card import StyleCard

_SUPERSAMPLE = 2  # drawn at twice the size, then reduced: smooth edges
_BODY = 0.44  # body height as a share of the canvas side, before the pose's stretch
_MAX_WIDTH = 0.6  # a wide body is shrunk to at most this share of the side
_PROPS_ROOM = 0.7  # room around the figure for its props, in body heights
_SHADOW_ALPHA = 22  # light enough that a flattened shadow still counts as background


def draw_figure(card: StyleCard, pose: Pose, size: int) -> Image.Image:
    """The character in the pose on a transparent size x size canvas, standing near the bottom
    (lifted by the pose), with its props and a faint ground shadow."""
    unit = _BODY * size * _SUPERSAMPLE
    unit *= min(1.0, _MAX_WIDTH / _BODY / max(card.proportions, 0.1))
    body = _Body(card, pose, unit)
    canvas = Image.new("RGBA", (round(2.6 * unit), round(2.6 * unit)), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    centre = (canvas.width / 2, canvas.height / 2)
    body.draw(draw, canvas, centre)
    figure = crop_to_content(canvas).convert("RGBa")  # premultiplied: no dark fringes
    if pose.tilt:
        figure = figure.rotate(pose.tilt, Image.Resampling.BICUBIC, expand=True)
    figure = figure.convert("RGBA")
    margin = round(_PROPS_ROOM * unit)
    staged = Image.new("RGBA", (figure.width + 2 * margin, figure.height + 2 * margin))
    staged.paste(figure, (margin, margin))  # onto transparency: the same as compositing
    x0, y0, x1, y1 = figure.getbbox(alpha_only=True) or (0, 0, *figure.size)
    box = (x0 + margin, y0 + margin, x1 + margin, y1 + margin)
    draw_props(ImageDraw.Draw(staged), pose.props, box, unit, body.outline, body.line)
    figure = crop_to_content(staged).convert("RGBa").reduce(_SUPERSAMPLE)
    ground = size * (0.95 - pose.lift)
    limit = (round(size * 0.96), round(ground - size * 0.02))
    if figure.width > limit[0] or figure.height > limit[1]:
        figure.thumbnail(limit, Image.Resampling.LANCZOS)
    figure = figure.convert("RGBA")
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    if "shadow" in pose.props:
        width = figure.width * 0.42
        ImageDraw.Draw(layer).ellipse(
            (size / 2 - width, size * 0.93, size / 2 + width, size * 0.97),
            fill=(*body.outline, _SHADOW_ALPHA),
        )
    layer.alpha_composite(place(figure, (size, size), size / 2, ground))
    return layer


class _Body:
    """The body of one card in one pose, measured in canvas pixels of the supersampled figure."""

    def __init__(self, card: StyleCard, pose: Pose, unit: float) -> None:
        self.card, self.pose, self.unit = card, pose, unit
        self.height = unit * pose.stretch
        self.width = unit * card.proportions / math.sqrt(pose.stretch)
        self.fills = fill_colours(card)
        self.outline: RGB = hex_to_rgb(card.outline_colour)
        share = card.outline_share if card.outline else 0.0
        self.stroke = min(max(share * self.height, 1.5 * _SUPERSAMPLE), 0.06 * unit) if share else 0
        self.line = max(self.stroke * 0.9, 0.018 * unit)

    def half_width(self, t: float) -> float:
        """Half the body's width at height share t (0 top, 1 bottom), from the silhouette."""
        rows = self.card.silhouette
        count = len(rows)
        position = t * count - 0.5
        if position <= 0:  # round off the top and bottom half rows
            value = rows[0] * (0.35 + 0.65 * math.sqrt(max(0.0, 2 * t * count)))
        elif position >= count - 1:
            value = rows[-1] * (0.35 + 0.65 * math.sqrt(max(0.0, 2 * (1 - t) * count)))
        else:
            low = math.floor(position)
            value = rows[low] + (rows[low + 1] - rows[low]) * (position - low)
        return max(0.05, value) * self.width / 2

    def draw(self, draw: ImageDraw.ImageDraw, canvas: Image.Image, centre: Point) -> None:
        cx, cy = centre
        top = cy - self.height / 2
        pose = self.pose
        bands = self._bands()
        if pose.shown >= 1:
            hip = self.half_width(0.9) * 0.55
            for side, leg in zip((-1, 1), pose.legs, strict=True):
                start = (cx + side * max(hip, 0.1 * self.unit), top + 0.88 * self.height)
                self._limb(draw, start, side, leg, 0.15, 0.12, 0.075, bands[-1][0], "foot")
        outline = [(cx + self.half_width(t), top + t * self.height) for t in _STEPS]
        outline += [(cx - x + cx, y) for x, y in reversed(outline)]
        if self.stroke:
            draw.line([*outline, outline[0]], fill=self.outline, width=round(2 * self.stroke))
            draw.polygon(outline, fill=self.outline)
        canvas.paste(*self._fill(outline, top, bands))
        self._face(draw, cx, top)
        if pose.shown < 1:
            self._ledge(draw, canvas, cx, top, bands)
            return
        shoulder_t = 0.58
        shoulder = self.half_width(shoulder_t) * 0.88
        colour = bands[0][0]
        for side, arm, hand in zip((-1, 1), pose.arms, pose.hands, strict=True):
            start = (cx + side * shoulder, top + shoulder_t * self.height)
            self._limb(draw, start, side, arm, 0.2, 0.1, 0.07, colour, hand)

    def _fill(
        self, outline: Sequence[Point], top: float, bands: Sequence[tuple[RGB, float, float]]
    ) -> tuple[Image.Image, tuple[int, int], Image.Image]:
        """The body's banded (and shaded) fill inside its outline, drawn on the outline's
        bounding box only: (fill, where it goes on the canvas, mask)."""
        left = math.floor(min(x for x, _ in outline)) - 2
        upper = math.floor(min(y for _, y in outline)) - 2
        size = (
            math.ceil(max(x for x, _ in outline)) + 3 - left,
            math.ceil(max(y for _, y in outline)) + 3 - upper,
        )
        mask = Image.new("L", size, 0)
        ImageDraw.Draw(mask).polygon([(x - left, y - upper) for x, y in outline], fill=255)
        fill = Image.new("RGB", size, bands[0][0])
        fill_draw = ImageDraw.Draw(fill)
        for colour, start, stop in bands:
            fill_draw.rectangle(
                (
                    0,
                    top + start * self.height - upper,
                    size[0],
                    top + stop * self.height + 1 - upper,
                ),
                fill=colour,
            )
        if self.card.shading == "gradient":
            ramp = Image.linear_gradient("L").resize((size[0], round(self.height)))
            shade = Image.new("L", size, 255)
            shade.paste(ramp.point(_SHADE), (0, round(top) - upper))
            fill = ImageChops.multiply(fill, shade.convert("RGB"))
        return fill, (left, upper), mask

    def _bands(self) -> list[tuple[RGB, float, float]]:
        """(colour, top, bottom) height shares of the fill colours, biggest share on top; each
        band covers its colour's share of the body's area."""
        areas = [self.half_width(t) for t in _STEPS]
        total = sum(areas)
        cumulative, running = [], 0.0
        for area in areas:
            running += area / total
            cumulative.append(running)
        bands, start, reached = [], 0.0, 0.0
        for colour, share in self.fills:
            reached += share
            index = next(
                (i for i, c in enumerate(cumulative) if c >= reached - 1e-9), len(_STEPS) - 1
            )
            stop = _STEPS[index] if reached < 1 - 1e-9 else 1.0
            bands.append((colour, start, stop))
            start = stop
        return bands

    def _limb(
        self,
        draw: ImageDraw.ImageDraw,
        start: Point,
        side: int,
        limb: Limb,
        segment: float,
        thickness: float,
        end_radius: float,
        colour: RGB,
        end: str,
    ) -> None:
        """A two-segment limb from start, with a hand or foot, outlined like the body."""
        length = segment * self.unit * limb.length
        joint = _step(start, side, limb.angle, length)
        tip = _step(joint, side, limb.angle + limb.bend, length)
        width = thickness * self.unit
        radius = end_radius * self.unit
        for grow, paint in ((self.stroke, self.outline), (0.0, colour)):
            if paint == self.outline and not self.stroke:
                continue
            draw.line([start, joint, tip], fill=paint, width=round(width + 2 * grow), joint="curve")
            disc(draw, start, width / 2 + grow, paint)
            disc(draw, joint, width / 2 + grow, paint)
            if end == "foot":
                x, y = tip
                draw.ellipse(
                    (
                        x - 1.35 * radius - grow,
                        y - 0.8 * radius - grow,
                        x + 1.35 * radius + grow,
                        y + 0.8 * radius + grow,
                    ),
                    fill=paint,
                )
            else:
                disc(draw, tip, radius + grow, paint)
            if end in ("thumb", "point"):
                toward = (0.0, -1.0) if end == "thumb" else _direction(side, limb.angle + limb.bend)
                finger = (tip[0] + toward[0] * radius * 1.5, tip[1] + toward[1] * radius * 1.5)
                draw.line([tip, finger], fill=paint, width=round(radius * 0.8 + 2 * grow))
                disc(draw, finger, radius * 0.4 + grow, paint)

    def _face(self, draw: ImageDraw.ImageDraw, cx: float, top: float) -> None:
        face, pose = self.card.face, self.pose
        radius = max(face.eye_size * self.width, 0.03 * self.unit)
        eye_y = top + face.eye_y * self.height
        gap = max(face.eye_gap * self.width / 2, radius * 1.6)
        ink, line = self.outline, round(self.line)
        for x in (cx - gap, cx + gap):
            if pose.eyes in ("closed", "happy"):
                box = (x - radius * 1.2, eye_y - radius, x + radius * 1.2, eye_y + radius)
                start, stop = (20, 160) if pose.eyes == "closed" else (200, 340)
                draw.arc(box, start, stop, fill=ink, width=line)
            elif pose.eyes == "side":
                shift = radius * 0.45
                draw.ellipse(
                    (
                        x + shift - radius * 0.8,
                        eye_y - radius,
                        x + shift + radius * 0.8,
                        eye_y + radius,
                    ),
                    fill=ink,
                )
            else:
                grow = 1.35 if pose.eyes == "wide" else 1.0
                draw.ellipse(
                    (
                        x - radius * grow,
                        eye_y - radius * grow,
                        x + radius * grow,
                        eye_y + radius * grow,
                    ),
                    fill=ink,
                )
        mouth_y = top + face.mouth_y * self.height
        half = max(0.09 * self.width, radius * 1.5)
        if pose.mouth == "open":
            draw.pieslice(
                (cx - half, mouth_y - half * 0.7, cx + half, mouth_y + half * 0.7), 0, 180, fill=ink
            )
        elif pose.mouth == "o":
            draw.ellipse(
                (cx - radius, mouth_y - radius * 1.2, cx + radius, mouth_y + radius * 1.2), fill=ink
            )
        elif pose.mouth == "flat":
            draw.line((cx - half * 0.7, mouth_y, cx + half * 0.7, mouth_y), fill=ink, width=line)
        else:
            draw.arc(
                (cx - half, mouth_y - half * 0.6, cx + half, mouth_y + half * 0.4),
                20,
                160,
                fill=ink,
                width=line,
            )

    def _ledge(
        self,
        draw: ImageDraw.ImageDraw,
        canvas: Image.Image,
        cx: float,
        top: float,
        bands: Sequence[tuple[RGB, float, float]],
    ) -> None:
        """Peeking: the body below the ledge is hidden, two hands grip the ledge."""
        ledge = top + self.pose.shown * self.height
        canvas.paste((0, 0, 0, 0), (0, round(ledge), canvas.width, canvas.height))
        thickness = max(self.stroke, 0.03 * self.unit)
        span = self.width * 0.85
        draw.rectangle(
            (cx - span, ledge - thickness / 2, cx + span, ledge + thickness / 2), fill=self.outline
        )
        radius = 0.075 * self.unit
        colour = next(c for c, start, stop in bands if stop >= self.pose.shown)
        for side in (-1, 1):
            hand = (cx + side * self.width * 0.32, ledge - radius * 0.6)
            if self.stroke:
                disc(draw, hand, radius + self.stroke, self.outline)
            disc(draw, hand, radius, colour)


_STEPS = [index / 40 for index in range(41)]
_SHADE = [255 - value // 5 for value in range(256)]  # the gradient's darkening, top to bottom


def _direction(side: int, angle: float) -> Point:
    radians = math.radians(angle)
    return side * math.sin(radians), math.cos(radians)


def _step(point: Point, side: int, angle: float, length: float) -> Point:
    dx, dy = _direction(side, angle)
    return point[0] + dx * length, point[1] + dy * length
