"""The character model the renderer draws: a style card's fill colours, or a card from a prompt
when a collection has no references."""

from __future__ import annotations

import colorsys
import math
import re
from collections.abc import Callable

from masko_widgets._palette import RGB, delta_e, hex_to_rgb, rgb_to_hex
from masko_widgets.local.render._imaging import COLOUR_WORDS, prompt_random
from masko_widgets.local.render._style_card import SILHOUETTE_ROWS, StyleCard

_OUTLINE_LIKE = 18.0  # Delta E within which a palette colour is the outline's, not a fill
_SHAPES: dict[str, Callable[[float], float]] = {
    "round": lambda y: math.sqrt(max(0.0, 1 - (2 * y - 1) ** 2)),
    "pear": lambda y: 0.45 + 0.55 * math.sqrt(max(0.0, 1 - (1.1 * (1 - y)) ** 2)),
    "box": lambda y: 0.8 + 0.2 * math.sqrt(max(0.0, 1 - (2 * y - 1) ** 4)),
}
_PROMPT_OUTLINE_SHARE = 0.022  # outline width / height of a character drawn from a prompt


def fill_colours(card: StyleCard) -> list[tuple[RGB, float]]:
    """The palette's colours that fill the body, with shares summing to 1: every colour but
    the outline's and the face's (those like the outline colour), unless that leaves none (a
    dark character). A card without colours fills grey."""
    outline = hex_to_rgb(card.outline_colour)
    colours = [(hex_to_rgb(colour), share) for colour, share in card.palette]
    fills = [entry for entry in colours if delta_e(entry[0], outline) >= _OUTLINE_LIKE] or colours
    total = sum(share for _, share in fills)
    if not fills or total <= 0:
        return [((150, 150, 155), 1.0)]
    return [(colour, share / total) for colour, share in fills]


def body_colour(prompt: str, card: StyleCard | None = None) -> RGB:
    """The card's main fill colour, else a colour named in the prompt, else a saturated colour
    chosen by the prompt's hash."""
    if card is not None and card.palette:
        return fill_colours(card)[0][0]
    for word in re.findall(r"[a-z]+", prompt.lower()):
        if word in COLOUR_WORDS:
            return COLOUR_WORDS[word]
    hue = prompt_random(prompt + "#colour").random()
    r, g, b = colorsys.hsv_to_rgb(hue, 0.68, 0.93)
    return round(r * 255), round(g * 255), round(b * 255)


def prompt_card(prompt: str) -> StyleCard:
    """The card of a character drawn from the prompt alone: its colour (a named colour, else
    one chosen by its hash), a dark outline, and a body shape and proportions chosen by the
    hash."""
    rng = prompt_random(prompt + "#shape")
    shape = _SHAPES[rng.choice(sorted(_SHAPES))]
    return StyleCard(
        palette=((rgb_to_hex(body_colour(prompt)), 1.0),),
        proportions=round(rng.uniform(0.7, 1.0), 2),
        outline=True,
        outline_width=0,
        shading="flat",
        outline_share=_PROMPT_OUTLINE_SHARE,
        silhouette=tuple(
            round(shape((row + 0.5) / SILHOUETTE_ROWS), 2) for row in range(SILHOUETTE_ROWS)
        ),
    )
