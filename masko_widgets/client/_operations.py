"""Every client method's logic as a plan, shared by MaskoClient and AsyncMaskoClient.

The resource classes of `_client.py` and `_async_client.py` only pick a plan and run it on
their driver; what is sent, checked and parsed is decided here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from .._contract import MAX_BATCH, MAX_REFERENCES, MIN_DURATION
from ._errors import (
    APIStatusError,
    BadRequestError,
    NotFoundError,
    ReferenceLimitError,
    SourceImageError,
)
from ._files import ImageFile, load_image
from ._inputs import (
    SOURCE_FIELDS,
    object_id,
    pose_name,
    reference,
    source_error,
    source_image,
)
from ._models import Asset, Collection, Item, Job, Preview, Project, References
from ._plans import Pages, Plan, collect, one, pages, relay, whole_pages
from ._wire import Call, error_from_body, list_of


@dataclass(frozen=True)
class Models:
    """Builds models attached to one client, of its flavour (sync, or Async* for async)."""

    client: Any
    job_type: type[Job] = Job
    asset_type: type[Asset] = Asset
    preview_type: type[Preview] = Preview

    def job(self, data: Any, **known: Any) -> Job:
        return self.job_type.from_api(data, self.client, **known)

    def asset(self, data: Any) -> Asset:
        return self.asset_type.from_api(data, self.client)

    def preview(self, data: Any, prompt: str | None) -> Preview:
        return self.preview_type.from_api(data, prompt, self.client)


def credits() -> Plan[int]:
    answer = yield Call("GET", "/credits")
    data = answer.data
    if isinstance(data, Mapping):
        data = data.get("balance", data.get("credits"))
    return int(data)


def suggest_actions(collection: Collection | str) -> Plan[list[str]]:
    answer = yield Call("POST", f"/collections/{object_id(collection)}/suggest-actions")
    return [str(action) for action in list_of(answer.data, "actions")]


def list_projects() -> Pages[Project]:
    return pages("/projects", "projects", Project.from_api)


def create_project(name: str) -> Plan[Project]:
    return one("POST", "/projects", Project.from_api, json={"name": name})


def list_collections(project_id: Project | str | None) -> Pages[Collection]:
    params = {"project_id": object_id(project_id) if project_id is not None else None}
    return pages("/collections", "collections", Collection.from_api, params)


def get_collection(collection_id: Collection | str) -> Plan[Collection]:
    return one("GET", f"/collections/{object_id(collection_id)}", Collection.from_api)


def create_collection(
    models: Models,
    name: str | None,
    project_id: Project | str | None,
    description: str | None,
    references: Sequence[Any],
) -> Plan[Collection]:
    """Create a collection, uploading the references that are files first."""
    resolved = [reference(value) for value in references]
    if len(resolved) > MAX_REFERENCES:
        raise ReferenceLimitError(
            f"a collection holds at most {MAX_REFERENCES} references, got {len(resolved)}: "
            "pick the 6 that show the character best"
        )
    asset_ids: list[str] = []
    urls: list[str] = []
    for kind, value in resolved:
        if kind == "url":
            urls.append(value)
        else:
            asset_ids.append((yield from _uploaded(models, kind, value)))
    body = {
        "name": name,
        "description": description,
        "project_id": object_id(project_id) if project_id is not None else None,
        "reference_asset_ids": asset_ids or None,
        "reference_image_urls": urls or None,
    }
    answer = yield Call("POST", "/collections", json=_present(body))
    return Collection.from_api(answer.data)


def upload(models: Models, image: Any) -> Plan[Asset]:
    """Upload a path, bytes, file object or PIL image, or a URL for the server to fetch."""
    loaded = load_image(image)
    if isinstance(loaded, ImageFile):
        answer = yield Call("POST", "/upload", file=loaded)
    else:
        answer = yield Call("POST", "/upload", json={"url": loaded})
    return models.asset(answer.data)


def list_references(collection_id: Collection | str) -> Plan[References]:
    return one("GET", f"/collections/{object_id(collection_id)}", References.from_api)


def add_reference(models: Models, collection_id: Collection | str, image: Any) -> Plan[References]:
    """Pin an image, an Asset, or a URL; a 7th is refused before anything is sent."""
    kind, value = reference(image)
    current = yield from list_references(collection_id)
    if len(current.asset_ids) >= MAX_REFERENCES and not (
        kind == "asset_id" and value in current.asset_ids
    ):
        raise _full(collection_id)
    if kind == "url":
        body = {"url": value}
    else:
        body = {"asset_id": (yield from _uploaded(models, kind, value))}
    path = f"/collections/{object_id(collection_id)}/references"
    try:
        answer = yield Call("POST", path, json=body)
    except BadRequestError as exc:
        # Another caller may have taken the last slot since the count above.
        if exc.field in ("asset_id", "url"):
            now = yield from list_references(collection_id)
            if len(now.asset_ids) >= MAX_REFERENCES:
                raise _full(collection_id) from exc
        raise
    return References.from_api(answer.data)


def remove_reference(collection_id: Collection | str, asset: Asset | str) -> Plan[References]:
    """Unpin a reference; NotFoundError when it is not one (or the collection is unknown).

    A DELETE whose answer was lost is sent again, and the server answers the replay 404: a
    reference that was there before the call and is gone after it counts as removed.
    """
    asset_id = object_id(asset)
    before = (yield from list_references(collection_id)).asset_ids
    path = f"/collections/{object_id(collection_id)}/references/{asset_id}"
    try:
        answer = yield Call("DELETE", path)
    except NotFoundError:
        if asset_id not in before:
            raise
        after = yield from list_references(collection_id)  # raises if the collection is gone
        if asset_id in after.asset_ids:
            raise
        return after
    return References.from_api(answer.data)


def _full(collection_id: Collection | str) -> ReferenceLimitError:
    return ReferenceLimitError(
        f"collection {object_id(collection_id)} already has {MAX_REFERENCES} references, "
        "the most it can hold: remove one first (client.references.remove(collection, "
        "asset_id))"
    )


def preview(
    models: Models,
    prompt: str,
    hints: Sequence[Any],
    collection_id: Collection | str | None,
) -> Plan[list[Preview]]:
    """Preview a prompt; `hints` (up to 6 images or URLs) are one-off style references."""
    _require_text(prompt, "prompt")
    resolved = [reference(value) for value in hints]
    if len(resolved) > MAX_REFERENCES:
        raise ReferenceLimitError(
            f"a preview takes at most {MAX_REFERENCES} hints, got {len(resolved)}"
        )
    urls: list[str] = []
    for kind, value in resolved:
        if kind == "url":
            urls.append(value)
        elif kind == "file":
            urls.append((yield from upload(models, value)).url)
        else:
            urls.append((yield from get_asset(models, value)).url)
    body: dict[str, Any] = {"prompt": prompt}
    if collection_id is not None:
        body["collection_id"] = object_id(collection_id)
    if urls:
        body["reference_image_urls"] = urls
    answer = yield Call("POST", "/generate/preview", json=body)
    return [models.preview(entry, prompt) for entry in list_of(answer.data, "previews")]


def get_asset(models: Models, asset_id: Asset | str) -> Plan[Asset]:
    return one("GET", f"/assets/{object_id(asset_id)}", models.asset)


def list_items(collection_id: Collection | str) -> Pages[Item]:
    return pages(f"/collections/{object_id(collection_id)}/items", "items", Item.from_api)


ItemPage: TypeAlias = tuple[list[Item], int | None]
"""A page of a collection's items, with the number of items in all (None when not said)."""


