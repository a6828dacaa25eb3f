"""Images given by URL: `data:` URIs and this server's own file URLs, nothing else.

The stand-in never fetches from the network; any other URL is refused before anything happens.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes, urlsplit

from PIL import Image
from starlette.datastructures import URL

from masko_widgets.local._uploads import ImageRejected, load_upload
from masko_widgets.local.api._errors import ApiError, bad_request
from masko_widgets.local.store import FILE_NAME, Row, Store

_OWN_FILE = re.compile(rf"/v1/(files|previews)/{FILE_NAME}")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Imported:
    """Bytes behind a URL, and the asset they are when the URL is one of our asset files."""

    data: bytes
    asset: Row | None = None


def fetch(url: str, field: str, store: Store, reached: URL) -> Imported:
    """Read a `data:` URI or a file URL of this server (`reached`: the URL of this request)."""
    if url.startswith("data:"):
        return Imported(_data_uri(url, field))
    host, port = reached.hostname or "", reached.port
    parts = urlsplit(url)
    own_host = parts.hostname is not None and (
        parts.hostname == host or (parts.hostname in _LOOPBACK and host in _LOOPBACK)
    )
    try:
        same_port = parts.port == port
    except ValueError:
        same_port = False
    match = _OWN_FILE.fullmatch(parts.path)
    if parts.scheme not in ("http", "https") or not own_host or not same_port or match is None:
        raise bad_request(
            field,
            f"`{field}` must be a data: URI or a file URL of this server; the offline stand-in"
            " never fetches other URLs. Upload the file instead"
            " (POST /v1/upload, multipart `file`).",
        )
    kind, token = match.group(1), match.group(2)
    if kind == "previews":
        found = store.preview(token)
        if found is None:
            raise bad_request(field, f"`{field}`: no preview at this URL.")
        path, expired = found
        if expired:
            raise bad_request(
                field, f"`{field}`: this preview URL has expired; make a new preview."
            )
        return Imported(path.read_bytes())
    asset = store.asset_by_token(token)
    if asset is None:
        raise bad_request(field, f"`{field}`: no file at this URL.")
    if asset["status"] != "completed":
        raise bad_request(
            field, f"`{field}`: this file is still {asset['status']}; wait for its job to complete."
        )
    return Imported(store.asset_path(asset).read_bytes(), asset)


def decode(data: bytes, field: str) -> tuple[Image.Image, str]:
    """A decoded upload and its mime type; 400/413 naming `field` when it is not acceptable."""
    try:
        return load_upload(data)
    except ImageRejected as exc:
        raise ApiError(exc.status, f"`{field}`: {exc.message}", field=field) from exc


def _data_uri(url: str, field: str) -> bytes:
    header, comma, payload = url[5:].partition(",")
    if not comma:
        raise bad_request(field, f"`{field}` is not a valid data: URI (no comma before the data).")
    if header.endswith(";base64"):
        try:
            return base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise bad_request(field, f"`{field}`: the data: URI is not valid base64.") from exc
    return unquote_to_bytes(payload)
