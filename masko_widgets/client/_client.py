"""MaskoClient and its resource areas: blocking calls that run the plans of `_operations`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

from . import _operations as op
from ._auth import read_base_url, read_key
from ._errors import APIStatusError
from ._http import HTTP
from ._inputs import object_id
from ._models import Asset, Collection, Item, Job, Preview, Project, References
from ._plans import Plan
from ._polling import final_result, wait_plan
from ._raw import RawResponse, capture
from ._wire import Options

if TYPE_CHECKING:
    from ._async_client import AsyncMaskoClient

T = TypeVar("T")


class MaskoClient:
    """A client of the Masko API. Thread-safe: share one between threads.

    The key comes from `api_key` or else the MASKO_API_KEY environment variable, read now;
    the base URL from `base_url`, MASKO_BASE_URL, or the real API's. `timeout` is seconds per
    request (long-polls read longer), `max_retries` how often a failed call is sent again.
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
        key = read_key(api_key)
        del api_key  # from here on the key is only in `key`, which never shows it
        options = Options(timeout=timeout, max_retries=max_retries)
        http = HTTP(
            api_key=key, base_url=read_base_url(base_url), options=options, transport=transport
        )
        self._bind(http)

    def _bind(self, http: HTTP) -> None:
        self._http = http
        self._models = op.Models(self)
        self.projects: Projects = Projects(self)
        self.collections: Collections = Collections(self)
        self.uploads: Uploads = Uploads(self)
        self.references: ReferencesArea = ReferencesArea(self)
        self.previews: Previews = Previews(self)
        self.generations: Generations = Generations(self)
        self.items: Items = Items(self)
        self.assets: Assets = Assets(self)
        self.jobs: Jobs = Jobs(self)

    @property
    def base_url(self) -> str:
        """The API root every path is relative to."""
        return self._http.base_url

    @property
    def timeout(self) -> float:
        """Seconds each request may take (a long-poll reads longer)."""
        return self._http.options.timeout

    @property
    def max_retries(self) -> int:
        """How often a failed call is sent again, when that is safe."""
        return self._http.options.max_retries

    def workspace_tag(self, salt: bytes) -> str:
        """A one-way tag of the workspace this client's key opens: an HMAC of the key under
        `salt`. Caches use it to keep workspaces apart without keeping the key."""
        return self._http.api_key.tag(salt)

    def with_options(
        self, *, timeout: float | None = None, max_retries: int | None = None
    ) -> MaskoClient:
        """A client with other defaults that shares this one's connections.

        `client.with_options(timeout=120, max_retries=0).uploads.create(big)`.
        """
        changes: dict[str, Any] = {"timeout": timeout, "max_retries": max_retries}
        derived = object.__new__(MaskoClient)
        derived._bind(self._http.with_options(**_given(changes)))
        return derived

    def to_async(self) -> AsyncMaskoClient:
        """An AsyncMaskoClient with this client's key, base URL and options (its own pool).

        `aclient = connect().to_async()`, then `await aclient.credits()`.
        """
        from ._async_client import AsyncMaskoClient

        return AsyncMaskoClient._of(self._http)

    def raw_responses(self) -> AbstractContextManager[list[RawResponse]]:
        """Collect the HTTP answers received inside a `with` block: status, headers,
        request id, rate limits. `with client.raw_responses() as raw: client.credits()`."""
        return capture()

    def __repr__(self) -> str:
        http = getattr(self, "_http", None)  # absent while __init__ refuses an argument
        return f"MaskoClient(base_url={http.base_url if http else None!r})"

    def __enter__(self) -> MaskoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (shared with clients made by `with_options`)."""
        self._http.close()

    def credits(self) -> int:
        """The workspace's credit balance."""
        return self._http.run(op.credits())

    def suggest_actions(self, collection: Collection | str) -> list[str]:
        """6 to 8 pose names that suit the collection's character (free)."""
        return self._http.run(op.suggest_actions(collection))

    def download(self, url: str) -> bytes:
        """The bytes behind an asset or preview URL."""
        return self._http.download(url)


def _given(changes: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in changes.items() if value is not None}


class _Area:
    def __init__(self, client: MaskoClient) -> None:
        self._client = client
        self._http = client._http
        self._models = client._models

    def _run(self, plan: Plan[T]) -> T:
        return self._http.run(plan)


class Projects(_Area):
    """`client.projects`: the workspace's projects."""

    def list(self) -> list[Project]:
        return list(self.iter())

    def iter(self) -> Iterator[Project]:
        """Every project, fetched a page at a time as you go."""
        return self._http.iterate(op.list_projects())

    def create(self, name: str) -> Project:
        return self._run(op.create_project(name))


class Collections(_Area):
    """`client.collections`: mascot characters."""

    def list(self, project_id: Project | str | None = None) -> list[Collection]:
        return list(self.iter(project_id))

    def iter(self, project_id: Project | str | None = None) -> Iterator[Collection]:
        """Every collection, fetched a page at a time as you go."""
        return self._http.iterate(op.list_collections(project_id))

    def create(
        self,
        name: str | None = None,
        *,
        project_id: Project | str | None = None,
        description: str | None = None,
        references: Sequence[Any] = (),
    ) -> Collection:
        """Create a collection, optionally with up to 6 references (images, assets or URLs)."""
        plan = op.create_collection(self._models, name, project_id, description, references)
        return self._run(plan)

    def get(self, collection_id: Collection | str) -> Collection:
        return self._run(op.get_collection(collection_id))


