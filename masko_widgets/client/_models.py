"""Immutable views of the API's resources, built from tolerant parsing of its JSON."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .._contract import IMAGE_ASSET_TYPES, RUNNING_STATES
from ._errors import MaskoError

if TYPE_CHECKING:
    from PIL import Image


def _mapping(value: Any) -> Mapping[str, str]:
    return MappingProxyType(dict(value or {}))


def _attached(model: Any) -> Any:
    """The client a model came from (a MaskoClient, or an AsyncMaskoClient for Async* models)."""
    if model._client is None:
        raise MaskoError(
            f"this {type(model).__name__} was built by hand; get it from a MaskoClient "
            "to read its file"
        )
    return model._client


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {
            spec.name: _plain(getattr(value, spec.name))
            for spec in fields(value)
            if not spec.name.startswith("_")
        }
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


class _Model:
    """What every model offers besides its fields."""

    def to_dict(self) -> dict[str, Any]:
        """The model's fields as plain JSON-ready values (dicts, lists, strings, numbers)."""
        plain: dict[str, Any] = _plain(self)
        return plain


def _decoded(data: bytes) -> Image.Image:
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image.load()
    return image


class _Readable:
    """Shared file access for models that carry a URL to an image."""

    url: str
    _client: Any

    def read(self) -> bytes:
        """Download the file's bytes."""
        data: bytes = _attached(self).download(self.url)
        return data

    def to_pil(self) -> Image.Image:
        """The file decoded by Pillow (images only)."""
        return _decoded(self.read())

    def _repr_png_(self) -> bytes | None:
        if not self._is_image():
            return None
        data = self.read()
        if data.startswith(b"\x89PNG"):
            return data
        out = io.BytesIO()
        _decoded(data).save(out, format="PNG")
        return out.getvalue()

    def _is_image(self) -> bool:
        return True


class _AsyncReadable:
    """File access for models of an AsyncMaskoClient: `await asset.read()`."""

    url: str
    _client: Any

    async def read(self) -> bytes:
        """Download the file's bytes."""
        data: bytes = await _attached(self).download(self.url)
        return data

    async def to_pil(self) -> Image.Image:
        """The file decoded by Pillow (images only)."""
        return _decoded(await self.read())

    def _repr_png_(self) -> None:
        return None  # a notebook's display cannot await a download


@dataclass(frozen=True)
class Project(_Model):
    """A workspace's container of collections."""

    id: str
    name: str
    organization_id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Project:
        return cls(
            id=data["id"],
            name=data.get("name", ""),
            organization_id=data.get("organization_id"),
            created_at=data.get("created_at"),
            updated_at=data.get("updated_at"),
        )


@dataclass(frozen=True)
class Collection(_Model):
    """One mascot character: its references, style card and items."""

    id: str
    project_id: str | None = None
    name: str | None = None
    slug: str | None = None
    prompt: str | None = None
    reference_asset_ids: tuple[str, ...] = ()
    style_card: str | None = None
    caution_list: tuple[str, ...] = ()
    created_at: str | None = None
    updated_at: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Collection:
        config = data.get("config") or data
        return cls(
            id=data["id"],
            project_id=data.get("project_id"),
            name=data.get("name"),
            slug=data.get("slug"),
            prompt=config.get("prompt"),
            reference_asset_ids=tuple(config.get("reference_asset_ids") or ()),
            style_card=config.get("style_card"),
            caution_list=tuple(config.get("caution_list") or ()),
            created_at=data.get("created_at"),
            updated_at=data.get("updated_at"),
        )


@dataclass(frozen=True)
class References(_Model):
    """A collection's persistent references (at most 6) and its cached style card."""

    asset_ids: tuple[str, ...]
    style_card: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> References:
        config = data.get("config") or data
        ids = config.get("reference_asset_ids", config.get("asset_ids")) or ()
        return cls(asset_ids=tuple(ids), style_card=config.get("style_card"))


@dataclass(frozen=True)
class Item(_Model):
    """One pose of a collection; `assets` maps each asset type to its newest asset id."""

    id: str
    collection_id: str | None = None
    name: str | None = None
    type: str | None = None
    image_prompt: str | None = None
    assets: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    created_at: str | None = None

    @property
    def image_asset_id(self) -> str | None:
        """The id of the item's `image` asset: the one to animate or edit."""
        return self.assets.get("image")

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Item:
        return cls(
            id=data["id"],
            collection_id=data.get("collection_id"),
            name=data.get("name"),
            type=data.get("type"),
            image_prompt=data.get("image_prompt"),
            assets=_mapping(data.get("assets")),
            created_at=data.get("created_at"),
        )


