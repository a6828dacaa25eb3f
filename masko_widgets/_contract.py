"""The Masko API contract's facts, defined once: limits, enums, the key pattern and the
resources' fields. The client, the widgets and `masko_widgets.check` import them; the stand-in
keeps its own schema as an independent implementation (tests/test_contract.py holds the two
together). Section marks (§) refer to the Masko API contract the project is written against."""

from __future__ import annotations

import re

MAX_REFERENCES = 6
"""Persistent references of a collection, and one-off hints of a preview (§4, §5)."""
MAX_BATCH = 10
"""Generate bodies in one generate-batch request (§3)."""
MIN_DURATION = 1
MAX_DURATION = 15
"""An animation's duration in whole seconds (§6)."""
PAGE_LIMIT_DEFAULT = 50
PAGE_LIMIT_MAX = 200
"""`?limit=` of a list when not given, and its largest accepted value (§1)."""
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_PIXELS = 40_000_000
"""An upload's file size and decoded width x height (§3)."""
UPLOAD_MIME_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")

ASSET_TYPES = ("image", "transparent_image", "video", "webm", "hevc")
IMAGE_ASSET_TYPES = frozenset({"image", "transparent_image"})
ASSET_STATES = ("pending", "completed", "failed")
JOB_TYPES = ("image", "animation", "edit")
JOB_STATES = ("pending", "processing", "completed", "failed")
RUNNING_STATES = frozenset({"pending", "processing"})
"""The only states in which a job is still running; any other state is final."""

KEY_PATTERN = re.compile(r"masko_[0-9a-f]{64}")
"""An API key (§1); anything that matches is a secret."""

# A resource's fields as the JSON types each may take ("null" when it may be absent of value).
_TIMES = {"created_at": ("string",), "updated_at": ("string",)}
RESOURCE_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "credits": {"balance": ("integer",)},
    "project": {"id": ("string",), "name": ("string",), "organization_id": ("string",), **_TIMES},
    "collection": {
        "id": ("string",),
        "project_id": ("string",),
        "name": ("string",),
        "type": ("string",),
        "slug": ("string",),
        "config": ("object",),
        **_TIMES,
    },
    "collection_config": {
        "prompt": ("string", "null"),
        "reference_asset_ids": ("array",),
        "style_card": ("string", "null"),
        "caution_list": ("array",),
    },
    "item": {
        "id": ("string",),
        "collection_id": ("string",),
        "name": ("string",),
        "type": ("string",),
        "image_prompt": ("string", "null"),
        "assets": ("object",),
        "created_at": ("string",),
    },
    "asset": {
        "id": ("string",),
        "type": ("string",),
        "status": ("string",),
        "item_id": ("string", "null"),
        "collection_id": ("string", "null"),
        "url": ("string",),
        "mime_type": ("string",),
        "width": ("integer", "null"),
        "height": ("integer", "null"),
        "created_at": ("string",),
    },
    "job": {
        "id": ("string",),
        "status": ("string",),
        "type": ("string",),
        "collection_id": ("string",),
        "item_id": ("string", "null"),
        "item_name": ("string", "null"),
        "cost_credits": ("integer",),
        "asset_ids": ("object",),
        "urls": ("object",),
        "error": ("object", "null"),
        **_TIMES,
        "completed_at": ("string", "null"),
    },
    "pagination": {
        "total": ("integer",),
        "limit": ("integer",),
        "offset": ("integer",),
        "has_more": ("boolean",),
    },
    "error": {"code": ("string",), "message": ("string",)},
}
