"""Measures of rendered pictures shared by the renderer tests: body colour and silhouettes."""

from __future__ import annotations

import itertools

from PIL import Image, ImageChops, ImageOps, ImageStat

from masko_widgets._palette import RGB, background_colour, delta_e, foreground_mask

SILHOUETTE_SIDE = 64  # silhouettes are compared with their bounding boxes scaled to this side
_INK = 90  # grey level under which a pixel is outline or face, not body fill


def body_colour(image: Image.Image) -> RGB:
    """The mean colour of the character's fill: pixels that are neither background (the
    border's colour, or transparent) nor dark outline and face marks."""
    rgba = image.convert("RGBA")
    character = foreground_mask(rgba, background_colour(rgba))
    light = ImageOps.grayscale(rgba.convert("RGB")).point(lambda v: 255 if v > _INK else 0)
    fill = ImageChops.darker(character, light)
    assert fill.getbbox() is not None, "no character fill in the picture"
    r, g, b = (round(value) for value in ImageStat.Stat(rgba.convert("RGB"), fill).mean)
    return r, g, b


def moved_share(before: RGB, after: RGB, toward: RGB) -> float:
    """How much of the distance to `toward` the colour covered going from before to after
    (Delta E in Lab): 0 = no closer, 1 = arrived."""
    start = delta_e(before, toward)
    return (start - delta_e(after, toward)) / start


def silhouette(layer: Image.Image) -> Image.Image:
    """The opaque part of a transparent image, its bounding box scaled to one size (1-bit)."""
    mask = layer.getchannel("A").point(lambda a: 255 if a >= 128 else 0)
    box = mask.getbbox()
    assert box is not None
    side = (SILHOUETTE_SIDE, SILHOUETTE_SIDE)
    return mask.crop(box).resize(side, Image.Resampling.BOX).point(lambda v: 255 if v >= 128 else 0)


def iou(first: Image.Image, second: Image.Image) -> float:
    """Intersection over union of two 0/255 masks of one size."""
    both = ImageChops.darker(first, second).histogram()[255]
    either = ImageChops.lighter(first, second).histogram()[255]
    return both / either


def iou_matrix(layers: dict[str, Image.Image]) -> dict[tuple[str, str], float]:
    """IoU of the silhouettes of every pair of named transparent images."""
    shapes = {name: silhouette(layer) for name, layer in layers.items()}
    return {(a, b): iou(shapes[a], shapes[b]) for a, b in itertools.combinations(shapes, 2)}
