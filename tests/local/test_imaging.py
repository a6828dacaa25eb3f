"""Upload checks, background removal and rendered poses/edits, decoded with Pillow."""

from __future__ import annotations

import hashlib
import io
import struct
import subprocess
import sys

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageOps, ImageStat

from masko_widgets._palette import delta_e, dominant_palette, hex_to_rgb, palette_distance
from masko_widgets.local._imaging import (
    ImageRejected,
    cut_out,
    load_upload,
    placeholder_png,
    png_bytes,
    render_edit,
    render_pose,
)
from masko_widgets.local._style_card import StyleCard
from tests.local.conftest import png_bomb


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg_header(width: int, height: int) -> bytes:
    frame = struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + b"\xff\xc0" + struct.pack(">H", len(frame) + 2) + frame + bytes(64)


def webp_vp8x_header(width: int, height: int) -> bytes:
    size = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = b"\x00\x00\x00\x00" + size
    chunk = b"VP8X" + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def gif_header(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00" + b";"


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp"), ("GIF", "image/gif")],
)
def test_accepted_formats_decode_to_rgba(make_png, fmt, mime):
    image, got_mime = load_upload(make_png(size=(120, 90), fmt=fmt))

    assert got_mime == mime
    assert image.mode == "RGBA"
    assert image.size == (120, 90)
    assert image.getpixel((60, 50))[:3] != image.getpixel((2, 2))[:3]


def test_transparent_png_keeps_its_alpha(make_png):
    image, _ = load_upload(make_png(mode="RGBA"))
    assert image.getpixel((0, 0))[3] == 0
    assert image.getpixel((128, 200))[3] == 255


def test_animated_gif_gives_its_first_frame():
    frames = [Image.new("RGB", (40, 30), colour) for colour in ((250, 0, 0), (0, 0, 250))]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)

    image, mime = load_upload(data)

    assert mime == "image/gif"
    assert image.getpixel((5, 5))[:3] == (250, 0, 0)


def test_jpeg_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90 degrees clockwise to view
    data = encode(Image.new("RGB", (80, 40), (10, 200, 10)), "JPEG", exif=exif)

    image, _ = load_upload(data)

    assert image.size == (40, 80)