@dataclass(frozen=True)
class Asset(_Readable, _Model):
    """One file: an image, a transparent image or a video."""

    id: str
    type: str
    status: str | None = None
    url: str = ""
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    item_id: str | None = None
    collection_id: str | None = None
    created_at: str | None = None
    _client: Any = field(default=None, repr=False, compare=False)

    def save(self, path: str | Path) -> Path:
        """Download the file to `path` and return the path."""
        target = Path(path)
        target.write_bytes(self.read())
        return target

    def _is_image(self) -> bool:
        return self.type in IMAGE_ASSET_TYPES

    @classmethod
    def from_api(cls, data: Mapping[str, Any], client: Any = None) -> Asset:
        return cls(
            id=data["id"],
            type=data.get("type", "image"),
            status=data.get("status"),
            url=data.get("url", ""),
            mime_type=data.get("mime_type"),
            width=data.get("width"),
            height=data.get("height"),
            item_id=data.get("item_id"),
            collection_id=data.get("collection_id"),
            created_at=data.get("created_at"),
            _client=client,
        )


@dataclass(frozen=True)
class Preview(_Readable, _Model):
    """An ephemeral preview: a URL that expires, with no asset id (it cannot be a source)."""

    url: str
    expires_at: str | None = None
    width: int | None = None
    height: int | None = None
    prompt: str | None = None
    _client: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any], prompt: str | None, client: Any = None) -> Preview:
        return cls(
            url=data["url"],
            expires_at=data.get("expires_at"),
            width=data.get("width"),
            height=data.get("height"),
            prompt=data.get("prompt", prompt),
            _client=client,
        )


@dataclass(frozen=True)
class JobError(_Model):
    """Why a job failed."""

    code: str | None
    message: str

    @classmethod
    def from_api(cls, data: Any) -> JobError | None:
        if not data:
            return None
        if isinstance(data, str):
            return cls(code=None, message=data)
        return cls(code=data.get("code"), message=str(data.get("message", "")))


@dataclass(frozen=True)
class Job(_Model):
    """A generation: its state, and the assets it makes (URLs are final from the start)."""

    id: str
    status: str
    type: str | None = None
    collection_id: str | None = None
    item_id: str | None = None
    item_name: str | None = None
    cost_credits: int | None = None
    asset_ids: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    urls: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    error: JobError | None = None
    created_at: str | None = None
    updated_at: str | None = None
    completed_at: str | None = None
    _client: Any = field(default=None, repr=False, compare=False)

    @property
    def done(self) -> bool:
        """Whether the job has stopped running (completed, failed or any other final state)."""
        return self.status not in RUNNING_STATES

    def wait(
        self,
        timeout: float = 600,
        on_progress: Callable[[Job], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Job:
        """Block until the job is done; see `MaskoClient.jobs.wait`."""
        job: Job = _attached(self).jobs.wait(
            self, timeout=timeout, on_progress=on_progress, cancel=cancel
        )
        return job

    @classmethod
    def from_api(cls, data: Mapping[str, Any], client: Any = None, **known: Any) -> Job:
        """Build from a job body or a 202 body; `known` fills what a bare 202 leaves out."""
        given = {key: data[key] for key in _JOB_FIELDS if data.get(key) is not None}
        output = data.get("output_data")  # the older job shape keeps the item id there
        if isinstance(output, Mapping) and "item_id" not in given and output.get("item_id"):
            given["item_id"] = output["item_id"]
        values = {"status": "pending", **known, **given}
        parsed: dict[str, Any] = {name: values.get(name) for name in _JOB_FIELDS}
        parsed["asset_ids"] = _mapping(parsed["asset_ids"])
        parsed["urls"] = _mapping(parsed["urls"])
        parsed["error"] = JobError.from_api(parsed["error"])
        return cls(id=data.get("id") or data["job_id"], _client=client, **parsed)


_JOB_FIELDS = tuple(spec.name for spec in fields(Job) if spec.name not in ("id", "_client"))
"""The fields of a Job read from its JSON body (or filled in from what the caller knows)."""


class AsyncAsset(_AsyncReadable, Asset):  # type: ignore[misc]  # awaited read, to_pil
    """An Asset of an AsyncMaskoClient: `await asset.read()`, `await asset.save(path)`."""

    async def save(self, path: str | Path) -> Path:  # type: ignore[override]
        """Download the file to `path` and return the path."""
        target = Path(path)
        target.write_bytes(await self.read())
        return target


class AsyncPreview(_AsyncReadable, Preview):  # type: ignore[misc]  # awaited read, to_pil
    """A Preview of an AsyncMaskoClient: `await preview.read()`."""


class AsyncJob(Job):
    """A Job of an AsyncMaskoClient: `await job.wait()`."""

    async def wait(  # type: ignore[override]
        self,
        timeout: float = 600,
        on_progress: Callable[[Job], None] | None = None,
    ) -> Job:
        """Wait until the job is done; cancel the awaiting task to stop waiting.

        See `AsyncMaskoClient.jobs.wait`.
        """
        job: Job = await _attached(self).jobs.wait(self, timeout=timeout, on_progress=on_progress)
        return job
