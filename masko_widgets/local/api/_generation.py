"""Checking a generate body against the contract and turning it into a job to create.

Every refusal is a 400 naming the field, with a message saying what to pass instead; nothing
is stored or charged until the whole request is valid.
"""

from __future__ import annotations

import uuid
from typing import Any

from masko_widgets.local.api._errors import bad_request
from masko_widgets.local.api._schemas import GenerateRequest
from masko_widgets.local.store import NewJob, Row, Store

IMAGE_COST = 1
COST_PER_SECOND = 5
SIZE = (512, 512)

_IMAGES = {"image": "image", "transparent_image": "transparent_image"}
_VIDEOS = {"video": "video", "webm": "webm", "hevc": "hevc"}
_REVERSE = {"reverse_video": "video", "reverse_webm": "webm", "reverse_hevc": "hevc"}


def plan(store: Store, workspace_id: str, collection: Row, body: GenerateRequest) -> NewJob:
    """The job a valid request asks for; raises ApiError(400) for an invalid one."""
    if body.type == "image":
        return _image(store, workspace_id, collection, body)
    if body.type == "edit":
        return _edit(store, workspace_id, collection, body)
    return _animation(store, workspace_id, collection, body)


def _image(store: Store, workspace_id: str, collection: Row, body: GenerateRequest) -> NewJob:
    item = _item(store, workspace_id, collection, body.item_id)
    name = item["name"] if item else required(body.name, "name", _NAME_HINT)
    prompt = required(body.image_prompt, "image_prompt", 'the pose to draw, e.g. "waving"')
    return NewJob(
        type="image",
        collection_id=collection["id"],
        cost=IMAGE_COST,
        item_id=item["id"] if item else None,
        item_name=name,
        item_type="image",
        image_prompt=prompt,
        roles=_IMAGES,
        size=SIZE,
        params={
            "kind": "image",
            "image_prompt": prompt,
            "reference_asset_ids": collection["reference_asset_ids"],
        },
    )


def _edit(store: Store, workspace_id: str, collection: Row, body: GenerateRequest) -> NewJob:
    item_id = required(body.item_id, "item_id", "the item whose image you edit")
    item = _item(store, workspace_id, collection, item_id)
    assert item is not None
    source = source_image(
        store,
        workspace_id,
        "source_image_asset_id",
        required(
            body.source_image_asset_id,
            "source_image_asset_id",
            "the `image` asset to edit (the item's `assets.image`)",
        ),
    )
    instructions = required(
        body.edit_instructions, "edit_instructions", 'what to change, e.g. "add a red scarf"'
    )
    return NewJob(
        type="edit",
        collection_id=collection["id"],
        cost=IMAGE_COST,
        item_id=item["id"],
        item_name=item["name"],
        item_type=item["type"],
        image_prompt=item["image_prompt"],
        roles=_IMAGES,
        size=(source["width"], source["height"]),
        params={
            "kind": "edit",
            "source_image_asset_id": source["id"],
            "edit_instructions": instructions,
            "reference_asset_ids": collection["reference_asset_ids"],
        },
    )


def _animation(store: Store, workspace_id: str, collection: Row, body: GenerateRequest) -> NewJob:
    duration = required(body.duration, "duration", "whole seconds, 1 to 15")
    prompt = required(body.animation_prompt, "animation_prompt", 'the motion, e.g. "bounce"')
    motion: dict[str, Any] = {"animation_prompt": prompt, "duration": duration, "loop": body.loop}
    if body.source_image_asset_id is None:
        return _drawn_then_animated(store, workspace_id, collection, body, motion)
    source = source_image(store, workspace_id, "source_image_asset_id", body.source_image_asset_id)
    return _animated_image(store, workspace_id, collection, body, motion, source)


def _drawn_then_animated(
    store: Store, workspace_id: str, collection: Row, body: GenerateRequest, motion: dict[str, Any]
) -> NewJob:
    """An animation of a pose drawn first: it costs the image and the seconds."""
    if body.end_image_asset_id is not None:
        raise bad_request(
            "end_image_asset_id",
            "`end_image_asset_id` needs"
            " `source_image_asset_id`: a transition goes from one image to another.",
        )
    _no_reverse(body)
    item = _item(store, workspace_id, collection, body.item_id)
    name = item["name"] if item else required(body.name, "name", _NAME_HINT)
    image_prompt = required(
        body.image_prompt, "image_prompt", "the pose to draw before animating it"
    )
    return NewJob(
        type="animation",
        collection_id=collection["id"],
        cost=IMAGE_COST + COST_PER_SECOND * motion["duration"],
        item_id=item["id"] if item else None,
        item_name=name,
        item_type="animation",
        image_prompt=image_prompt,
        roles={**_IMAGES, **_VIDEOS},
        size=SIZE,
        params={
            "kind": "animation",
            "image_prompt": image_prompt,
            **motion,
            "reference_asset_ids": collection["reference_asset_ids"],
        },
    )


