"""The bad-input matrix: every entry point (client, widgets, raw HTTP) refuses each bad input
with the documented error, and nothing changes (references, items, jobs, credits, in both
workspaces). Accepted formats and duplicate references are checked at the end."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from PIL import Image

from masko_widgets import (
    AuthenticationError,
    BadRequestError,
    InvalidImageError,
    MaskoClient,
    MissingAPIKeyError,
    NotFoundError,
    PermissionDeniedError,
    PoseGrid,
    PreviewPanel,
    ReferenceGallery,
    ReferenceLimitError,
    SourceImageError,
)
from tests.conftest import draw_character
from tests.local.conftest import data_uri
from tests.reliability._world import UNKNOWN, World, authed, build, start
from tests.widgets.wire import front_end_event

WRONG_KEY = "masko_" + "ab" * 32
HUGE = "a pose " * 1500  # 10 500 characters; prompts hold 2000
BLANK = "   "


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with start() as server:
        made = build(server)
        yield made
        made.close()


# --- expectations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Raises:
    """A client or widget call must raise `error` (with this status and field, if given);
    `local` calls are refused before any request is sent."""

    error: type[BaseException]
    status: int | None = None
    field: str | None = None
    local: bool = False


@dataclass(frozen=True)
class Answers:
    """A raw HTTP request must be answered `status` with `{"error": {code, message, field}}`."""

    status: int
    code: str
    field: str | None = None


@dataclass(frozen=True)
class Shows:
    """A front-end event must end with the reason in the widget's `error`."""


@dataclass(frozen=True)
class Case:
    id: str
    act: Callable[[World], Any]
    expect: Raises | Answers | Shows


CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    413: "payload_too_large",
}


def http(status: int, field: str | None = None) -> Answers:
    return Answers(status, CODES[status], field)


def multipart(data: bytes) -> dict[str, Any]:
    return {"files": {"file": ("image.png", data, "image/png")}}


def gallery(w: World, collection: str | None = None) -> ReferenceGallery:
    return ReferenceGallery(w.client, collection or w.col)


def grid(w: World) -> PoseGrid:
    return PoseGrid(w.client, w.col)


def panel(w: World) -> PreviewPanel:
    return PreviewPanel(w.client, w.col)


def hinted_preview(w: World, data: bytes) -> None:
    made = panel(w)
    made.add_hint(data)
    made.preview("the mascot waving")


def event(make: Callable[[World], Any], content: Any, buffers: tuple = ()):
    """Play the browser: send `content` (or `content(world)`) to a fresh widget, wait for
    what it started, and hand the widget back."""

    def act(w: World) -> Any:
        widget = make(w)
        front_end_event(widget, content(w) if callable(content) else content, list(buffers))
        widget.wait(60)
        return widget

    return act


def generate(w: World, collection: str, **body: Any) -> httpx.Response:
    return w.http.post(f"/collections/{collection}/generate", json=body)


def animate_http(w: World, source: str, field: str = "source_image_asset_id") -> httpx.Response:
    body = {
        "type": "animation",
        "animation_prompt": "bounce",
        "duration": 1,
        "source_image_asset_id": w.pose.asset_ids["image"],
    }
    body[field] = source
    return generate(w, w.col, **body)


# --- the matrix ---------------------------------------------------------------------------


def image_cases() -> list[Case]:
    """Bad image files at every door an image comes through."""
    bad = {  # name: (file, client error, its status, refused locally, HTTP status)
        "non_image": ("non_image", InvalidImageError, None, True, 400),
        "truncated_png": ("truncated", BadRequestError, 400, False, 400),
        "100_megapixel_bomb": ("bomb", InvalidImageError, None, True, 413),
        "11_mb_file": ("eleven_mb", InvalidImageError, None, True, 413),
    }
    cases = []
    for name, (attr, error, status, local, http_status) in bad.items():

        def data(w: World, attr: str = attr) -> bytes:
            return getattr(w.files, attr)

        field = "file" if status else None
        cases += image_client_cases(name, data, Raises(error, status, field, local))
        cases += image_widget_cases(name, data, Raises(error, status))
        cases += image_http_cases(name, data, http_status)
    return cases


