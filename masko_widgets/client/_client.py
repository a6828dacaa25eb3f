"""MaskoClient and its resource areas."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from .._contract import MAX_BATCH, MAX_REFERENCES, MIN_DURATION
from ._auth import ApiKey
from ._errors import (
    APIStatusError,
    BadRequestError,
    MissingAPIKeyError,
    ReferenceLimitError,
    SourceImageError,
)
from ._files import ImageFile, load_image
from ._http import HTTP, Answer, error_from_body, list_of
from ._inputs import SOURCE_FIELDS, object_id, reference, source_error, source_image
from ._models import Asset, Collection, Item, Job, Preview, Project, References
from ._polling import final_result, wait_for_job

DEFAULT_BASE_URL = "https://api.masko.ai/v1"


class MaskoClient:
    """A client of the Masko API. Thread-safe: share one between threads.

    The key comes from `api_key` or else the MASKO_API_KEY environment variable, read now;
    the base URL from `base_url`, MASKO_BASE_URL, or the real API's.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        transport: Any = None,
    ) -> None:
        key = ApiKey(
            (api_key if api_key is not None else os.environ.get("MASKO_API_KEY", "")).strip()
        )
        del api_key  # from here on the key is only in `key`, which never shows it
        if not key:
            raise MissingAPIKeyError(
                "no Masko API key: pass MaskoClient(api_key=...) or set the MASKO_API_KEY "
                "environment variable. In a notebook, avoid pasting the key into a cell: "
                "import getpass, os; "
                "os.environ['MASKO_API_KEY'] = getpass.getpass('Masko API key: '). "
                "Without a key, masko_widgets.connect() runs an offline stand-in instead."
            )
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise ValueError(
                f"max_retries must be a whole number >= 0 (0 disables retries), got {max_retries!r}"
            )
        if not timeout or timeout <= 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        self._http = HTTP(
            api_key=key,
            base_url=base_url or os.environ.get("MASKO_BASE_URL") or DEFAULT_BASE_URL,
            timeout=float(timeout),
            max_retries=max_retries,
            transport=transport,
        )
        self.projects = Projects(self)
        self.collections = Collections(self)
        self.uploads = Uploads(self)
        self.references = ReferencesArea(self)
        self.previews = Previews(self)
        self.generations = Generations(self)
        self.items = Items(self)
        self.assets = Assets(self)
        self.jobs = Jobs(self)

    @property
    def base_url(self) -> str:
        """The API root every path is relative to."""
        return self._http.base_url

    def __repr__(self) -> str:
        http = getattr(self, "_http", None)  # absent while __init__ refuses an argument
        return f"MaskoClient(base_url={http.base_url if http else None!r})"

    def __enter__(self) -> MaskoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def credits(self) -> int:
        """The workspace's credit balance."""
        data = self._http.request("GET", "/credits").data
        if isinstance(data, Mapping):
            data = data.get("balance", data.get("credits"))
        return int(data)

    def suggest_actions(self, collection: Collection | str) -> list[str]:
        """6 to 8 pose names that suit the collection's character (free)."""
        answer = self._http.request("POST", f"/collections/{object_id(collection)}/suggest-actions")
        return [str(action) for action in list_of(answer.data, "actions")]

    def download(self, url: str) -> bytes:
        """The bytes behind an asset or preview URL."""
        return self._http.download(url)


class _Area:
    def __init__(self, client: MaskoClient) -> None:
        self._client = client
        self._http = client._http


class Projects(_Area):
    """`client.projects`: the workspace's projects."""

    def list(self) -> list[Project]:
        return [Project.from_api(entry) for entry in self._http.paginate("/projects", "projects")]

    def create(self, name: str) -> Project:
        return Project.from_api(self._http.request("POST", "/projects", json={"name": name}).data)


