"""Poses drawn from the style card: every part of the card and every pose word shows."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import subprocess
import sys

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageOps

from masko_widgets._palette import delta_e, dominant_palette, hex_to_rgb, palette_distance
from masko_widgets.local.render._imaging import png_bytes
from masko_widgets.local.render._pictures import render_pose
from masko_widgets.local.render._pose_words import POSES, pose_for
from masko_widgets.local.render._style_card import Face, StyleCard, extract_style_card
from tests.local.measure import body_colour, iou, iou_matrix, moved_share, silhouette

ORANGE, PURPLE = (240, 120, 40), (140, 60, 200)
THE_TWELVE = [
    "waving",
    "jumping",
    "sitting",
    "running",
    "sleeping",
    "thumbs up",
    "pointing",
    "cheering",
    "thinking",
    "surprised",
    "peeking",
    "dancing",
]


def reference(make_png, colour=ORANGE, size=(256, 256)) -> Image.Image:
    return Image.open(io.BytesIO(make_png(color=colour, size=size)))


@pytest.fixture(scope="module")
def card() -> StyleCard:
    from tests.conftest import draw_character

    images = [Image.open(io.BytesIO(draw_character(color=ORANGE)))]
    return extract_style_card(images)


def test_pose_sizes_and_modes(card):
    flat, transparent = render_pose("waving hello", card, size=200)

    assert (flat.mode, flat.size) == ("RGB", (200, 200))
    assert (transparent.mode, transparent.size) == ("RGBA", (200, 200))
    assert transparent.getpixel((0, 0))[3] == 0
    box = transparent.getchannel("A").getbbox()
    assert box is not None and (box[2] - box[0]) * (box[3] - box[1]) > 200 * 200 / 8


def test_pose_is_the_transparent_image_on_a_plain_background(card):
    flat, transparent = render_pose("sitting", card, size=128)

    background = Image.new("RGBA", flat.size, (*flat.getpixel((0, 0)), 255))
    background.alpha_composite(transparent)
    assert background.convert("RGB").tobytes() == flat.tobytes()


def test_pose_keeps_the_cards_colours(card):
    _, transparent = render_pose("jumping", card, size=256)

    posed = dominant_palette(transparent)
    assert delta_e(hex_to_rgb(posed[0][0]), ORANGE) < 3
    assert palette_distance(posed, card.palette) < 20


def test_same_inputs_same_pixels(card):
    first = render_pose("waving hello", card, size=128)
    again = render_pose("waving hello", card, size=128)

    assert png_bytes(first[0]) == png_bytes(again[0])
    assert png_bytes(first[1]) == png_bytes(again[1])


def test_pose_pixels_do_not_depend_on_the_process_hash_seed():
    script = (
        "import hashlib; from masko_widgets.local.render._pictures import render_pose;"
        "from masko_widgets.local.render._imaging import png_bytes;"
        "print(hashlib.sha256(png_bytes(render_pose('a teal robot', None, 64)[0])).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PYTHONPATH": "."},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    here = hashlib.sha256(png_bytes(render_pose("a teal robot", None, 64)[0])).hexdigest()
    assert digests == {here}


def test_twelve_pose_words_give_clearly_different_silhouettes(card):
    layers = {word: render_pose(word, card, size=256)[1] for word in THE_TWELVE}

    matrix = iou_matrix(layers)

    assert len(matrix) == 66
    worst = max(matrix, key=matrix.get)
    assert matrix[worst] < 0.85, f"{worst} overlap {matrix[worst]:.2f}"


@pytest.mark.parametrize(
    ("name", "prompts"),
    [
        ("waving", ["wave", "waves hello", "the mascot waving", "Waving!"]),
        ("thumbs up", ["thumbs up", "gives a thumb up", "approves"]),
        ("sleeping", ["asleep", "taking a nap", "snoozing on the couch"]),
        ("cheering", ["celebrates", "cheering", "hooray"]),
        ("peeking", ["peeks out", "hiding", "shy"]),
    ],
)
def test_synonyms_name_the_same_pose(card, name, prompts):
    expected = render_pose(name, card, size=96)[1].tobytes()
    for prompt in prompts:
        assert pose_for(prompt).name == name
        assert render_pose(prompt, card, size=96)[1].tobytes() == expected


def test_a_misspelt_pose_word_finds_the_nearest(card):
    assert pose_for("wavving at the crowd").name == "waving"
    assert pose_for("sleepping").name == "sleeping"
    assert (
        render_pose("dancng", card, 96)[1].tobytes()
        == render_pose("dancing", card, 96)[1].tobytes()
    )


def test_other_prompts_get_a_hashed_variant_deterministically(card):
    first = pose_for("the mascot in a space suit")

    assert first == pose_for("the mascot in a space suit")
    assert first not in POSES.values()  # a variant: limbs and tilt moved by the hash
    assert first.name in POSES
    variants = {pose_for(f"prompt number {index}") for index in range(8)}
    assert len(variants) == 8


def test_every_reference_shapes_the_palette_of_the_next_pose(make_png):
    orange = [reference(make_png, ORANGE), reference(make_png, (232, 108, 48))]
    purple = reference(make_png, PURPLE)

    before = body_colour(render_pose("waving", extract_style_card(orange))[0])
    after = body_colour(render_pose("waving", extract_style_card([*orange, purple]))[0])
    again = render_pose("waving", extract_style_card(orange))[0]

    assert moved_share(before, after, PURPLE) > 0.2
    assert body_colour(again) == before


def test_the_palette_is_drawn_in_proportion_to_its_shares(card):
    two = dataclasses.replace(card, palette=(("#f07828", 0.5), ("#3c5adc", 0.4), ("#141414", 0.1)))

    _, transparent = render_pose("standing", two, size=256)

    shares = dict(dominant_palette(transparent))
    assert shares["#f07828"] == pytest.approx(shares["#3c5adc"] * 5 / 4, rel=0.25)


def test_the_silhouette_comes_from_the_card(card):
    boxy = dataclasses.replace(card, silhouette=(1.0,) * len(card.silhouette))

    round_shape = silhouette(render_pose("standing", card, size=256)[1])
    box_shape = silhouette(render_pose("standing", boxy, size=256)[1])

    assert iou(round_shape, box_shape) < 0.9
    assert box_shape.histogram()[255] > round_shape.histogram()[255]


def test_the_outline_colour_and_width_come_from_the_card(card):
    blue_ink = dataclasses.replace(card, outline_colour="#1e28a0")
    bare = dataclasses.replace(card, outline=False, outline_width=0, outline_share=0.0)

    inked = dominant_palette(render_pose("standing", blue_ink, size=256)[1])
    plain = dominant_palette(render_pose("standing", bare, size=256)[1])
    thick = dataclasses.replace(card, outline_share=card.outline_share * 3)
    heavy = dominant_palette(render_pose("standing", thick, size=256)[1])

    assert any(delta_e(hex_to_rgb(colour), (30, 40, 160)) < 8 for colour, _ in inked)
    ink = dict(dominant_palette(render_pose("standing", card, size=256)[1]))["#141414"]
    assert dict(heavy)["#141414"] > ink * 1.5
    assert dict(plain).get("#141414", 0) < ink / 2  # only the face is left dark


def test_the_face_sits_where_the_card_says(card):
    def eye_row(face: Face) -> int:
        _, layer = render_pose("standing", dataclasses.replace(card, face=face), size=256)
        grey = ImageOps.grayscale(layer.convert("RGB"))
        inside = layer.getchannel("A").filter(ImageFilter.MinFilter(13))  # the outline is gone
        marks = ImageChops.darker(grey.point(lambda v: 255 if v < 90 else 0), inside)
        return marks.crop((108, 0, 148, 256)).getbbox()[1]  # middle columns: eyes and mouth

    assert eye_row(Face(eye_y=0.5, mouth_y=0.7)) - eye_row(Face(eye_y=0.25, mouth_y=0.7)) > 20


def test_without_references_a_character_is_drawn_from_the_prompt():
    _, red = render_pose("a red fox", None, size=128)
    _, unnamed = render_pose("a friendly mascot", None, size=128)

    assert hex_to_rgb(dominant_palette(red)[0][0]) == (220, 50, 47)
    assert dominant_palette(unnamed)[0][0] != dominant_palette(red)[0][0]
