"""Display-size image encodings sent to the browser (originals stay in Python), and the
picture the widgets keep of an asset: its thumbnail and its main colours."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from masko_widgets._palette import Palette, dominant_palette

THUMBNAIL_MIME = "image/webp"
"""Every thumbnail's format."""
THUMBNAIL_SIZE = 256
"""Longest side, in pixels, of a thumbnail (tiles are drawn at about half of it)."""


@dataclass(frozen=True)
class Thumbnail:
    """A WebP encoding of an image, small enough to send with widget state."""

    data: bytes
    mime: str
    width: int
    height: int

    def as_state(self) -> dict[str, bytes | str | int]:
        """The fields a front end draws it from: thumbnail (bytes), mime, width, height."""
        return {
            "thumbnail": self.data,
            "mime": self.mime,
            "width": self.width,
            "height": self.height,
        }


def make_thumbnail(
    image: Image.Image | bytes, size: int = THUMBNAIL_SIZE, quality: int = 90
) -> Thumbnail:
    """Shrink `image` (a PIL image or encoded bytes) to fit `size` and encode it as WebP."""
    if isinstance(image, (bytes, bytearray, memoryview)):
        image = Image.open(io.BytesIO(bytes(image)))
    image.draft("RGB", (size, size))  # lets JPEG decode at a reduced scale
    picture = image.convert("RGBA" if _has_alpha(image) else "RGB")
    picture.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "WEBP", quality=quality, method=4)
    return Thumbnail(out.getvalue(), THUMBNAIL_MIME, picture.width, picture.height)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


@dataclass(frozen=True)
class AssetPicture:
    """What the widgets show of an image asset: its thumbnail and its main colours."""

    thumbnail: Thumbnail
    palette: Palette

    @property
    def size(self) -> int:
        return len(self.thumbnail.data)


def picture_of(data: bytes) -> AssetPicture:
    """The thumbnail and palette of an encoded image, from one decode."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return AssetPicture(make_thumbnail(image), dominant_palette(image))
