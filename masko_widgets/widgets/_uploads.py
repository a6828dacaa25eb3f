"""What the widgets take from the browser: files within the contract's upload limits, and URLs
where the server can fetch them."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import traitlets as t

from masko_widgets import client as api
from masko_widgets._contract import MAX_UPLOAD_BYTES, UPLOAD_MIME_TYPES

URLS_OFFLINE = (
    "Adding images by URL needs the real Masko API (the offline stand-in fetches nothing "
    "from the web). Save the image and upload the file instead."
)


def url_note(client: api.MaskoClient) -> str:
    """Why images cannot be added by URL through `client`, or "" when they can.

    The Masko API fetches the URLs it is given; a server on this machine is the offline
    stand-in, which fetches nothing (it takes its own file URLs only)."""
    host = urlsplit(client.base_url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return URLS_OFFLINE if loopback else ""


def url_problem(client: api.MaskoClient, url: str) -> str:
    """Why the server behind `client` cannot take `url`, or "" when it can (its own files)."""
    note = url_note(client)
    if not note:
        return ""
    own, given = urlsplit(client.base_url), urlsplit(url)
    same_server = (own.hostname, own.port) == (given.hostname, given.port)
    return "" if same_server else note


class AcceptsUploads(t.HasTraits):
    """Mixed into the widgets that take images from the browser."""

    _client: api.MaskoClient
    _fail: Callable[[BaseException], None]

    max_upload_bytes: t.Int[int, int] = t.Int(MAX_UPLOAD_BYTES, read_only=True).tag(sync=True)
    upload_types: t.List[str] = t.List(t.Unicode(), list(UPLOAD_MIME_TYPES), read_only=True).tag(
        sync=True
    )
    url_note: t.Unicode[str, str | bytes] = t.Unicode(
        read_only=True, help="Why images cannot be added by URL here, or '' when they can."
    ).tag(sync=True)

    @t.default("url_note")
    def _url_note(self) -> str:
        return url_note(self._client)

    def _check_url(self, value: Any) -> None:
        """Refuse, in words, a URL the server cannot fetch, before anything is sent."""
        problem = url_problem(self._client, value) if api.is_url(value) else ""
        if problem:
            error = ValueError(problem)
            self._fail(error)
            raise error
