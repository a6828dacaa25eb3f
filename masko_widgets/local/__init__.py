"""The offline Masko stand-in: the API contract served on 127.0.0.1 with real images and videos.

    from masko_widgets import local
    with local.start() as server:
        print(server.url, server.api_key)

Needs the `local` extra: pip install 'masko-widgets[local]'.
"""

from __future__ import annotations

import importlib.util

_NEEDED = {
    "fastapi": "fastapi",
    "uvicorn": "uvicorn",
    "av": "av",
    "python_multipart": "python-multipart",
}
"""Module -> the package that provides it (python_multipart: python-multipart 0.0.13 or newer)."""
_missing = [
    package for module, package in _NEEDED.items() if importlib.util.find_spec(module) is None
]
if _missing:
    raise ImportError(
        f"masko_widgets.local needs {', '.join(_missing)}; install them with:"
        " pip install 'masko-widgets[local]' (add --upgrade if an older release is installed)"
    )

from masko_widgets.local._faults import Faults  # noqa: E402
from masko_widgets.local._server import LocalServer, start  # noqa: E402
from masko_widgets.local.store import DamagedDataFolderError  # noqa: E402

__all__ = ["DamagedDataFolderError", "Faults", "LocalServer", "start"]
