"""Upload checking: image bytes from a request, checked against the contract's limits and decoded.

Size limits are checked before decoding, so an oversized image is never decompressed; anything
that is not a PNG, JPEG, WebP or GIF is refused with a message saying what to upload instead."""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageOps

from masko_widgets._image_header import (
    ACCEPTED,
    MAX_UPLOAD_BYTES,
    header_size,
    pixel_limit_message,
)

_MIME = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
_FORMATS = ["PNG", "JPEG", "WEBP", "GIF"]
_OTHER_FORMATS = (  # signatures of image formats we recognise but do not accept
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"8BPS", "PSD"),
    (b"%PDF", "PDF"),
    (b"qoif", "QOI"),
)


class ImageRejected(ValueError):
    """An upload that cannot be used: status 400 (not a usable image) or 413 (too large)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def load_upload(data: bytes) -> tuple[Image.Image, str]:
    """Decode an uploaded image to RGBA and return it with its MIME type.

    Size limits are checked before decoding: the byte count first, then the pixel count read
    from the file header, so an oversized image is never decompressed.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRejected(
            413,
            f"The file is {len(data) / 1024 / 1024:.1f} MB; uploads are limited to 10 MB. "
            "Upload a smaller or more compressed image.",
        )
    width, height = _header_size(data)
    _check_pixels(width, height)
    try:
        with Image.open(io.BytesIO(data), formats=_FORMATS) as opened:
            _check_pixels(*opened.size)  # Pillow's reading of the header must agree
            mime = _MIME[opened.format or ""]
            opened.seek(0)
            opened.load()
            image = ImageOps.exif_transpose(opened).convert("RGBA")
    except ImageRejected:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
        raise ImageRejected(
            400,
            f"The image data is truncated or corrupt. Upload a complete {ACCEPTED} file.",
        ) from error
    return image, mime


def _header_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the file header, or ImageRejected for anything else."""
    try:
        size = header_size(data)
    except ValueError as error:
        raise ImageRejected(
            400, f"The image header is truncated or corrupt. Upload a complete {ACCEPTED} file."
        ) from error
    if size is None:
        raise ImageRejected(400, _unsupported_message(data))
    return size


def _check_pixels(width: int, height: int) -> None:
    problem = pixel_limit_message(width, height)
    if problem is not None:
        raise ImageRejected(413 if width and height else 400, problem)


def _unsupported_message(data: bytes) -> str:
    for signature, name in _OTHER_FORMATS:
        if data.startswith(signature):
            return f"{name} files are not supported. Convert it to {ACCEPTED} and upload that."
    head = data[:256].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in head:
        return f"SVG files are not supported. Export it as {ACCEPTED} and upload that."
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return f"HEIC/AVIF files are not supported. Convert it to {ACCEPTED} and upload that."
    return f"The file is not an image. Upload a {ACCEPTED} file."