class Collections(_Area):
    """`client.collections`: mascot characters."""

    def list(self, project_id: Project | str | None = None) -> list[Collection]:
        params = {"project_id": object_id(project_id) if project_id is not None else None}
        entries = self._http.paginate("/collections", "collections", params)
        return [Collection.from_api(entry) for entry in entries]

    def create(
        self,
        name: str | None = None,
        *,
        project_id: Project | str | None = None,
        description: str | None = None,
        references: Sequence[Any] = (),
    ) -> Collection:
        """Create a collection, optionally with up to 6 references (images, assets or URLs)."""
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
                asset_ids.append(_uploaded(self._client, kind, value))
        body = {
            "name": name,
            "description": description,
            "project_id": object_id(project_id) if project_id is not None else None,
            "reference_asset_ids": asset_ids or None,
            "reference_image_urls": urls or None,
        }
        answer = self._http.request("POST", "/collections", json=_present(body))
        return Collection.from_api(answer.data)

    def get(self, collection_id: Collection | str) -> Collection:
        answer = self._http.request("GET", f"/collections/{object_id(collection_id)}")
        return Collection.from_api(answer.data)


class Uploads(_Area):
    """`client.uploads`: images stored as assets (type `image`, no item)."""

    def create(self, image: Any) -> Asset:
        """Upload a path, bytes, file object or PIL image, or a URL for the server to fetch."""
        loaded = load_image(image)
        if isinstance(loaded, ImageFile):
            answer = self._http.request("POST", "/upload", file=loaded)
        else:
            answer = self._http.request("POST", "/upload", json={"url": loaded})
        return Asset.from_api(answer.data, self._client)


class ReferencesArea(_Area):
    """`client.references`: a collection's persistent references (at most 6)."""

    def list(self, collection_id: Collection | str) -> References:
        answer = self._http.request("GET", f"/collections/{object_id(collection_id)}")
        return References.from_api(answer.data)

    def add(self, collection_id: Collection | str, image: Any) -> References:
        """Pin an image, an Asset, or a URL; a 7th is refused before anything is sent."""
        kind, value = reference(image)
        current = self.list(collection_id)
        if len(current.asset_ids) >= MAX_REFERENCES and not (
            kind == "asset_id" and value in current.asset_ids
        ):
            raise _full(collection_id)
        if kind == "url":
            body = {"url": value}
        else:
            body = {"asset_id": _uploaded(self._client, kind, value)}
        path = f"/collections/{object_id(collection_id)}/references"
        try:
            return References.from_api(self._http.request("POST", path, json=body).data)
        except BadRequestError as exc:
            # Another caller may have taken the last slot since the count above.
            if exc.field in ("asset_id", "url") and self._full(collection_id):
                raise _full(collection_id) from exc
            raise

    def _full(self, collection_id: Collection | str) -> bool:
        return len(self.list(collection_id).asset_ids) >= MAX_REFERENCES

    def remove(self, collection_id: Collection | str, asset: Asset | str) -> References:
        path = f"/collections/{object_id(collection_id)}/references/{object_id(asset)}"
        return References.from_api(self._http.request("DELETE", path).data)


def _full(collection_id: Collection | str) -> ReferenceLimitError:
    return ReferenceLimitError(
        f"collection {object_id(collection_id)} already has {MAX_REFERENCES} references, "
        "the most it can hold: remove one first (client.references.remove(collection, "
        "asset_id))"
    )


class Previews(_Area):
    """`client.previews`: quick, ephemeral images (no asset id; they cannot be sources)."""

    def create(
        self,
        prompt: str,
        *,
        hints: Sequence[Any] = (),
        collection_id: Collection | str | None = None,
    ) -> list[Preview]:
        """Preview a prompt; `hints` (up to 6 images or URLs) are one-off style references."""
        _require_text(prompt, "prompt")
        resolved = [reference(value) for value in hints]
        if len(resolved) > MAX_REFERENCES:
            raise ReferenceLimitError(
                f"a preview takes at most {MAX_REFERENCES} hints, got {len(resolved)}"
            )
        urls = [self._hint_url(kind, value) for kind, value in resolved]
        body: dict[str, Any] = {"prompt": prompt}
        if collection_id is not None:
            body["collection_id"] = object_id(collection_id)
        if urls:
            body["reference_image_urls"] = urls
        answer = self._http.request("POST", "/generate/preview", json=body)
        entries = list_of(answer.data, "previews")
        return [Preview.from_api(entry, prompt, self._client) for entry in entries]

    def _hint_url(self, kind: str, value: Any) -> str:
        if kind == "url":
            return value
        if kind == "file":
            return self._client.uploads.create(value).url
        return self._client.assets.get(value).url