def item_pages(collection_id: Collection | str) -> Pages[ItemPage]:
    """The collection's items a page at a time, each page with the number of items in all."""
    listing = whole_pages(f"/collections/{object_id(collection_id)}/items", "items")
    return relay(listing, lambda page: [([Item.from_api(entry) for entry in page[0]], page[1])])


def get_job(models: Models, job_id: Job | str) -> Plan[Job]:
    return one("GET", f"/jobs/{object_id(job_id)}", models.job)


def list_jobs(
    models: Models,
    status: str | None,
    collection_id: Collection | str | None,
    type: str | None,
) -> Pages[Job]:
    params = {
        "status": status,
        "collection_id": object_id(collection_id) if collection_id is not None else None,
        "type": type,
    }
    return pages("/jobs", "jobs", models.job, params)


def image(
    models: Models,
    collection_id: Collection | str,
    name: str | Item,
    prompt: str,
    idempotency_key: str | None,
) -> Plan[Job]:
    """Generate an item's image; an Item instead of a name regenerates it."""
    _require_text(prompt, "prompt")
    body: dict[str, Any] = {"type": "image", "image_prompt": prompt, **_named(name)}
    return generate(models, collection_id, body, idempotency_key)


def animation(
    models: Models,
    collection_id: Collection | str,
    name: str | Item,
    image_prompt: str,
    animation_prompt: str,
    motion: Motion,
    idempotency_key: str | None,
) -> Plan[Job]:
    """An animation from scratch: draw the pose, then move it (assets of both)."""
    _require_text(image_prompt, "image_prompt")
    _require_text(animation_prompt, "animation_prompt")
    body: dict[str, Any] = {
        "type": "animation",
        **_named(name),
        "image_prompt": image_prompt,
        "animation_prompt": animation_prompt,
        **motion.body(),
    }
    return generate(models, collection_id, body, idempotency_key)