def image_client_cases(name: str, data: Callable[[World], bytes], expect: Raises) -> list[Case]:
    """A bad image file given to the client as an upload, a reference and a preview hint."""
    return [
        Case(
            f"client-upload-{name}",
            lambda w, d=data: w.client.uploads.create(d(w)),
            expect,
        ),
        Case(
            f"client-reference-{name}",
            lambda w, d=data: w.client.references.add(w.col, d(w)),
            expect,
        ),
        Case(
            f"client-preview-hint-{name}",
            lambda w, d=data: w.client.previews.create("waving", hints=[d(w)]),
            expect,
        ),
    ]


def image_widget_cases(name: str, data: Callable[[World], bytes], expect: Raises) -> list[Case]:
    """A bad image file added to a gallery (by call and by browser event) or as a hint."""
    return [
        Case(
            f"widget-gallery-add-{name}",
            lambda w, d=data: gallery(w).add(d(w)),
            expect,
        ),
        Case(
            f"widget-gallery-file-event-{name}",
            lambda w, d=data: event(gallery, {"event": "add_file", "name": "x.png"}, (d(w),))(w),
            Shows(),
        ),
        Case(
            f"widget-preview-hint-{name}",
            lambda w, d=data: hinted_preview(w, d(w)),
            Raises(InvalidImageError),
        ),
    ]


def image_http_cases(name: str, data: Callable[[World], bytes], status: int) -> list[Case]:
    """A bad image file sent over raw HTTP as an upload, a reference URL and a hint URL."""
    return [
        Case(
            f"http-upload-{name}",
            lambda w, d=data: w.http.post("/upload", **multipart(d(w))),
            http(status, "file"),
        ),
        Case(
            f"http-reference-url-{name}",
            lambda w, d=data: w.http.post(
                f"/collections/{w.col}/references", json={"url": data_uri(d(w))}
            ),
            http(status, None if name == "11_mb_file" else "url"),
        ),
        Case(
            f"http-preview-hint-{name}",
            lambda w, d=data: w.http.post(
                "/generate/preview",
                json={"prompt": "waving", "reference_image_urls": [data_uri(d(w))]},
            ),
            http(status, None if name == "11_mb_file" else "reference_image_urls[0]"),
        ),
    ]


def reference_limit_cases() -> list[Case]:
    """A seventh reference, at every door, on a collection or in a new one."""
    return [
        Case(
            "client-7th-reference",
            lambda w: w.client.references.add(w.full, w.spare),
            Raises(ReferenceLimitError),
        ),
        Case(
            "client-7th-reference-upload",
            lambda w: w.client.references.add(w.full, draw_character()),
            Raises(ReferenceLimitError),
        ),
        Case(
            "client-collection-with-7-references",
            lambda w: w.client.collections.create("seven", references=[w.spare] * 7),
            Raises(ReferenceLimitError, local=True),
        ),
        Case(
            "widget-gallery-7th-reference",
            lambda w: gallery(w, w.full).add(w.spare),
            Raises(ReferenceLimitError),
        ),
        Case(
            "widget-gallery-7th-asset-event",
            event(
                lambda w: gallery(w, w.full),
                lambda w: {"event": "add_asset", "asset_id": w.spare.id},
            ),
            Shows(),
        ),
        Case(
            "http-7th-reference",
            lambda w: w.http.post(
                f"/collections/{w.full}/references", json={"asset_id": w.spare.id}
            ),
            http(400, "asset_id"),
        ),
        Case(
            "http-collection-with-7-references",
            lambda w: w.http.post(
                "/collections", json={"name": "seven", "reference_asset_ids": [w.spare.id] * 7}
            ),
            http(400, "reference_asset_ids"),
        ),
    ]