class Generations(_Area):
    """`client.generations`: paid jobs that make items and their assets (202 + a Job).

    Each call takes `idempotency_key`: after an ambiguous failure (5xx, timeout, lost answer)
    send the same call again with the same key, and a server that honours `Idempotency-Key`
    (the stand-in does) answers with the first job instead of charging twice. Without one,
    each call gets a fresh key.
    """

    def image(
        self,
        collection_id: Collection | str,
        name: str | Item,
        prompt: str,
        *,
        idempotency_key: str | None = None,
    ) -> Job:
        """Generate an item's image; pass an Item instead of a name to regenerate it."""
        _require_text(prompt, "prompt")
        body: dict[str, Any] = {"type": "image", "image_prompt": prompt}
        if isinstance(name, Item):
            body["item_id"] = name.id
        else:
            _require_text(name, "name")
            body["name"] = name
        return self._generate(collection_id, body, idempotency_key)

    def animate(
        self,
        collection_id: Collection | str,
        source: Any,
        animation_prompt: str,
        *,
        duration: int = 4,
        loop: bool = True,
        end: Any = None,
        auto_reverse: bool = False,
        idempotency_key: str | None = None,
    ) -> Job:
        """Animate an existing image (Asset of type image, Item, Job or asset id).

        With `end`, a transition from `source` to `end`; `auto_reverse` adds the way back.
        """
        _require_text(animation_prompt, "animation_prompt")
        if not isinstance(duration, int) or isinstance(duration, bool) or duration < MIN_DURATION:
            raise ValueError(
                f"duration is whole seconds ({MIN_DURATION} or more), got {duration!r}"
            )
        source_id, _ = source_image(source)
        body: dict[str, Any] = {
            "type": "animation",
            "source_image_asset_id": source_id,
            "animation_prompt": animation_prompt,
            "duration": duration,
            "loop": loop,
        }
        if end is not None:
            body["end_image_asset_id"] = source_image(end, "end")[0]
            body["auto_reverse"] = auto_reverse
        return self._generate(collection_id, body, idempotency_key)

    def edit(
        self,
        collection_id: Collection | str,
        source: Any,
        instructions: str,
        *,
        idempotency_key: str | None = None,
    ) -> Job:
        """Edit an item's image; the new image lands on the same item."""
        _require_text(instructions, "instructions")
        source_id, item_id = source_image(source)
        if item_id is None and not isinstance(source, Asset):
            asset = self._client.assets.get(source_id)
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
        return self._generate(collection_id, body, idempotency_key)

    def keep(
        self,
        collection_id: Collection | str,
        preview: Preview,
        name: str,
        *,
        idempotency_key: str | None = None,
    ) -> Job:
        """Generate a preview's prompt as a real item called `name` ("keep this one")."""
        if not isinstance(preview, Preview) or not preview.prompt:
            raise ValueError("keep() needs a Preview returned by client.previews.create")
        return self.image(collection_id, name, preview.prompt, idempotency_key=idempotency_key)

    def batch(
        self,
        collection_id: Collection | str,
        requests: Sequence[Mapping[str, Any]],
        *,
        idempotency_key: str | None = None,
    ) -> list[Job | APIStatusError]:
        """Up to 10 generate bodies at once; each entry is a Job or the error for that request."""
        if not 1 <= len(requests) <= MAX_BATCH:
            raise ValueError(f"a batch holds 1 to {MAX_BATCH} requests, got {len(requests)}")
        bodies = [_batch_body(request) for request in requests]
        path = f"/collections/{object_id(collection_id)}/generate-batch"
        answer = self._request_mapping_source_errors(path, {"requests": bodies}, idempotency_key)
        entries = list_of(answer.data, "jobs")
        return [
            _batch_entry(entry, body, object_id(collection_id), self._client)
            for entry, body in zip(entries, bodies, strict=False)
        ]

    def _generate(
        self, collection_id: Collection | str, body: dict[str, Any], idempotency_key: str | None
    ) -> Job:
        collection = object_id(collection_id)
        path = f"/collections/{collection}/generate"
        answer = self._request_mapping_source_errors(path, body, idempotency_key)
        return _job_from_accepted(answer.data, body, collection, self._client)

    def _request_mapping_source_errors(
        self, path: str, body: Any, idempotency_key: str | None
    ) -> Answer:
        try:
            return self._http.request("POST", path, json=body, idempotency_key=idempotency_key)
        except BadRequestError as exc:
            mapped = source_error(exc)
            if mapped is None:
                raise
            raise mapped from exc


