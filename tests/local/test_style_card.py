"""Style cards measured from synthetic characters whose colours, outline and shape are known."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from masko_widgets._palette import delta_e, hex_to_rgb
from masko_widgets.local.render._style_card import Face, StyleCard, extract_style_card, with_hints

ORANGE = (240, 120, 40)
BLUE = (40, 90, 220)
OUTLINE = (20, 20, 20)


def character(
    body: tuple[int, int, int] = ORANGE,
    *,
    size: tuple[int, int] = (256, 256),
    box: tuple[int, int, int, int] = (64, 32, 192, 224),
    outline: int = 6,
    gradient: bool = False,
    shape: str = "ellipse",
    transparent: bool = False,
) -> Image.Image:
    """An ellipse or rectangle character filling `box`, flat or shaded top to bottom."""
    image = Image.new("RGBA", size, (245, 245, 240, 0 if transparent else 255))
    mask = Image.new("L", size, 0)
    getattr(ImageDraw.Draw(mask), shape)(box, fill=255)
    if gradient:
        ramp = Image.linear_gradient("L").resize(size)
        channels = [ramp.point(lambda v, c=c: round(c * (0.45 + 0.55 * v / 255))) for c in body]
        fill = Image.merge("RGB", channels)
    else:
        fill = Image.new("RGB", size, body)
    image.paste(fill, mask=mask)
    if outline:
        getattr(ImageDraw.Draw(image), shape)(box, outline=OUTLINE, width=outline)
    return image if transparent else image.convert("RGB")


def as_jpeg(image: Image.Image) -> Image.Image:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return Image.open(io.BytesIO(out.getvalue()))


def test_flat_outlined_character():
    card = extract_style_card([character()])

    assert [colour for colour, _ in card.palette] == ["#f07828", "#141414"]
    assert card.palette[0][1] > 0.8
    assert card.proportions == pytest.approx(129 / 193, abs=0.01)
    assert (card.outline, card.outline_width, card.shading) == (True, 6, "flat")


@pytest.mark.parametrize("width", [2, 3, 6, 10])
def test_outline_width(width):
    card = extract_style_card([character(outline=width)])
    assert card.outline
    assert abs(card.outline_width - width) <= 1


def test_outline_width_is_in_reference_pixels_for_large_references():
    card = extract_style_card([character(size=(1024, 1024), box=(256, 128, 768, 896), outline=24)])
    assert abs(card.outline_width - 24) <= 2


@pytest.mark.parametrize(
    "image",
    [character(outline=0), character(body=(30, 30, 35), outline=0)],
    ids=["light-body", "dark-body"],
)
def test_no_outline(image):
    card = extract_style_card([image])
    assert (card.outline, card.outline_width) == (False, 0)


@pytest.mark.parametrize(
    ("shape", "box", "ratio"),
    [
        ("ellipse", (64, 32, 192, 224), 129 / 193),
        ("rectangle", (40, 80, 216, 200), 177 / 121),
        ("rectangle", (60, 60, 196, 196), 1.0),
    ],
)
def test_proportions(shape, box, ratio):
    card = extract_style_card([character(shape=shape, box=box, outline=4)])
    assert card.proportions == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize(
    ("image", "shading"),
    [
        (character(), "flat"),
        (character(outline=0), "flat"),
        (as_jpeg(character()), "flat"),
        (character(gradient=True), "gradient"),
        (character(gradient=True, outline=0), "gradient"),
        (as_jpeg(character(gradient=True)), "gradient"),
    ],
    ids=["flat", "flat-bare", "flat-jpeg", "gradient", "gradient-bare", "gradient-jpeg"],
)
def test_shading(image, shading):
    assert extract_style_card([image]).shading == shading


def test_transparent_reference_gives_the_same_card_as_a_plain_background():
    assert extract_style_card([character(transparent=True)]) == extract_style_card([character()])


def test_palette_covers_all_references():
    card = extract_style_card([character(ORANGE), character(BLUE)])

    shares = {colour: share for colour, share in card.palette}
    assert set(shares) == {"#f07828", "#285adc", "#141414"}
    assert shares["#f07828"] == pytest.approx(shares["#285adc"], abs=0.02)
    assert sum(shares.values()) == pytest.approx(1.0, abs=0.005)


def test_jpeg_reference_keeps_its_main_colour():
    card = extract_style_card([as_jpeg(character())])
    assert delta_e(hex_to_rgb(card.palette[0][0]), ORANGE) < 3


def test_same_references_same_card_and_text():
    references = [character(), character(BLUE, outline=3)]
    first, again = extract_style_card(references), extract_style_card(list(references))
    assert first == again
    assert first.to_text() == again.to_text()


def test_to_text():
    card = StyleCard((("#f07828", 0.54), ("#141414", 0.46)), 0.62, True, 4, "flat", "#141414", 0.02)
    assert card.to_text() == (
        "Palette: #f07828 54%, #141414 46% · Proportions: 0.62 (tall)"
        " · Silhouette: round, widest at 46% · Outline: #141414, 4 px"
        " · Eyes: 36% down, 30% apart · Mouth: 52% down · Shading: flat"
    )
    plain = StyleCard(
        (("#285adc", 1.0),), 1.4, False, 0, "gradient", silhouette=(0.5,) * 6 + (1.0,) * 6
    )
    assert plain.to_text() == (
        "Palette: #285adc 100% · Proportions: 1.40 (wide) · Silhouette: pear, widest at 54%"
        " · Outline: none · Eyes: 36% down, 30% apart · Mouth: 52% down · Shading: gradient"
    )


def test_json_round_trip():
    card = extract_style_card([character(), character(BLUE, gradient=True)])
    assert StyleCard.from_json(card.to_json()) == card


def test_no_references_is_an_error():
    with pytest.raises(ValueError, match="at least one"):
        extract_style_card([])


def test_references_without_a_character_give_an_empty_card():
    card = extract_style_card([Image.new("RGB", (64, 64), (245, 245, 240))])
    assert card == StyleCard((), 1.0, False, 0, "flat")
    assert card.to_text().startswith("Palette: none")


def test_palette_mode_reference_gives_the_same_card():
    reference = character()
    indexed = reference.quantize(colors=16)  # as a GIF upload holds it
    assert extract_style_card([indexed]) == extract_style_card([reference])


def test_every_reference_weighs_the_same_in_the_palette():
    small = character(ORANGE, size=(128, 128), box=(32, 16, 96, 112), outline=3)
    large = character(BLUE, size=(512, 512), box=(128, 64, 384, 448), outline=12)

    shares = dict(extract_style_card([small, large]).palette)

    assert shares["#f07828"] == pytest.approx(shares["#285adc"], abs=0.03)


def test_one_more_reference_shifts_the_palette_in_proportion():
    purple = (140, 60, 200)
    two = extract_style_card([character(), character()])
    three = extract_style_card([character(), character(), character(purple)])

    share = dict(three.palette)["#8c3cc8"]
    assert share == pytest.approx(dict(two.palette)["#f07828"] / 3, abs=0.03)
    assert extract_style_card([character(), character()]) == two  # removing it brings back two


def test_outline_colour_and_share_are_measured():
    image = Image.new("RGB", (256, 256), (245, 245, 240))
    ImageDraw.Draw(image).ellipse((64, 32, 192, 224), fill=ORANGE, outline=(20, 30, 110), width=6)

    card = extract_style_card([image])

    assert delta_e(hex_to_rgb(card.outline_colour), (20, 30, 110)) < 3
    assert card.outline_share == pytest.approx(6 / 193, abs=0.006)


def test_the_silhouette_is_the_references_shape_and_averages_over_them():
    ellipse = extract_style_card([character()]).silhouette
    box = extract_style_card([character(shape="rectangle")]).silhouette
    both = extract_style_card([character(), character(shape="rectangle")]).silhouette

    assert ellipse[0] < 0.5 and ellipse[5] == 1.0
    assert min(box) > 0.95
    for row, width in enumerate(both):
        assert width == pytest.approx((ellipse[row] + box[row]) / 2, abs=0.02)


def test_the_face_is_measured_from_the_marks_inside():
    image = character()  # box (64, 32, 192, 224): 129 x 193 with the outline
    draw = ImageDraw.Draw(image)
    for x in (100, 156):
        draw.ellipse((x - 6, 80 - 6, x + 6, 80 + 6), fill=OUTLINE)
    draw.rectangle((112, 140, 144, 146), fill=OUTLINE)

    face = extract_style_card([image]).face

    assert face.eye_y == pytest.approx((80 - 32) / 193, abs=0.02)
    assert face.eye_gap == pytest.approx(56 / 129, abs=0.03)
    assert face.eye_size == pytest.approx(6.5 / 129, abs=0.015)
    assert face.mouth_y == pytest.approx((143 - 32) / 193, abs=0.02)


DARK_BODIES = [BLUE, (40, 80, 200), (128, 0, 128)]


@pytest.mark.parametrize("body", [ORANGE, *DARK_BODIES])
def test_a_reference_without_face_marks_gets_the_default_face(body):
    assert extract_style_card([character(body)]).face == Face()


@pytest.mark.parametrize("body", DARK_BODIES)
def test_a_dark_body_keeps_its_darker_outline(body):
    card = extract_style_card([character(body, outline=6)])
    assert card.outline_width == 6
    assert delta_e(hex_to_rgb(card.outline_colour), OUTLINE) < 5


@pytest.mark.parametrize("body", DARK_BODIES)
def test_the_face_of_a_dark_body_is_its_darker_marks_only(body):
    image = character(body)
    draw = ImageDraw.Draw(image)
    for x in (100, 156):
        draw.ellipse((x - 6, 80 - 6, x + 6, 80 + 6), fill=OUTLINE)

    face = extract_style_card([image]).face

    assert face.eye_y == pytest.approx((80 - 32) / 193, abs=0.02)
    assert face.eye_size == pytest.approx(6.5 / 129, abs=0.015)


def test_hints_blend_palette_and_outline_but_keep_the_shape():
    card = extract_style_card([character()])
    hints = extract_style_card([character(BLUE, shape="rectangle")])

    hinted = with_hints(card, hints)

    shares = dict(hinted.palette)
    assert shares["#285adc"] == pytest.approx(0.6 * dict(hints.palette)["#285adc"], abs=0.03)
    assert shares["#f07828"] == pytest.approx(0.4 * dict(card.palette)["#f07828"], abs=0.03)
    assert (hinted.silhouette, hinted.face, hinted.proportions) == (
        card.silhouette,
        card.face,
        card.proportions,
    )
    assert with_hints(None, hints) == hints