def reference_asset_cases() -> list[Case]:
    """References that are not usable images: a pending or video asset, a foreign URL."""
    return [
        Case(
            "client-reference-pending-asset",
            lambda w: w.client.references.add(w.col, w.pending.asset_ids["image"]),
            Raises(BadRequestError, 400, "asset_id"),
        ),
        Case(
            "client-reference-video-asset",
            lambda w: w.client.references.add(w.col, w.video),
            Raises(BadRequestError, 400, "asset_id"),
        ),
        Case(
            "http-reference-pending-asset",
            lambda w: w.http.post(
                f"/collections/{w.col}/references", json={"asset_id": w.pending.asset_ids["image"]}
            ),
            http(400, "asset_id"),
        ),
        Case(
            "http-reference-foreign-url",
            lambda w: w.http.post(
                f"/collections/{w.col}/references", json={"url": "https://example.com/mascot.png"}
            ),
            http(400, "url"),
        ),
    ]


def pose_url(w: World) -> str:
    """The finished pose's image URL: a URL, not an asset, so it cannot be a source."""
    return w.pose.urls["image"]


def animate_client(source: Callable[[World], Any], **kw: Any) -> Callable[[World], Any]:
    """Animate `source(world)` through the client."""
    return lambda w: w.client.generations.animate(w.col, source(w), "bounce", duration=1, **kw)


def source_client_cases() -> list[Case]:
    """URLs, previews, transparent, video, pending, unknown and foreign sources, via the client."""
    return [
        Case("client-source-url", animate_client(pose_url), Raises(SourceImageError, local=True)),
        Case(
            "client-source-preview",
            animate_client(lambda w: w.preview),
            Raises(SourceImageError, local=True),
        ),
        Case(
            "client-source-transparent-asset",
            animate_client(lambda w: w.client.assets.get(w.transparent)),
            Raises(SourceImageError),
        ),
        Case(
            "client-source-transparent-id",
            animate_client(lambda w: w.transparent),
            Raises(SourceImageError),
        ),
        Case("client-source-video-id", animate_client(lambda w: w.video), Raises(SourceImageError)),
        Case(
            "client-source-pending-job",
            animate_client(lambda w: w.pending),
            Raises(SourceImageError),
        ),
        Case(
            "client-source-unknown-id", animate_client(lambda w: UNKNOWN), Raises(SourceImageError)
        ),
        Case(
            "client-source-foreign-id",
            animate_client(lambda w: w.foreign_job.asset_ids["image"]),
            Raises(SourceImageError),
        ),
        Case(
            "client-end-unknown",
            animate_client(lambda w: w.pose, end=UNKNOWN),
            Raises(SourceImageError),
        ),
        Case(
            "client-edit-pending",
            lambda w: w.client.generations.edit(w.col, w.pending.asset_ids["image"], "scarf"),
            Raises(SourceImageError),
        ),
        Case(
            "client-edit-upload",
            lambda w: w.client.generations.edit(w.col, w.spare, "scarf"),
            Raises(SourceImageError, local=True),
        ),
    ]


def source_widget_cases() -> list[Case]:
    """A grid animates only a selected pose it holds."""
    return [
        Case(
            "widget-grid-animate-unselected",
            lambda w: grid(w).animate("bounce"),
            Raises(ValueError),
        ),
        Case("widget-grid-select-unknown", lambda w: grid(w).select(UNKNOWN), Raises(ValueError)),
        Case(
            "widget-grid-animate-event-unselected",
            event(grid, {"event": "animate", "prompt": "bounce"}),
            Shows(),
        ),
    ]


