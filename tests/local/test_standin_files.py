"""File URLs: unguessable, no auth, and never a path built from the request."""

from __future__ import annotations

import re

import httpx
import pytest


def test_file_urls_are_unguessable_and_need_no_auth(api, make_png):
    asset = api.upload(make_png())
    token = re.fullmatch(r".*/files/([A-Za-z0-9_-]+)\.png", asset["url"]).group(1)
    assert len(token) == 32
    assert httpx.get(asset["url"]).status_code == 200
    assert api.upload(make_png())["url"] != asset["url"]


@pytest.mark.parametrize(
    "name",
    [
        "short.png",
        "A" * 32 + ".png",
        "A" * 33 + ".png",
        "..%2F..%2Fmasko.sqlite3",
        "%2E%2E%2Fapi_key",
        "A" * 32 + ".exe",
        "api_key",
    ],
)
def test_bad_file_names_are_404(standin, name):
    for kind in ("files", "previews"):
        response = httpx.get(f"{standin.url}/{kind}/{name}")
        assert response.status_code == 404, name
        assert standin.api_key not in response.text


def test_right_token_with_the_wrong_extension_is_404(api, make_png):
    asset = api.upload(make_png())
    assert httpx.get(asset["url"][:-4] + ".mp4").status_code == 404