class Items(_Area):
    """`client.items`: a collection's poses."""

    def list(self, collection_id: Collection | str) -> list[Item]:
        path = f"/collections/{object_id(collection_id)}/items"
        return [Item.from_api(entry) for entry in self._http.paginate(path, "items")]

    def pages(self, collection_id: Collection | str) -> Iterator[tuple[list[Item], int | None]]:
        """The collection's items (oldest first) one page at a time, each with the number of
        items in all (None when the API does not say); for showing a long list as it comes."""
        path = f"/collections/{object_id(collection_id)}/items"
        for page, total in self._http.pages(path, "items"):
            yield [Item.from_api(entry) for entry in page], total


class Assets(_Area):
    """`client.assets`: file metadata."""

    def get(self, asset_id: Asset | str) -> Asset:
        answer = self._http.request("GET", f"/assets/{object_id(asset_id)}")
        return Asset.from_api(answer.data, self._client)


class Jobs(_Area):
    """`client.jobs`: generation jobs."""

    def get(self, job_id: Job | str) -> Job:
        answer = self._http.request("GET", f"/jobs/{object_id(job_id)}")
        return Job.from_api(answer.data, self._client)

    def list(
        self,
        *,
        status: str | None = None,
        collection_id: Collection | str | None = None,
        type: str | None = None,
    ) -> list[Job]:
        params = {
            "status": status,
            "collection_id": object_id(collection_id) if collection_id is not None else None,
            "type": type,
        }
        entries = self._http.paginate("/jobs", "jobs", params)
        return [Job.from_api(entry, self._client) for entry in entries]

    def wait(
        self,
        job_or_id: Job | str,
        *,
        timeout: float = 600,
        on_progress: Callable[[Job], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Job:
        """Block until the job is done and return it (completed).

        Uses the server's long-poll, so a job that ends within one hold costs one request.
        Raises JobFailedError, JobTimeoutError (the job goes on) or WaitCancelledError.
        """
        if isinstance(job_or_id, Job) and job_or_id.done:
            return final_result(job_or_id)
        job_id = object_id(job_or_id)

        def fetch(read_timeout: float) -> Job:
            answer = self._http.request(
                "GET",
                f"/jobs/{job_id}",
                params={"wait": "true"},
                read_timeout=read_timeout,
                max_retries=0,
            )
            return Job.from_api(answer.data, self._client)

        return wait_for_job(fetch, job_id, timeout=timeout, on_progress=on_progress, cancel=cancel)


def _job_from_accepted(
    data: Mapping[str, Any], body: Mapping[str, Any], collection_id: str, client: MaskoClient
) -> Job:
    known = {
        "type": body.get("type"),
        "collection_id": collection_id,
        "item_name": body.get("name"),
    }
    if body.get("item_id"):
        known["item_id"] = body["item_id"]
    return Job.from_api(data, client, **known)


def _batch_body(request: Mapping[str, Any]) -> dict[str, Any]:
    body = dict(request)
    for field, role in zip(SOURCE_FIELDS, ("source", "end"), strict=True):
        if body.get(field) is not None:
            body[field] = source_image(body[field], role)[0]
    return body


def _batch_entry(
    entry: Mapping[str, Any], body: Mapping[str, Any], collection_id: str, client: MaskoClient
) -> Job | APIStatusError:
    if entry.get("error") is not None:
        return error_from_body(int(entry.get("status") or 400), entry)
    return _job_from_accepted(entry, body, collection_id, client)


def _uploaded(client: MaskoClient, kind: str, value: Any) -> str:
    """An asset id for a resolved reference, uploading it first when it is a file."""
    return client.uploads.create(value).id if kind == "file" else value


def _require_text(value: Any, name: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")


def _present(body: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value is not None}