def source_http_cases() -> list[Case]:
    """What cannot be a start or end image of an animation sent over raw HTTP."""
    cases = []
    for name, source in (
        ("url", pose_url),
        ("preview", lambda w: w.preview.url),
        ("transparent", lambda w: w.transparent),
        ("video", lambda w: w.video),
        ("pending", lambda w: w.pending.asset_ids["image"]),
        ("unknown", lambda w: UNKNOWN),
        ("foreign", lambda w: w.foreign_job.asset_ids["image"]),
    ):
        cases.append(
            Case(
                f"http-source-{name}",
                lambda w, s=source: animate_http(w, s(w)),
                http(400, "source_image_asset_id"),
            )
        )
    cases.append(
        Case(
            "http-end-video",
            lambda w: animate_http(w, w.video, "end_image_asset_id"),
            http(400, "end_image_asset_id"),
        )
    )
    return cases


def id_client_cases() -> list[Case]:
    """Through the client, unknown ids answer 404; another workspace's ids 403 (400 in a body)."""
    return [
        Case(
            "client-get-unknown-collection",
            lambda w: w.client.collections.get(UNKNOWN),
            Raises(NotFoundError, 404),
        ),
        Case(
            "client-generate-unknown-collection",
            lambda w: w.client.generations.image(UNKNOWN, "x", "waving"),
            Raises(NotFoundError, 404),
        ),
        Case(
            "client-unknown-job", lambda w: w.client.jobs.get(UNKNOWN), Raises(NotFoundError, 404)
        ),
        Case(
            "client-unknown-asset",
            lambda w: w.client.assets.get(UNKNOWN),
            Raises(NotFoundError, 404),
        ),
        Case(
            "client-remove-unknown-reference",
            lambda w: w.client.references.remove(w.col, UNKNOWN),
            Raises(NotFoundError, 404),
        ),
        Case(
            "client-reference-unknown-asset",
            lambda w: w.client.references.add(w.col, UNKNOWN),
            Raises(BadRequestError, 400, "asset_id"),
        ),
        Case(
            "client-foreign-collection",
            lambda w: w.client.collections.get(w.foreign_col),
            Raises(PermissionDeniedError, 403),
        ),
        Case(
            "client-generate-foreign-collection",
            lambda w: w.client.generations.image(w.foreign_col, "x", "waving"),
            Raises(PermissionDeniedError, 403),
        ),
        Case(
            "client-foreign-job",
            lambda w: w.client.jobs.get(w.foreign_job.id),
            Raises(PermissionDeniedError, 403),
        ),
        Case(
            "client-foreign-asset",
            lambda w: w.client.assets.get(w.foreign_asset),
            Raises(PermissionDeniedError, 403),
        ),
        Case(
            "client-reference-foreign-asset",
            lambda w: w.client.references.add(w.col, w.foreign_asset),
            Raises(BadRequestError, 400, "asset_id"),
        ),
    ]


def id_widget_cases() -> list[Case]:
    """Widgets opened on, or given, unknown and foreign ids."""
    return [
        Case(
            "widget-gallery-unknown-collection",
            lambda w: gallery(w, UNKNOWN),
            Raises(NotFoundError, 404),
        ),
        Case(
            "widget-grid-foreign-collection",
            lambda w: PoseGrid(w.client, w.foreign_col),
            Raises(PermissionDeniedError, 403),
        ),
        Case(
            "widget-gallery-foreign-asset",
            lambda w: gallery(w).add(w.foreign_asset),
            Raises(BadRequestError, 400, "asset_id"),
        ),
        Case(
            "widget-gallery-unknown-asset-event",
            event(gallery, {"event": "add_asset", "asset_id": UNKNOWN}),
            Shows(),
        ),
    ]


