"""The widgets' small parts: words for errors, style-card states, thumbnails, the front end."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from masko_widgets import client as api
from masko_widgets.client._inputs import source_image
from masko_widgets.widgets import _base
from masko_widgets.widgets._errors import friendly_error
from masko_widgets.widgets._thumbnails import THUMBNAIL_SIZE, make_thumbnail

ROOT = Path(__file__).resolve().parents[2]


def failed_job(message: str | None) -> api.Job:
    error = api.JobError(code="render_failed", message=message) if message else None
    return api.Job(id="j1", status="failed", type="animation", error=error)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            api.InsufficientCreditsError("no", status_code=402, required=21, balance=5),
            "Not enough credits: this needs 21 and the workspace has 5.",
        ),
        (
            api.RateLimitError("slow down", status_code=429, retry_after=3),
            "The Masko API is busy (too many requests). Try again in 3 s.",
        ),
        (
            api.RateLimitError("slow down", status_code=429),
            "The Masko API is busy (too many requests). Try again in a moment.",
        ),
        (api.AuthenticationError("bad key", status_code=401), "The API key was refused."),
        (api.GoneError("expired", status_code=410), "That preview has expired"),
        (
            api.PayloadTooLargeError("41 megapixels.", status_code=413),
            "That image is too large: 41 megapixels. Use one under 10 MB",
        ),
        (api.InternalServerError("boom", status_code=500), "internal error. Try again"),
        (
            api.PayloadTooLargeError(
                "The image is 9000x9000 pixels (81.0 megapixels); uploads are limited to 40 "
                "megapixels. Downscale it and upload again.",
                status_code=413,
            ),
            "The image is 9000x9000 pixels (81.0 megapixels); uploads are limited to 40 "
            "megapixels. Downscale it and upload again.",
        ),
        (api.BadRequestError("`prompt` is required", status_code=400), "The prompt is required."),
        (
            api.BadRequestError(
                "`url` must be a data: URI or a file URL of this server; the offline stand-in"
                " never fetches other URLs. Upload the file instead (POST /v1/upload).",
                status_code=400,
            ),
            "Adding images by URL needs the real Masko API",
        ),
        (
            api.BadRequestError(
                "`source_image_asset_id` is still pending. Wait for its job to complete"
                " (GET /v1/jobs/<job_id>?wait=true), then pass it again.",
                status_code=400,
            ),
            "The selected pose is still pending. Wait for its job to complete, then pass",
        ),
        (
            api.JobFailedError(failed_job("out of ink.")),
            "The animation job failed: out of ink. Its credits are refunded.",
        ),
        (api.JobFailedError(failed_job(None)), "failed: no reason given."),
        (api.JobTimeoutError("j1"), "keeps running on the server"),
        (api.APITimeoutError("slow"), "did not answer in time"),
        (api.APIConnectionError("refused"), "Could not reach the Masko API"),
        (api.ReferenceLimitError("already has 6 references"), "All 6 reference slots are full"),
        (ValueError("Pick at least one pose."), "Pick at least one pose."),
        (KeyError("x"), "Something unexpected went wrong (KeyError"),
    ],
)
def test_friendly_error(error, expected):
    words = friendly_error(error)
    assert expected in words
    assert "`" not in words  # a widget shows Markdown as it is
    assert "/v1/" not in words  # no HTTP paths
    assert words.count("megapixels") <= 2 and words.count("10 MB") <= 1  # said once


def test_source_image_errors_read_as_plain_sentences():
    video = api.Asset.from_api({"id": "a1", "type": "video", "url": "u"})
    with pytest.raises(api.SourceImageError) as raised:
        source_image(video)  # the client's own message, with Markdown backticks
    words = friendly_error(raised.value)
    assert words.startswith("Asset a1 is a 'video' asset") and words.endswith(".")
    assert "`" not in words and "item's image asset" in words


@pytest.mark.parametrize(
    ("references", "card", "had_card", "status"),
    [
        ((), None, False, _base.CARD_NONE),
        (("a",), None, False, _base.CARD_PENDING),  # never had one: not "cleared"
        (("a",), None, True, _base.CARD_CLEARED),
        (("a",), "Palette: #f07828 88%", False, _base.CARD_CACHED),
        ((), "left from before", True, _base.CARD_CACHED),
    ],
)
def test_style_card_status(references, card, had_card, status):
    assert _base.style_card_status(references, card, had_card) == status


def test_thumbnails_fit_and_keep_transparency(make_png):
    wide = make_thumbnail(make_png(size=(1024, 512), mode="RGBA"))
    picture = Image.open(io.BytesIO(wide.data))
    size = (THUMBNAIL_SIZE, THUMBNAIL_SIZE // 2)
    assert (picture.format, picture.size, wide.mime) == ("WEBP", size, "image/webp")
    assert (wide.width, wide.height) == size
    assert picture.mode == "RGBA" and picture.getpixel((0, 0))[3] == 0

    jpeg = make_thumbnail(make_png(size=(2000, 3000), fmt="JPEG"), size=100)
    assert Image.open(io.BytesIO(jpeg.data)).size == (67, 100)
    small = Image.new("RGB", (40, 30), (200, 10, 10))
    assert (make_thumbnail(small).width, make_thumbnail(small).height) == (40, 30)


def test_a_missing_bundle_says_how_to_build_it(monkeypatch, tmp_path):
    monkeypatch.setattr(_base, "_STATIC", tmp_path)
    with pytest.raises(FileNotFoundError, match="npm run build"):
        _base.static_file("grid.js")


def test_front_end_helpers_pass_their_node_tests():
    node = shutil.which("node")
    assert node, "node is needed to build and test the widget front end"
    run = subprocess.run(
        [node, "--test", "js/test/"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "# fail 0" in run.stdout
