"""Display-size image encodings sent to the browser (originals stay in Python), and the
picture the widgets keep of an asset: its thumbnail and its main colours."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from masko_widgets._palette import Palette, dominant_palette

THUMBNAIL_MIME = "image/webp"
"""Every thumbnail's format."""
THUMBNAIL_SIZE = 176
"""Longest side, in pixels, of a thumbnail. Tiles draw it about 110 to 150 CSS pixels wide
(js/style.css): sharp at a device pixel ratio up to about 1.4, and it still looks right at 2."""
THUMBNAIL_QUALITY = 65
"""WebP quality: no visible artefacts on a pose at tile size, about 1.8 KB a pose."""


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
    image: Image.Image | bytes, size: int = THUMBNAIL_SIZE, quality: int = THUMBNAIL_QUALITY
) -> Thumbnail:
    """Shrink `image` (a PIL image or encoded bytes) to fit `size` and encode it as WebP."""
    if isinstance(image, (bytes, bytearray, memoryview)):
        image = Image.open(io.BytesIO(bytes(image)))
    image.draft("RGB", (size, size))  # lets JPEG decode at a reduced scale
    picture = image.convert("RGBA" if _has_alpha(image) else "RGB")
    # Halve by box averaging while at least twice as large, then Lanczos the rest of the way:
    # the same look as Lanczos all the way, at half the cost.
    picture.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=1.0)
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