def _animated_image(
    store: Store,
    workspace_id: str,
    collection: Row,
    body: GenerateRequest,
    motion: dict[str, Any],
    source: Row,
) -> NewJob:
    """An animation of a stored image (`source`), or a transition from it to another."""
    roles = dict(_VIDEOS)
    kind = "animate"
    if body.end_image_asset_id is not None:
        end = source_image(store, workspace_id, "end_image_asset_id", body.end_image_asset_id)
        motion["end_image_asset_id"] = end["id"]
        motion["auto_reverse"] = body.auto_reverse
        kind = "transition"
        if body.auto_reverse:
            roles.update(_REVERSE)
    else:
        _no_reverse(body)
    item = _item(store, workspace_id, collection, body.item_id)
    if item is None and source["item_id"]:
        source_item = store.get("items", source["item_id"])
        if source_item and source_item["collection_id"] == collection["id"]:
            item = source_item
    return NewJob(
        type="animation",
        collection_id=collection["id"],
        cost=COST_PER_SECOND * motion["duration"],
        item_id=item["id"] if item else None,
        item_name=item["name"] if item else body.name or motion["animation_prompt"],
        item_type=item["type"] if item else "animation",
        image_prompt=item["image_prompt"] if item else None,
        roles=roles,
        size=SIZE,
        params={"kind": kind, "source_image_asset_id": source["id"], **motion},
    )


def source_image(store: Store, workspace_id: str, field: str, value: str) -> Row:
    """A completed `image` asset of this workspace, or a 400 teaching what to pass instead."""
    if "://" in value or value.startswith("data:"):
        raise bad_request(
            field,
            f"`{field}` takes an asset id, not a URL. Previews have no asset id: generate the"
            ' pose first (type "image") and pass its `asset_ids.image`, or upload the file'
            " (POST /v1/upload) and pass the new asset's `id`.",
        )
    asset = store.get("assets", value) if _is_uuid(value) else None
    if asset is None or asset["workspace_id"] != workspace_id:
        raise bad_request(
            field,
            f"`{field}`: no asset {value!r} in this workspace. Pass the id of an `image` asset:"
            " a job's `asset_ids.image` or an upload's `id`.",
        )
    if asset["type"] == "transparent_image":
        raise bad_request(
            field,
            f"`{field}` is a `transparent_image` asset (background removed). Pass the same"
            " item's `image` asset instead (the job's `asset_ids.image`).",
        )
    if asset["type"] != "image":
        raise bad_request(
            field,
            f"`{field}` is a `{asset['type']}` asset (a video). Pass an `image` asset, such as"
            " the item's `assets.image`.",
        )
    if asset["status"] == "pending":
        raise bad_request(
            field,
            f"`{field}` is still pending. Wait for its job to complete"
            " (GET /v1/jobs/<job_id>?wait=true), then pass it again.",
        )
    if asset["status"] != "completed":
        raise bad_request(
            field, f"`{field}`: the job that was to make this asset failed; generate it again."
        )
    return asset


_NAME_HINT = "a name for the new item, or `item_id` to add to an existing item"


def required(value: Any, field: str, hint: str) -> Any:
    """`value`, unless it is missing or blank: then a 400 naming `field`, with `hint`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise bad_request(field, f"`{field}` is required: {hint}.")
    return value


def _no_reverse(body: GenerateRequest) -> None:
    if body.auto_reverse:
        raise bad_request(
            "auto_reverse",
            "`auto_reverse` applies to transitions only: pass"
            " `end_image_asset_id` too, or drop `auto_reverse`.",
        )


def _item(store: Store, workspace_id: str, collection: Row, item_id: str | None) -> Row | None:
    """The existing item a request names, or None when it names none."""
    if item_id is None:
        return None
    item = store.get("items", item_id) if _is_uuid(item_id) else None
    if (
        item is None
        or item["workspace_id"] != workspace_id
        or item["collection_id"] != collection["id"]
    ):
        raise bad_request(
            "item_id",
            f"`item_id`: no item {item_id!r} in this collection;"
            " list them with GET /v1/collections/<id>/items.",
        )
    return item


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False
