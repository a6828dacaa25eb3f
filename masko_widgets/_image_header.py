"""What an image file is and how large it is, read from its first bytes without decoding.

Shared by the client (to refuse an image before uploading it) and the stand-in (to refuse
it before decompressing it), so both apply the contract's limits the same way.
"""

from __future__ import annotations

import re
import struct

from masko_widgets._contract import MAX_UPLOAD_BYTES, MAX_UPLOAD_PIXELS

__all__ = ["MAX_UPLOAD_BYTES", "header_size", "pixel_limit_message", "sniff_mime"]
ACCEPTED = "PNG, JPEG, WebP or GIF"

_MAX_JPEG_SEGMENTS = 1000  # real files reach the frame header within a few dozen
_NOT_FILL = re.compile(rb"[^\xff]")


def sniff_mime(data: bytes) -> str | None:
    """The MIME type of PNG, JPEG, WebP or GIF bytes, from their magic number; else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return None


def header_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the header of a PNG, JPEG, WebP or GIF file; None for other data.

    Raises ValueError when the header of one of those formats is truncated or corrupt.
    """
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            if data[12:16] != b"IHDR":
                raise ValueError("the PNG has no IHDR chunk")
            return struct.unpack(">II", data[16:24])
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return struct.unpack("<HH", data[6:10])
        if data.startswith(b"\xff\xd8"):
            return _jpeg_size(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp_size(data)
    except (struct.error, IndexError) as error:
        raise ValueError("the image header is truncated") from error
    return None


def pixel_limit_message(width: int, height: int) -> str | None:
    """Why an image of this size cannot be uploaded, or None when it can."""
    if width * height > MAX_UPLOAD_PIXELS:
        return (
            f"The image is {width}x{height} pixels ({width * height / 1e6:.1f} megapixels); "
            "uploads are limited to 40 megapixels. Downscale it and upload again."
        )
    if width == 0 or height == 0:
        return f"The image has no pixels. Upload a {ACCEPTED} image."
    return None


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Walk the JPEG segments up to the frame header (SOFn), which holds the size."""
    position = 2
    for _ in range(_MAX_JPEG_SEGMENTS):
        position = data.index(b"\xff", position)
        found = _NOT_FILL.search(data, position)  # markers may be padded with 0xff bytes
        if found is None:
            raise ValueError("no marker after padding")
        position = found.start()
        marker = data[position]
        position += 1
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:
            continue
        (length,) = struct.unpack(">H", data[position : position + 2])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[position + 3 : position + 7])
            return width, height
        if marker in (0xD9, 0xDA) or length < 2:
            raise ValueError("no frame header before the image data")
        position += length
    raise ValueError("no frame header among the first segments")


def _webp_size(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8 ":
        if data[23:26] != b"\x9d\x01\x2a":
            raise ValueError("bad VP8 start code")
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        if data[20] != 0x2F:
            raise ValueError("bad VP8L signature")
        (bits,) = struct.unpack("<I", data[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        if len(data) < 30:
            raise ValueError("short VP8X header")
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    raise ValueError("unknown WebP chunk")