class Uploads(_Area):
    """`client.uploads`: images stored as assets (type `image`, no item)."""

    def create(self, image: Any) -> Asset:
        """Upload a path, bytes, file object or PIL image, or a URL for the server to fetch."""
        return self._run(op.upload(self._models, image))


class ReferencesArea(_Area):
    """`client.references`: a collection's persistent references (at most 6)."""

    def list(self, collection_id: Collection | str) -> References:
        return self._run(op.list_references(collection_id))

    def add(self, collection_id: Collection | str, image: Any) -> References:
        """Pin an image, an Asset, or a URL; a 7th is refused before anything is sent."""
        return self._run(op.add_reference(self._models, collection_id, image))

    def remove(self, collection_id: Collection | str, asset: Asset | str) -> References:
        return self._run(op.remove_reference(collection_id, asset))


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
        return self._run(op.preview(self._models, prompt, hints, collection_id))


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
        return self._run(op.image(self._models, collection_id, name, prompt, idempotency_key))

    def animation(
        self,
        collection_id: Collection | str,
        name: str | Item,
        image_prompt: str,
        animation_prompt: str,
        *,
        duration: int = 4,
        loop: bool = True,
        idempotency_key: str | None = None,
    ) -> Job:
        """An animation from scratch: draws the pose from `image_prompt`, then moves it.

        The job makes the images and the videos (1 credit + 5 a second).
        """
        motion = op.Motion(duration, loop)
        plan = op.animation(
            self._models, collection_id, name, image_prompt, animation_prompt, motion,
            idempotency_key,
        )  # fmt: skip
        return self._run(plan)

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
        name: str | None = None,
        idempotency_key: str | None = None,
    ) -> Job:
        """Animate an existing image (Asset of type image, Item, Job or asset id).

        With `end`, a transition from `source` to `end`; `auto_reverse` adds the way back.
        `name` names the item when the source belongs to none (an upload).
        """
        plan = op.animate(
            self._models, collection_id, source, animation_prompt, op.Motion(duration, loop),
            end, auto_reverse, name, idempotency_key,
        )  # fmt: skip
        return self._run(plan)

    def edit(
        self,
        collection_id: Collection | str,
        source: Any,
        instructions: str,
        *,
        idempotency_key: str | None = None,
    ) -> Job:
        """Edit an item's image; the new image lands on the same item."""
        plan = op.edit(self._models, collection_id, source, instructions, idempotency_key)
        return self._run(plan)

    def keep(
        self,
        collection_id: Collection | str,
        preview: Preview,
        name: str,
        *,
        idempotency_key: str | None = None,
    ) -> Job:
        """Generate a preview's prompt as a real item called `name` ("keep this one")."""
        return self._run(op.keep(self._models, collection_id, preview, name, idempotency_key))

    def batch(
        self,
        collection_id: Collection | str,
        requests: Sequence[Mapping[str, Any]],
        *,
        idempotency_key: str | None = None,
    ) -> list[Job | APIStatusError]:
        """Up to 10 generate bodies at once; each entry is a Job or the error for that request."""
        return self._run(op.batch(self._models, collection_id, requests, idempotency_key))


class Items(_Area):
    """`client.items`: a collection's poses."""

    def list(self, collection_id: Collection | str) -> list[Item]:
        return list(self.iter(collection_id))

    def iter(self, collection_id: Collection | str) -> Iterator[Item]:
        """Every item of the collection, fetched a page at a time as you go."""
        return self._http.iterate(op.list_items(collection_id))

    def pages(self, collection_id: Collection | str) -> Iterator[op.ItemPage]:
        """The collection's items (oldest first) one page at a time, each with the number of
        items in all (None when the API does not say); for showing a long list as it comes."""
        return self._http.iterate(op.item_pages(collection_id))


class Assets(_Area):
    """`client.assets`: file metadata."""

    def get(self, asset_id: Asset | str) -> Asset:
        return self._run(op.get_asset(self._models, asset_id))


class Jobs(_Area):
    """`client.jobs`: generation jobs."""

    def get(self, job_id: Job | str) -> Job:
        return self._run(op.get_job(self._models, job_id))

    def list(
        self,
        *,
        status: str | None = None,
        collection_id: Collection | str | None = None,
        type: str | None = None,
    ) -> list[Job]:
        return list(self.iter(status=status, collection_id=collection_id, type=type))

    def iter(
        self,
        *,
        status: str | None = None,
        collection_id: Collection | str | None = None,
        type: str | None = None,
    ) -> Iterator[Job]:
        """Every matching job, fetched a page at a time as you go."""
        return self._http.iterate(op.list_jobs(self._models, status, collection_id, type))

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
        known = job_or_id if isinstance(job_or_id, Job) else None
        plan = wait_plan(
            job_id, self._models.job, timeout=timeout, on_progress=on_progress, known=known
        )
        return self._http.run(plan, cancel, job_id)
