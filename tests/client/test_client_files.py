"""The one image normaliser: every input kind, format sniffing and the size limit."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image

from masko_widgets import Asset, InvalidImageError
from masko_widgets._image_header import MAX_UPLOAD_BYTES, sniff_mime
from masko_widgets.client._files import ImageFile, load_image
from tests.client._scripted import answer


def encoded(fmt: str, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (8, 8), (10, 200, 30) if mode == "RGB" else (10, 200, 30, 90)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp"), ("GIF", "image/gif")],
)
def test_formats_are_sniffed_from_their_bytes(fmt, mime):
    data = encoded(fmt)
    assert sniff_mime(data) == mime
    loaded = load_image(data)
    assert loaded == ImageFile(f"image.{mime.split('/')[1].replace('jpeg', 'jpg')}", data, mime)


@pytest.mark.parametrize(
    "data", [b"", b"hello world", b"%PDF-1.7 ...", encoded("BMP"), encoded("TIFF")]
)
def test_non_images_are_refused_with_what_to_do(data):
    with pytest.raises(InvalidImageError, match=r"not a PNG, JPEG, WebP or GIF image: convert it"):
        load_image(data)


def test_bytes_like_inputs(make_png):
    data = make_png()
    assert load_image(bytearray(data)).data == data
    assert load_image(memoryview(data)).data == data


def test_paths_keep_their_file_name(tmp_path, make_png):
    path = tmp_path / "fox.png"
    path.write_bytes(make_png())
    assert load_image(path).filename == "fox.png"
    assert load_image(str(path)) == load_image(path)


def test_binary_file_objects(tmp_path, make_png):
    path = tmp_path / "fox.png"
    path.write_bytes(make_png())
    with path.open("rb") as handle:
        assert load_image(handle) == ImageFile("fox.png", make_png(), "image/png")
    assert load_image(io.BytesIO(make_png())).filename == "image.png"


def test_text_file_objects_are_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hi")
    with path.open() as handle, pytest.raises(InvalidImageError, match="binary mode"):
        load_image(handle)


def test_missing_path_says_what_to_pass(tmp_path):
    with pytest.raises(InvalidImageError, match="no image file at"):
        load_image(tmp_path / "nope.png")


def test_pil_images_go_out_as_png_with_alpha():
    image = Image.new("RGBA", (4, 4), (255, 0, 0, 0))
    image.putpixel((1, 1), (0, 0, 255, 128))
    loaded = load_image(image)
    assert loaded.mime == "image/png" and loaded.filename == "image.png"
    back = Image.open(io.BytesIO(loaded.data))
    assert back.mode == "RGBA"
    assert back.getpixel((0, 0))[3] == 0
    assert back.getpixel((1, 1)) == (0, 0, 255, 128)


@pytest.mark.parametrize(
    ("mode", "expected"), [("CMYK", "RGB"), ("LA", "LA"), ("P", "P"), ("RGB", "RGB")]
)
def test_pil_modes_png_cannot_hold_are_converted(mode, expected):
    loaded = load_image(Image.new(mode, (4, 4)))
    assert Image.open(io.BytesIO(loaded.data)).mode == expected


def test_urls_pass_through():
    assert load_image("https://example.com/fox.png") == "https://example.com/fox.png"
    assert load_image("HTTP://example.com/a") == "HTTP://example.com/a"


def test_over_ten_megabytes_is_refused(tmp_path):
    big = b"\x89PNG\r\n\x1a\n" + bytes(MAX_UPLOAD_BYTES)
    with pytest.raises(InvalidImageError, match="limited to 10 MB"):
        load_image(big)
    path = tmp_path / "big.png"
    path.write_bytes(big)
    with pytest.raises(InvalidImageError, match=r"'big.png' is 10.0 MB"):
        load_image(path)
    with path.open("rb") as handle, pytest.raises(InvalidImageError, match="limited to 10 MB"):
        load_image(handle)


def test_other_types_are_refused():
    with pytest.raises(InvalidImageError, match="cannot use a int as an image"):
        load_image(42)


def test_a_bad_upload_sends_nothing(scripted):
    client, script = scripted(answer(201, {"data": {"id": "a1", "type": "image"}}))
    with pytest.raises(InvalidImageError):
        client.uploads.create(b"GIF? no")
    assert script.requests == []


def test_a_jpeg_asset_is_shown_as_png_from_one_download(scripted):
    client, script = scripted(
        httpx.Response(200, content=encoded("JPEG"), headers={"content-type": "image/jpeg"})
    )
    asset = Asset(id="a1", type="image", url="https://files.test/a1.jpg", _client=client)
    shown = Image.open(io.BytesIO(asset._repr_png_()))
    assert (shown.format, shown.size) == ("PNG", (8, 8))
    assert script.methods == ["GET"]
