"""The API key, kept in one object that never shows it, and handed to httpx at send time."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Generator, Mapping
from urllib.parse import urlsplit

import httpx

from ._errors import MissingAPIKeyError


class ApiKey:
    """An API key whose `repr` and `str` mask it, so no traceback, log or repr shows it.

    The key itself is read only by `BearerAuth`, while a request is being sent.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def tag(self, salt: bytes) -> str:
        """A one-way HMAC-SHA256 of the key under `salt`, in hex: tells keys apart unseen."""
        return hmac.new(salt, self._value.encode(), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return "ApiKey('masko_…')"

    __str__ = __repr__

    def __reduce__(self) -> None:  # type: ignore[override]
        raise TypeError("an API key is not pickled")

    def __bool__(self) -> bool:
        return bool(self._value)


class BearerAuth(httpx.Auth):
    """`Authorization: Bearer <key>` on requests to the API's own origin, and nowhere else."""

    def __init__(self, key: ApiKey, origin: str) -> None:
        self._key = key
        self._origin = origin

    def __repr__(self) -> str:
        return f"BearerAuth(origin={self._origin!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if origin(str(request.url)) == self._origin:
            request.headers["Authorization"] = "Bearer " + self._key._value
        yield request


def origin(url: str) -> str:
    """`scheme://host:port` of a URL, lower-cased: what the key is sent to."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


DEFAULT_BASE_URL = "https://api.masko.ai/v1"


def read_key(api_key: str | None, environ: Mapping[str, str] = os.environ) -> ApiKey:
    """The key from the argument, else MASKO_API_KEY (read now); a teaching error if none."""
    key = ApiKey((api_key if api_key is not None else environ.get("MASKO_API_KEY", "")).strip())
    if not key:
        raise MissingAPIKeyError(
            "no Masko API key: pass MaskoClient(api_key=...) or set the MASKO_API_KEY "
            "environment variable. In a notebook, avoid pasting the key into a cell: "
            "import getpass, os; "
            "os.environ['MASKO_API_KEY'] = getpass.getpass('Masko API key: '). "
            "Without a key, masko_widgets.connect() runs an offline stand-in instead."
        )
    return key


def read_base_url(base_url: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """The base URL from the argument, else MASKO_BASE_URL, else the real API's."""
    return base_url or environ.get("MASKO_BASE_URL") or DEFAULT_BASE_URL