def id_http_cases() -> list[Case]:
    """Over raw HTTP: unknown ids 404; another workspace's ids 403 in a path, 400 in a body."""
    return [
        Case("http-unknown-collection", lambda w: w.http.get(f"/collections/{UNKNOWN}"), http(404)),
        Case("http-malformed-id", lambda w: w.http.get("/collections/..%2F..%2Fetc"), http(404)),
        Case("http-unknown-job", lambda w: w.http.get(f"/jobs/{UNKNOWN}"), http(404)),
        Case(
            "http-generate-unknown-collection",
            lambda w: generate(w, UNKNOWN, type="image", name="x", image_prompt="x"),
            http(404),
        ),
        Case(
            "http-foreign-collection",
            lambda w: w.http.get(f"/collections/{w.foreign_col}"),
            http(403),
        ),
        Case(
            "http-generate-foreign-collection",
            lambda w: generate(w, w.foreign_col, type="image", name="x", image_prompt="x"),
            http(403),
        ),
        Case("http-foreign-job", lambda w: w.http.get(f"/jobs/{w.foreign_job.id}"), http(403)),
        Case("http-foreign-asset", lambda w: w.http.get(f"/assets/{w.foreign_asset}"), http(403)),
        Case(
            "http-foreign-item", lambda w: w.http.get(f"/items/{w.foreign_job.item_id}"), http(403)
        ),
        Case(
            "http-reference-foreign-asset",
            lambda w: w.http.post(
                f"/collections/{w.col}/references", json={"asset_id": w.foreign_asset}
            ),
            http(400, "asset_id"),
        ),
        Case(
            "http-unpin-foreign-collection",
            lambda w: w.http.delete(f"/collections/{w.foreign_col}/references/{UNKNOWN}"),
            http(403),
        ),
        Case(
            "http-item-of-other-collection",
            lambda w: generate(w, w.full, type="image", item_id=w.pose.item_id, image_prompt="x"),
            http(400, "item_id"),
        ),
    ]


def prompt_client_cases() -> list[Case]:
    """Empty, blank and huge prompts and a huge pose name, through the client."""

    def image(prompt: str) -> Callable[[World], Any]:
        return lambda w: w.client.generations.image(w.col, "pose", prompt)

    return [
        Case("client-empty-image-prompt", image(""), Raises(ValueError, local=True)),
        Case("client-blank-image-prompt", image(BLANK), Raises(ValueError, local=True)),
        Case(
            "client-empty-preview-prompt",
            lambda w: w.client.previews.create(""),
            Raises(ValueError, local=True),
        ),
        Case(
            "client-empty-animation-prompt",
            lambda w: w.client.generations.animate(w.col, w.pose, ""),
            Raises(ValueError, local=True),
        ),
        Case("client-huge-image-prompt", image(HUGE), Raises(BadRequestError, 400, "image_prompt")),
        Case(
            "client-huge-preview-prompt",
            lambda w: w.client.previews.create(HUGE),
            Raises(BadRequestError, 400, "prompt"),
        ),
        Case(
            "client-huge-pose-name",
            lambda w: w.client.generations.image(w.col, HUGE, "x"),
            Raises(ValueError),  # refused before any request: nothing is charged
        ),
    ]


def prompt_widget_cases() -> list[Case]:
    """Empty, blank and huge prompts given to the preview panel and the grid."""
    return [
        Case("widget-preview-empty-prompt", lambda w: panel(w).preview(""), Raises(ValueError)),
        Case(
            "widget-preview-huge-prompt",
            lambda w: panel(w).preview(HUGE),
            Raises(BadRequestError, 400),
        ),
        Case(
            "widget-grid-generate-empty",
            lambda w: grid(w).generate(["", BLANK]),
            Raises(ValueError),
        ),
        Case(
            "widget-grid-generate-huge",
            lambda w: grid(w).generate([HUGE]).wait(60),
            Raises(ValueError),
        ),
        Case(
            "widget-grid-animate-empty",
            lambda w: _selected_grid(w).animate(BLANK),
            Raises(ValueError),
        ),
        Case(
            "widget-preview-event-empty", event(panel, {"event": "preview", "prompt": ""}), Shows()
        ),
    ]


