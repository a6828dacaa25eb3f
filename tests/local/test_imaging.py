"""Upload checks, background removal and PNG helpers, decoded with Pillow."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image, ImageDraw

from masko_widgets.local._uploads import ImageRejected, load_upload
from masko_widgets.local.render._imaging import cut_out, placeholder_png, png_bytes
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


def test_placeholder_and_png_bytes():
    placeholder = Image.open(io.BytesIO(placeholder_png(64, 48)))
    assert (placeholder.format, placeholder.size) == ("PNG", (64, 48))

    rgba = Image.new("RGBA", (10, 10), (1, 2, 3, 4))
    decoded = Image.open(io.BytesIO(png_bytes(rgba)))
    assert decoded.mode == "RGBA" and decoded.getpixel((0, 0)) == (1, 2, 3, 4)