@dataclass(frozen=True)
class Motion:
    """How an animation moves: whole seconds, and whether it loops."""

    duration: int = 4
    loop: bool = True

    def body(self) -> dict[str, Any]:
        duration = self.duration
        if not isinstance(duration, int) or isinstance(duration, bool) or duration < MIN_DURATION:
            raise ValueError(
                f"duration is whole seconds ({MIN_DURATION} or more), got {duration!r}"
            )
        return {"duration": duration, "loop": bool(self.loop)}


def animate(
    models: Models,
    collection_id: Collection | str,
    source: Any,
    animation_prompt: str,
    motion: Motion,
    end: Any,
    auto_reverse: bool,
    name: str | None,
    idempotency_key: str | None,
) -> Plan[Job]:
    """Animate an existing image; with `end`, a transition (`auto_reverse`: the way back too)."""
    _require_text(animation_prompt, "animation_prompt")
    if name is not None:
        name = pose_name(name)
    motion_body = motion.body()
    source_id = yield from _source(collection_id, source, "source")
    body: dict[str, Any] = {
        "type": "animation",
        "source_image_asset_id": source_id,
        "animation_prompt": animation_prompt,
        **motion_body,
    }
    if name is not None:
        body["name"] = name
    if end is not None:
        body["end_image_asset_id"] = yield from _source(collection_id, end, "end")
        body["auto_reverse"] = auto_reverse
    return (yield from generate(models, collection_id, body, idempotency_key))


def _source(collection_id: Collection | str, source: Any, role: str) -> Plan[str]:
    """The image asset id of a source; a Job whose answers named no asset ids (a shape the
    docs show) is looked up through its item."""
    if isinstance(source, Job) and "image" not in source.asset_ids and source.item_id:
        items = yield from collect(list_items(collection_id))
        found = next((item for item in items if item.id == source.item_id), None)
        if found is not None and found.image_asset_id:
            return found.image_asset_id
    return source_image(source, role)[0]