def prompt_http_cases() -> list[Case]:
    """Empty, blank, huge and 16 MB prompts and a batch of 11, over raw HTTP."""
    return [
        Case(
            "http-empty-image-prompt",
            lambda w: generate(w, w.col, type="image", name="x", image_prompt=""),
            http(400, "image_prompt"),
        ),
        Case(
            "http-blank-image-prompt",
            lambda w: generate(w, w.col, type="image", name="x", image_prompt=BLANK),
            http(400, "image_prompt"),
        ),
        Case(
            "http-huge-image-prompt",
            lambda w: generate(w, w.col, type="image", name="x", image_prompt=HUGE),
            http(400, "image_prompt"),
        ),
        Case(
            "http-empty-preview-prompt",
            lambda w: w.http.post("/generate/preview", json={"prompt": ""}),
            http(400, "prompt"),
        ),
        Case(
            "http-blank-preview-prompt",
            lambda w: w.http.post("/generate/preview", json={"prompt": BLANK}),
            http(400, "prompt"),
        ),
        Case(
            "http-huge-preview-prompt",
            lambda w: w.http.post("/generate/preview", json={"prompt": HUGE}),
            http(400, "prompt"),
        ),
        Case(
            "http-16-mb-prompt",
            lambda w: generate(w, w.col, type="image", name="x", image_prompt="a" * 16_000_000),
            http(413),
        ),
        Case(
            "http-batch-of-11",
            lambda w: w.http.post(
                f"/collections/{w.col}/generate-batch",
                json={"requests": [{"type": "image", "name": "x", "image_prompt": "x"}] * 11},
            ),
            http(400, "requests"),
        ),
    ]


def _selected_grid(w: World) -> PoseGrid:
    made = grid(w)
    made.select(w.pose.item_id)
    return made


def key_cases() -> list[Case]:
    def wrong(w: World, key: str = WRONG_KEY) -> MaskoClient:
        return MaskoClient(api_key=key, base_url=w.server.url)

    return [
        Case(
            "client-wrong-key-credits",
            lambda w: wrong(w).credits(),
            Raises(AuthenticationError, 401),
        ),
        Case(
            "client-wrong-key-generate",
            lambda w: wrong(w).generations.image(w.col, "x", "waving"),
            Raises(AuthenticationError, 401),
        ),
        Case(
            "client-malformed-key",
            lambda w: wrong(w, "hello").collections.get(w.col),
            Raises(AuthenticationError, 401),
        ),
        Case(
            "client-no-key",
            lambda w: MaskoClient(api_key="", base_url=w.server.url),
            Raises(MissingAPIKeyError, local=True),
        ),
        Case(
            "widget-gallery-wrong-key",
            lambda w: ReferenceGallery(wrong(w), w.col),
            Raises(AuthenticationError, 401),
        ),
        Case("http-wrong-key", lambda w: authed(w.server, WRONG_KEY).get("/credits"), http(401)),
        Case(
            "http-wrong-key-generate",
            lambda w: authed(w.server, WRONG_KEY).post(
                f"/collections/{w.col}/generate",
                json={"type": "image", "name": "x", "image_prompt": "x"},
            ),
            http(401),
        ),
        Case("http-no-key", lambda w: httpx.get(f"{w.server.url}/collections/{w.col}"), http(401)),
        Case(
            "http-no-key-upload",
            lambda w: httpx.post(f"{w.server.url}/upload", **multipart(draw_character())),
            http(401),
        ),
        Case(
            "http-basic-auth",
            lambda w: httpx.get(f"{w.server.url}/credits", auth=("masko", w.server.api_key)),
            http(401),
        ),
    ]


CASES = (
    image_cases()
    + reference_limit_cases()
    + reference_asset_cases()
    + source_client_cases()
    + source_widget_cases()
    + source_http_cases()
    + id_client_cases()
    + id_widget_cases()
    + id_http_cases()
    + prompt_client_cases()
    + prompt_widget_cases()
    + prompt_http_cases()
    + key_cases()
)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_refused_and_changes_nothing(world, case, monkeypatch):
    monkeypatch.delenv("MASKO_API_KEY", raising=False)
    before = world.state()
    sent = world.tally.counts["requests"]
    expect = case.expect
    if isinstance(expect, Answers):
        response = case.act(world)
        assert response.status_code == expect.status, response.text[:500]
        error = response.json()["error"]
        assert error["code"] == expect.code and error["message"]
        if expect.field is not None:
            assert error.get("field") == expect.field, error
    elif isinstance(expect, Shows):
        widget = case.act(world)
        assert widget.error, "the widget did not say what went wrong"
        assert not widget.tasks
    else:
        with pytest.raises(expect.error) as raised:
            case.act(world)
        if expect.status is not None:
            assert raised.value.status_code == expect.status
        if expect.field is not None:
            assert raised.value.field == expect.field
        if expect.local:
            assert world.tally.counts["requests"] == sent, "refused only after a request"
    assert world.state() == before


