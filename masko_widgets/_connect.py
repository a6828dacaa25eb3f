"""`connect()`: the real API when a key is set, else the offline stand-in."""

from __future__ import annotations

import atexit
import os
import threading
from typing import Any

from .client import MaskoClient

_lock = threading.Lock()
_server: Any = None


def connect() -> MaskoClient:
    """A client for the real Masko API if MASKO_API_KEY is set, else for a local stand-in.

    The stand-in starts once per process (and stops at exit); it synthesizes images
    locally, so nothing leaves the machine and no credits are spent.
    """
    if os.environ.get("MASKO_API_KEY", "").strip():
        return MaskoClient()
    server = _local_server()
    return MaskoClient(api_key=server.api_key, base_url=server.url)


def _local_server() -> Any:
    global _server
    with _lock:
        if _server is None:
            try:
                from . import local
            except ImportError as error:
                raise ImportError(
                    "MASKO_API_KEY is not set, so connect() would start the offline stand-in, "
                    f"but {error}. Or, to use the real Masko API, set MASKO_API_KEY to your "
                    "workspace's key."
                ) from error

            _server = local.start()
            atexit.register(_server.stop)
            print(
                f"MASKO_API_KEY is not set: using the offline stand-in at {_server.url}; "
                "images are synthesized locally, not by Masko."
            )
        return _server