def edit(
    models: Models,
    collection_id: Collection | str,
    source: Any,
    instructions: str,
    idempotency_key: str | None,
) -> Plan[Job]:
    """Edit an item's image; the new image lands on the same item."""
    _require_text(instructions, "instructions")
    source_id, item_id = source_image(source)
    if item_id is None and not isinstance(source, Asset):
        asset = yield from get_asset(models, source_id)
        source_image(asset)
        item_id = asset.item_id
    if item_id is None:
        raise SourceImageError(
            f"asset {source_id} belongs to no item (an upload?): edit changes an item's "
            "image. Generate the item first (client.generations.image) and edit its image"
        )
    body = {
        "type": "edit",
        "item_id": item_id,
        "source_image_asset_id": source_id,
        "edit_instructions": instructions,
    }
    return (yield from generate(models, collection_id, body, idempotency_key))


def keep(
    models: Models,
    collection_id: Collection | str,
    preview: Preview,
    name: str,
    idempotency_key: str | None,
) -> Plan[Job]:
    """Generate a preview's prompt as a real item called `name` ("keep this one")."""
    if not isinstance(preview, Preview) or not preview.prompt:
        raise ValueError("keep() needs a Preview returned by client.previews.create")
    return image(models, collection_id, name, preview.prompt, idempotency_key)


def batch(
    models: Models,
    collection_id: Collection | str,
    requests: Sequence[Mapping[str, Any]],
    idempotency_key: str | None,
) -> Plan[list[Job | APIStatusError]]:
    """Up to 10 generate bodies at once; each entry is a Job or the error for that request."""
    if not 1 <= len(requests) <= MAX_BATCH:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH} requests, got {len(requests)}")
    bodies = [_batch_body(request) for request in requests]
    path = f"/collections/{object_id(collection_id)}/generate-batch"
    data = yield from _submit(path, {"requests": bodies}, idempotency_key)
    collection = object_id(collection_id)
    return [
        _batch_entry(models, entry, body, collection)
        for entry, body in zip(list_of(data, "jobs"), bodies, strict=False)
    ]


def generate(
    models: Models,
    collection_id: Collection | str,
    body: dict[str, Any],
    idempotency_key: str | None,
) -> Plan[Job]:
    """POST one generate body; the 202 as a Job, with what the body already told."""
    collection = object_id(collection_id)
    data = yield from _submit(f"/collections/{collection}/generate", body, idempotency_key)
    return _accepted(models, data, body, collection)


def _submit(path: str, body: Any, idempotency_key: str | None) -> Plan[Any]:
    try:
        answer = yield Call("POST", path, json=body, idempotency_key=idempotency_key)
    except BadRequestError as exc:
        mapped = source_error(exc)
        if mapped is None:
            raise
        raise mapped from exc
    return answer.data


def _accepted(
    models: Models, data: Mapping[str, Any], body: Mapping[str, Any], collection_id: str
) -> Job:
    known = {
        "type": body.get("type"),
        "collection_id": collection_id,
        "item_name": body.get("name"),
    }
    if body.get("item_id"):
        known["item_id"] = body["item_id"]
    return models.job(data, **known)


def _batch_body(request: Mapping[str, Any]) -> dict[str, Any]:
    body = dict(request)
    if "name" in body:
        body["name"] = pose_name(body["name"])
    for field, role in zip(SOURCE_FIELDS, ("source", "end"), strict=True):
        if body.get(field) is not None:
            body[field] = source_image(body[field], role)[0]
    return body


def _batch_entry(
    models: Models, entry: Mapping[str, Any], body: Mapping[str, Any], collection_id: str
) -> Job | APIStatusError:
    if entry.get("error") is not None:
        return error_from_body(int(entry.get("status") or 400), entry)
    return _accepted(models, entry, body, collection_id)


def _uploaded(models: Models, kind: str, value: Any) -> Plan[str]:
    """An asset id for a resolved reference, uploading it first when it is a file."""
    if kind == "file":
        return (yield from upload(models, value)).id
    return str(value)


def _named(name: str | Item) -> dict[str, str]:
    if isinstance(name, Item):
        return {"item_id": name.id}
    return {"name": pose_name(name)}


def _require_text(value: Any, name: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")


def _present(body: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value is not None}