# --- what is accepted -----------------------------------------------------------------------


def encode(fmt: str, mode: str = "RGB", **options: Any) -> bytes:
    image = Image.open(io.BytesIO(draw_character(size=(96, 96)))).convert(mode)
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


FORMATS = {
    "png-rgb": (lambda: encode("PNG"), "image/png"),
    "png-rgba": (lambda: draw_character(size=(96, 96), mode="RGBA"), "image/png"),
    "png-palette": (lambda: encode("PNG", "P"), "image/png"),
    "png-grey": (lambda: encode("PNG", "L"), "image/png"),
    "jpeg": (lambda: encode("JPEG", quality=90), "image/jpeg"),
    "jpeg-progressive": (lambda: encode("JPEG", progressive=True), "image/jpeg"),
    "webp-lossy": (lambda: encode("WEBP", quality=80), "image/webp"),
    "webp-lossless-alpha": (lambda: encode("WEBP", "RGBA", lossless=True), "image/webp"),
    "gif": (lambda: encode("GIF", "P"), "image/gif"),
}


@pytest.mark.parametrize("entry", ["client", "widget", "http"])
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_image_formats_are_accepted(world, fmt, entry):
    data, mime = FORMATS[fmt][0](), FORMATS[fmt][1]
    collection = world.client.collections.create(f"{fmt} via {entry}")
    if entry == "client":
        pinned = world.client.references.add(collection, data).asset_ids
    elif entry == "widget":
        view = ReferenceGallery(world.client, collection)
        pinned = view.add(data)
        assert view.slots[0]["thumbnail"] and not view.error
    else:
        answer = world.http.post(
            f"/collections/{collection.id}/references", json={"url": data_uri(data, mime)}
        )
        assert answer.status_code == 201, answer.text
        pinned = tuple(answer.json()["data"]["reference_asset_ids"])
    assert len(pinned) == 1
    asset = world.client.assets.get(pinned[0])
    assert (asset.type, asset.status, asset.mime_type) == ("image", "completed", mime)
    assert asset.read() == data  # kept as sent
    assert asset.to_pil().size == (96, 96)


def test_duplicate_reference_changes_nothing(world):
    before = world.state()
    ref = world.full_refs[0]
    assert world.client.references.add(world.full, ref).asset_ids == world.full_refs
    assert gallery(world, world.full).add(ref) == world.full_refs
    answer = world.http.post(f"/collections/{world.full}/references", json={"asset_id": ref})
    assert answer.status_code == 200 and answer.json()["data"]["reference_asset_ids"] == list(
        world.full_refs
    )
    by_url = world.client.assets.get(ref).url
    answer = world.http.post(f"/collections/{world.full}/references", json={"url": by_url})
    assert answer.status_code == 200, answer.text
    assert world.state() == before


@pytest.mark.parametrize("form", ["bytes", "path", "file object"])
def test_an_oversized_image_is_refused_with_its_real_size(world, form, tmp_path):
    data = world.files.eleven_mb
    path = tmp_path / "big.png"
    path.write_bytes(data)
    given = {"bytes": data, "path": path, "file object": io.BytesIO(data)}[form]
    sent = world.tally.counts["requests"]
    with pytest.raises(InvalidImageError) as raised:
        world.client.uploads.create(given)
    assert f"{len(data) / 2**20:.1f} MB" in str(raised.value)
    assert world.tally.counts["requests"] == sent
