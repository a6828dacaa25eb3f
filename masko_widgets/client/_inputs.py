"""Turning what users pass (models, ids, URLs, images) into wire values, or a teaching error."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any, Literal

from ._errors import BadRequestError, SourceImageError
from ._files import ImageFile, is_url, load_image
from ._models import Asset, Collection, Item, Job, Preview, References

SOURCE_FIELDS = ("source_image_asset_id", "end_image_asset_id")
MAX_NAME_CHARS = 200
"""Longest pose (item) name sent. The contract states no limit; a name is a label, and the
stand-in refuses longer ones too."""
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_USE_IMAGE = (
    "pass the item's `image` asset instead: job.asset_ids['image'], item.image_asset_id, "
    "or an Asset of type 'image'"
)


def object_id(value: Any) -> str:
    """The id of a model, or the string itself."""
    if isinstance(value, str):
        return value
    ident = getattr(value, "id", None)
    if not isinstance(ident, str):
        raise TypeError(f"expected an id string or a model with an id, got {type(value).__name__}")
    return ident


def pose_name(value: Any) -> str:
    """`value` if it is a real pose name: text with a visible character, at most
    MAX_NAME_CHARS long, on one line. Raises ValueError, before any request (nothing is
    generated or charged for a junk name)."""
    if not isinstance(value, str):
        raise ValueError(f"a pose name must be text, not {value!r:.40}")
    name = value.strip()
    if not name:
        raise ValueError("a pose name must not be empty: name the pose, e.g. 'waving'")
    if len(name) > MAX_NAME_CHARS:
        raise ValueError(
            f"a pose name is {MAX_NAME_CHARS} characters at most; this one has {len(name)}"
        )
    if any(unicodedata.category(char) == "Cc" for char in name):
        raise ValueError("a pose name is one line of text, without control characters")
    return value


def source_image(source: Any, role: str = "source") -> tuple[str, str | None]:
    """The asset id (and item id, when known) of an image to animate or edit.

    Accepts an image Asset, an Item or a Job (their `image` asset) or an asset id. Raises
    SourceImageError, before any request, for previews, URLs and non-image assets.
    """
    if isinstance(source, Preview):
        raise SourceImageError(
            f"a preview cannot be the {role} image: it has no asset id. Generate it as an item "
            "first (client.generations.keep(collection, preview, name)), wait for the job, "
            "then pass job.asset_ids['image']"
        )
    if is_url(source):
        raise SourceImageError(
            f"a URL cannot be the {role} image: only an existing image asset can. Upload it "
            "with client.uploads.create(url) and pass the returned Asset, or generate the item "
            "first"
        )
    if isinstance(source, Asset):
        if source.type != "image":
            raise SourceImageError(
                f"asset {source.id} is a {source.type!r} asset and cannot be the {role} image; "
                + _USE_IMAGE
            )
        return source.id, source.item_id
    if isinstance(source, (Item, Job)):
        ids = source.assets if isinstance(source, Item) else source.asset_ids
        item_id = source.id if isinstance(source, Item) else source.item_id
        if "image" not in ids:
            raise SourceImageError(
                f"{type(source).__name__.lower()} {source.id} has no 'image' asset to use as the "
                f"{role} image; generate the image first (client.generations.image)"
            )
        return ids["image"], item_id
    if isinstance(source, str) and source.strip():
        return source, None
    if isinstance(source, (Collection, References, list, tuple, set)):
        raise SourceImageError(
            f"the {role} image is one picture to move, not the collection's references: "
            "references only set the style, through the style card. Pass one pose instead: an "
            "Item, its Job, or job.asset_ids['image'] (in a PoseGrid: grid.source_image_asset_id)"
        )
    raise SourceImageError(
        f"cannot use a {type(source).__name__} as the {role} image; pass an image Asset, an Item, "
        "a Job with an image, or an asset id"
    )


def source_error(error: BadRequestError) -> SourceImageError | None:
    """The server's 400 about a source or end image, as a SourceImageError; else None."""
    text = f"{error.field or ''} {error.message}"
    if not any(name in text for name in SOURCE_FIELDS):
        return None
    return SourceImageError(
        f"{error.message} (a source or end image must be a completed asset of type 'image', "
        "e.g. job.asset_ids['image']; previews must be generated as an item first)"
    )


Reference = tuple[Literal["asset_id", "url", "file"], Any]


def reference(value: Any) -> Reference:
    """What to send for one reference: an asset id, a URL, or a file to upload first."""
    if isinstance(value, Asset):
        return "asset_id", value.id
    if isinstance(value, Preview):
        return "url", value.url
    if isinstance(value, (Item, Job)):
        return "asset_id", source_image(value, "reference")[0]
    if isinstance(value, str) and _UUID.match(value) and not Path(value).exists():
        return "asset_id", value
    loaded = load_image(value)
    if isinstance(loaded, ImageFile):
        return "file", loaded
    return "url", loaded
