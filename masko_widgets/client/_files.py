"""One normaliser for every kind of image input a user may hand the client."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from .._image_header import MAX_UPLOAD_BYTES, header_size, pixel_limit_message, sniff_mime
from ._errors import InvalidImageError

_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif"}
_PNG_MODES = frozenset({"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"})


@dataclass(frozen=True)
class ImageFile:
    """An image read into memory, ready to upload (and to upload again on a retry)."""

    filename: str
    data: bytes
    mime: str


def is_url(value: object) -> TypeGuard[str]:
    """Whether `value` is an http(s) URL string."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def load_image(image: Any) -> ImageFile | str:
    """Read a path, `Path`, bytes, binary file object or PIL image; pass URLs through.

    Everything is read into memory once so a retried upload sends the same bytes. PIL
    images are encoded as PNG so transparency survives. Raises InvalidImageError for
    anything that is not a PNG, JPEG, WebP or GIF of at most 10 MB and 40 megapixels
    (read from the header: an oversized image is never decoded).
    """
    if isinstance(image, ImageFile):
        return image
    if is_url(image):
        return str(image)
    if isinstance(image, (bytes, bytearray, memoryview)):
        return _checked("image", bytes(image))
    if isinstance(image, (str, os.PathLike)):
        return _read_path(Path(image))
    if _is_pil_image(image):
        return _checked("image.png", _encode_png(image))
    if hasattr(image, "read"):
        data = image.read()
        if not isinstance(data, bytes):
            raise InvalidImageError(
                "the file object gave text, not bytes: open the image in binary mode "
                "(open(path, 'rb'))"
            )
        name = Path(str(getattr(image, "name", "") or "image")).name
        return _checked(name, data)
    raise InvalidImageError(
        f"cannot use a {type(image).__name__} as an image: pass a file path, bytes, a binary "
        "file object, a PIL image or an http(s) URL"
    )


def _read_path(path: Path) -> ImageFile:
    if not path.is_file():
        raise InvalidImageError(
            f"no image file at {str(path)!r}: pass an existing file path, bytes, a PIL image "
            "or an http(s) URL"
        )
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise _too_large(path.name, size)
    return _checked(path.name, path.read_bytes())


def _checked(name: str, data: bytes) -> ImageFile:
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large(name, len(data))
    mime = sniff_mime(data)
    if mime is None:
        raise InvalidImageError(
            f"{name!r} is not a PNG, JPEG, WebP or GIF image: convert it first, e.g. "
            "PIL.Image.open(path).save('image.png')"
        )
    try:
        size = header_size(data)
    except ValueError as error:
        raise InvalidImageError(
            f"{name!r} is truncated or corrupt ({error}): export the image again"
        ) from error
    problem = pixel_limit_message(*size) if size else None
    if problem is not None:
        raise InvalidImageError(f"{name!r}: {problem}")
    if "." not in name:
        name = f"{name}.{_EXTENSIONS[mime]}"
    return ImageFile(name, data, mime)


def _too_large(name: str, size: int) -> InvalidImageError:
    return InvalidImageError(
        f"{name!r} is {size / 1024 / 1024:.1f} MB; uploads are limited to 10 MB: "
        "resize it or save it as JPEG/WebP first"
    )


def _is_pil_image(value: object) -> bool:
    return type(value).__module__.startswith("PIL.") and hasattr(value, "save")


def _encode_png(image: Any) -> bytes:
    if image.mode not in _PNG_MODES:
        has_alpha = "A" in image.getbands()
        image = image.convert("RGBA" if has_alpha else "RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
