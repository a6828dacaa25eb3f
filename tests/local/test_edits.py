"""Edits of a pose: colour words, flip, size, tilt and accessories drawn in the outline style."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat

from masko_widgets._palette import delta_e, dominant_palette, hex_to_rgb
from masko_widgets.local.render._pictures import render_edit, render_pose
from masko_widgets.local.render._style_card import StyleCard, extract_style_card

RED = (220, 50, 47)


@pytest.fixture(scope="module")
def card() -> StyleCard:
    from tests.conftest import draw_character

    return extract_style_card([Image.open(io.BytesIO(draw_character(color=(240, 120, 40))))])


@pytest.fixture(scope="module")
def pose(card) -> tuple[Image.Image, Image.Image]:
    return render_pose("standing", card, size=256)


def opaque_box(layer: Image.Image) -> tuple[int, int, int, int]:
    box = layer.getchannel("A").point(lambda a: 255 if a >= 128 else 0).getbbox()
    assert box is not None
    return box


def share_near(layer: Image.Image, colour: tuple[int, int, int]) -> float:
    """The share of the character's pixels within Delta E 10 of the colour."""
    return sum(
        share
        for found, share in dominant_palette(layer, colors=8)
        if delta_e(hex_to_rgb(found), colour) < 10
    )


def test_edit_recolours_by_colour_word(pose, card):
    edited, transparent = render_edit(pose[0], "make it blue", card)

    assert edited.size == pose[0].size
    red, _, blue = hex_to_rgb(dominant_palette(transparent)[0][0])
    assert blue > 150 and red < 100


def on_white(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    canvas = Image.new("RGBA", image.size, (255, 255, 255, 255))
    canvas.alpha_composite(image)
    return canvas.convert("RGB").resize(size, Image.Resampling.BOX)


def test_edit_flip_mirrors_the_character(pose, card):
    flat, transparent = render_pose("pointing", card, size=256)

    _, flipped = render_edit(flat, "flip it", card)

    before = transparent.crop(opaque_box(transparent))
    after = flipped.crop(opaque_box(flipped))
    assert abs(after.width - before.width) <= 2 and abs(after.height - before.height) <= 2
    small = (before.width // 4, before.height // 4)

    def mean_difference(image: Image.Image) -> float:
        difference = ImageChops.difference(on_white(image, small), on_white(after, small))
        return max(ImageStat.Stat(difference).mean)

    assert mean_difference(ImageOps.mirror(before)) < 8
    assert mean_difference(before) > 3 * mean_difference(ImageOps.mirror(before))


@pytest.mark.parametrize(("words", "factor"), [("make it bigger", 1.2), ("smaller please", 0.8)])
def test_edit_size_words_scale_the_character(pose, card, words, factor):
    _, resized = render_edit(pose[0], words, card)

    before, after = opaque_box(pose[1]), opaque_box(resized)
    assert (after[3] - after[1]) / (before[3] - before[1]) == pytest.approx(factor, abs=0.05)


def test_edit_tilt_turns_the_character(pose, card):
    _, tilted = render_edit(pose[0], "tilt to the side", card)

    def head_x(layer: Image.Image) -> int:
        top = opaque_box(layer)[1]
        return opaque_box(layer.crop((0, top, layer.width, top + 3)))[0]

    assert abs(head_x(tilted) - head_x(pose[1])) > 8


def test_unrecognised_edit_still_changes_the_image_deterministically(pose, card):
    first, _ = render_edit(pose[0], "make it fancier", card)
    again, _ = render_edit(pose[0], "make it fancier", card)

    assert first.tobytes() == again.tobytes()
    assert first.tobytes() != pose[0].tobytes()


def test_a_red_scarf_is_red_and_the_body_keeps_its_colour(pose, card):
    _, scarfed = render_edit(pose[0], "add a red scarf", card)

    assert share_near(pose[1], RED) == 0
    assert share_near(scarfed, RED) > 0.04
    assert delta_e(hex_to_rgb(dominant_palette(scarfed)[0][0]), (240, 120, 40)) < 3
    assert opaque_box(scarfed)[1] == pytest.approx(opaque_box(pose[1])[1], abs=1)


@pytest.mark.parametrize("words", ["put a blue hat on", "add a pink bow"])
def test_a_hat_or_bow_sits_on_top_of_the_head(pose, card, words):
    colour = (50, 110, 220) if "blue" in words else (240, 120, 170)

    _, dressed = render_edit(pose[0], words, card)

    before, after = opaque_box(pose[1]), opaque_box(dressed)
    assert after[1] < before[1] - 10  # it sticks out above the head
    top = dressed.crop((0, 0, dressed.width, before[1] + 5))
    assert share_near(top, colour) > 0.2


def test_glasses_ring_the_eyes_in_the_outline_colour(pose, card):
    _, wearing = render_edit(pose[0], "give it glasses", card)

    def dark(layer: Image.Image) -> int:
        grey = ImageOps.grayscale(layer.convert("RGB")).point(lambda v: 255 if v < 60 else 0)
        return ImageChops.darker(grey, layer.getchannel("A")).histogram()[255]

    assert dark(wearing) > dark(pose[1]) * 1.15
    assert opaque_box(wearing) == opaque_box(pose[1])
