"""The pictures of image and edit jobs: a pose drawn from the style card, an edited image."""

from __future__ import annotations

import re

from PIL import Image, ImageOps

from masko_widgets._palette import hex_to_rgb
from masko_widgets.local.render._accessories import ACCESSORY_WORDS, add_accessories
from masko_widgets.local.render._character import body_colour, fill_colours, prompt_card
from masko_widgets.local.render._figure import draw_figure
from masko_widgets.local.render._imaging import (
    COLOUR_WORDS,
    background_of,
    cut_out,
    flatten,
    mix,
    place,
    prompt_random,
    tint,
)
from masko_widgets.local.render._pose_words import pose_for
from masko_widgets.local.render._style_card import DEFAULT_OUTLINE, StyleCard

_BACKGROUND_LIGHTNESS = 0.86  # the background is the main colour this far toward white


def render_pose(
    prompt: str, card: StyleCard | None, size: int = 512
) -> tuple[Image.Image, Image.Image]:
    """A square pose of the character for the prompt: (image on a background, transparent image).

    The character is drawn from the style card (or, without one, from the prompt) in the pose
    the prompt names, on a light tint of its main colour. Same inputs, same pixels.
    """
    if card is None or not card.palette:
        card = prompt_card(prompt)
    layer = draw_figure(card, pose_for(prompt), size)
    background = mix(fill_colours(card)[0][0], (255, 255, 255), _BACKGROUND_LIGHTNESS)
    return flatten(layer, background), layer


def render_edit(
    source: Image.Image, instructions: str, card: StyleCard | None
) -> tuple[Image.Image, Image.Image]:
    """The source image changed as the instructions say: (image on a background, transparent).

    Understands accessories (hat, glasses, scarf, bow: a colour word colours them), colour
    words for the whole character ("make it blue"), flip/mirror, bigger/smaller and
    tilt/rotate; any other instruction gets a deterministic tint and tilt chosen from its text.
    """
    words = re.findall(r"[a-z]+", instructions.lower())
    found = set(words)
    rgba = source.convert("RGBA")
    background = background_of(rgba)
    character = cut_out(rgba)
    box = character.getchannel("A").getbbox() or (0, 0, *rgba.size)
    part = character.crop(box)
    colours = [COLOUR_WORDS[word] for word in words if word in COLOUR_WORDS]
    accessories = sorted({ACCESSORY_WORDS[word] for word in found if word in ACCESSORY_WORDS})
    scale = 1.2 if found & {"bigger", "larger", "grow"} else 1.0
    scale = 0.8 if found & {"smaller", "shrink", "tiny"} else scale
    angle = 15.0 if found & {"tilt", "lean", "rotate"} else 0.0
    flip = bool(found & {"flip", "mirror", "flipped", "mirrored"})
    if not (colours or accessories or flip or angle or scale != 1.0):
        rng = prompt_random(instructions)
        colours = [body_colour(instructions)]
        angle = rng.choice((-1, 1)) * rng.uniform(6, 12)
    if accessories:
        ink = hex_to_rgb(card.outline_colour if card else DEFAULT_OUTLINE)
        stroke = card.outline_share * part.height if card and card.outline else part.height / 60
        worn = colours[0] if colours else body_colour(instructions + "#accessory")
        part = add_accessories(part, accessories, worn, ink, max(2.0, stroke))
    elif colours:
        part = tint(part, colours[0])
    if flip:
        part = ImageOps.mirror(part)
    if scale != 1.0:
        part = part.resize(
            (max(1, round(part.width * scale)), max(1, round(part.height * scale))),
            Image.Resampling.BICUBIC,
        )
    if angle:
        part = part.rotate(angle, Image.Resampling.BICUBIC, expand=True)
    layer = place(part, rgba.size, (box[0] + box[2]) / 2, box[3])
    return flatten(layer, background), layer