@pytest.mark.parametrize(
    ("data", "status", "says"),
    [
        (b"hello, this is not an image at all", 400, "not an image"),
        (b"", 400, "not an image"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", 400, "truncated"),
        (b"\xff\xd8" + b"\xff\xe0\x00\x02" * 2000, 400, "corrupt"),  # JPEG with no frame header
        (encode(Image.new("RGB", (64, 64), (1, 2, 3)), "BMP"), 400, "BMP"),
        (encode(Image.new("RGB", (64, 64), (1, 2, 3)), "TIFF"), 400, "TIFF"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", 400, "SVG"),
        (b"\x89PNG" + bytes(11 * 1024 * 1024), 413, "10 MB"),
    ],
)
def test_rejected_uploads(data, status, says):
    with pytest.raises(ImageRejected) as caught:
        load_upload(data)

    assert caught.value.status == status
    assert says in caught.value.message
    assert "PNG, JPEG, WebP or GIF" in caught.value.message or status == 413


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_truncated_images_are_rejected(make_png, fmt):
    data = make_png(size=(200, 200), fmt=fmt)

    with pytest.raises(ImageRejected) as caught:
        load_upload(data[: len(data) * 2 // 3])

    assert caught.value.status == 400
    assert "truncated or corrupt" in caught.value.message


@pytest.mark.parametrize(
    "data",
    [
        png_bomb(10_000, 10_000),
        jpeg_header(8_000, 6_000),
        webp_vp8x_header(9_000, 9_000),
        gif_header(65_535, 65_535),
    ],
    ids=["png-100MP", "jpeg-48MP", "webp-81MP", "gif-4GP"],
)
def test_oversized_images_are_refused_from_the_header_without_decoding(data, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the image was opened")

    monkeypatch.setattr(Image, "open", never)

    with pytest.raises(ImageRejected) as caught:
        load_upload(data)

    assert caught.value.status == 413
    assert "40 megapixels" in caught.value.message


def test_png_bomb_is_refused_by_our_limit_not_pillows(recwarn):
    with pytest.raises(ImageRejected) as caught:
        load_upload(png_bomb(10_000, 10_000))

    assert caught.value.status == 413
    assert not [w for w in recwarn if issubclass(w.category, Image.DecompressionBombWarning)]


def test_cut_out_removes_the_border_background_but_keeps_enclosed_areas():
    image = Image.new("RGB", (200, 200), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((30, 30, 170, 170), fill=(200, 40, 40), outline=(0, 0, 0), width=4)
    draw.ellipse((80, 80, 120, 120), fill=(255, 255, 255))  # a white eye inside

    alpha = cut_out(image).getchannel("A")

    assert alpha.getpixel((2, 2)) == 0
    assert alpha.getpixel((195, 100)) == 0
    assert alpha.getpixel((50, 100)) == 255
    assert alpha.getpixel((100, 100)) == 255
    assert alpha.getbbox() == (30, 30, 171, 171)


def test_cut_out_keeps_existing_alpha(make_png):
    image = Image.open(io.BytesIO(make_png(mode="RGBA")))
    assert cut_out(image).tobytes() == image.convert("RGBA").tobytes()


def test_cut_out_leaves_a_photo_without_plain_background_opaque():
    image = Image.linear_gradient("L").convert("RGB").resize((100, 100))
    assert cut_out(image).getchannel("A").getextrema() == (255, 255)


@pytest.fixture
def reference(make_png) -> Image.Image:
    return Image.open(io.BytesIO(make_png(color=(240, 120, 40), size=(256, 256))))


def test_pose_sizes_and_modes(reference):
    flat, transparent = render_pose("waving hello", [reference], None, size=200)

    assert (flat.mode, flat.size) == ("RGB", (200, 200))
    assert (transparent.mode, transparent.size) == ("RGBA", (200, 200))
    assert transparent.getpixel((0, 0))[3] == 0
    box = transparent.getchannel("A").getbbox()
    assert box is not None and (box[2] - box[0]) * (box[3] - box[1]) > 200 * 200 / 8


def test_pose_keeps_the_characters_colours(reference):
    _, transparent = render_pose("jumping", [reference], None, size=160)

    posed = dominant_palette(transparent)
    assert delta_e(hex_to_rgb(posed[0][0]), (240, 120, 40)) < 3
    assert palette_distance(posed, dominant_palette(reference)) < 20


def test_pose_is_the_transparent_image_on_a_plain_background(reference):
    flat, transparent = render_pose("sitting", [reference], None, size=128)

    background = Image.new("RGBA", flat.size, (*flat.getpixel((0, 0)), 255))
    background.alpha_composite(transparent)
    assert background.convert("RGB").tobytes() == flat.tobytes()


def test_same_inputs_same_pixels_and_prompts_change_the_pose(reference):
    first = render_pose("waving hello", [reference], None, size=128)
    again = render_pose("waving hello", [reference], None, size=128)
    other = render_pose("sleeping", [reference], None, size=128)

    assert png_bytes(first[0]) == png_bytes(again[0])
    assert png_bytes(first[1]) == png_bytes(again[1])
    assert first[1].tobytes() != other[1].tobytes()


def test_pose_pixels_do_not_depend_on_the_process_hash_seed():
    script = (
        "import hashlib; from masko_widgets.local._imaging import render_pose, png_bytes;"
        "print(hashlib.sha256(png_bytes(render_pose('a teal robot', [], None, 64)[0])).hexdigest())"
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
    here = hashlib.sha256(png_bytes(render_pose("a teal robot", [], None, 64)[0])).hexdigest()
    assert digests == {here}


def test_pose_recolours_toward_the_style_card(reference):
    blue_card = StyleCard((("#2850dc", 0.85), ("#141414", 0.15)), 0.7, True, 4, "flat")

    _, plain = render_pose("standing", [reference], None, size=128)
    _, carded = render_pose("standing", [reference], blue_card, size=128)

    target = blue_card.palette
    assert palette_distance(dominant_palette(carded), target) < palette_distance(
        dominant_palette(plain), target
    )


def test_without_references_a_character_is_drawn_from_the_prompt():
    _, red = render_pose("a red fox", [], None, size=128)
    _, unnamed = render_pose("a friendly mascot", [], None, size=128)

    main_colour = hex_to_rgb(dominant_palette(red)[0][0])
    assert main_colour == (220, 50, 47)
    assert red.getchannel("A").getbbox() is not None
    assert dominant_palette(unnamed)[0][0] != dominant_palette(red)[0][0]


def test_without_references_the_card_colour_is_used():
    card = StyleCard((("#2850dc", 1.0),), 1.0, False, 0, "flat")
    _, transparent = render_pose("anything", [], card, size=96)
    assert dominant_palette(transparent)[0][0] == "#2850dc"


def test_edit_recolours_by_colour_word(reference):
    flat, _ = render_pose("standing", [reference], None, size=128)

    edited, transparent = render_edit(flat, "make it blue", None)

    assert edited.size == flat.size
    red, _, blue = hex_to_rgb(dominant_palette(transparent)[0][0])
    assert blue > 150 and red < 100


def on_white(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    canvas = Image.new("RGBA", image.size, (255, 255, 255, 255))
    canvas.alpha_composite(image)
    return canvas.convert("RGB").resize(size, Image.Resampling.BOX)


def test_edit_flip_mirrors_the_character(reference):
    flat, transparent = render_pose("standing", [reference], None, size=128)

    _, flipped = render_edit(flat, "flip it", None)

    before = transparent.crop(transparent.getchannel("A").getbbox())
    after = flipped.crop(flipped.getchannel("A").getbbox())
    assert abs(after.width - before.width) <= 1 and abs(after.height - before.height) <= 1
    small = (before.width // 4, before.height // 4)

    def mean_difference(image: Image.Image) -> float:
        difference = ImageChops.difference(on_white(image, small), on_white(after, small))
        return max(ImageStat.Stat(difference).mean)

    assert mean_difference(ImageOps.mirror(before)) < 8
    assert mean_difference(before) > 3 * mean_difference(ImageOps.mirror(before))


def test_unrecognised_edit_still_changes_the_image_deterministically(reference):
    flat, _ = render_pose("standing", [reference], None, size=128)

    first, _ = render_edit(flat, "give it a hat", None)
    again, _ = render_edit(flat, "give it a hat", None)

    assert first.tobytes() == again.tobytes()
    assert first.tobytes() != flat.tobytes()


def test_placeholder_and_png_bytes():
    placeholder = Image.open(io.BytesIO(placeholder_png(64, 48)))
    assert (placeholder.format, placeholder.size) == ("PNG", (64, 48))

    rgba = Image.new("RGBA", (10, 10), (1, 2, 3, 4))
    decoded = Image.open(io.BytesIO(png_bytes(rgba)))
    assert decoded.mode == "RGBA" and decoded.getpixel((0, 0)) == (1, 2, 3, 4)
