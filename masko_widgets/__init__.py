"""masko-widgets: Jupyter widgets that keep a mascot on-model.

The client and its errors load with the package; the widgets load on first use, so
`import masko_widgets` stays fast in scripts that only need the client.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("masko-widgets")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

_LAZY = {
    "connect": "masko_widgets._connect",
    "export_html": "masko_widgets.export",
    "ReferenceGallery": "masko_widgets.widgets",
    "PreviewPanel": "masko_widgets.widgets",
    "PoseGrid": "masko_widgets.widgets",
    "MascotStudio": "masko_widgets.widgets",
    "ReplaceNeededError": "masko_widgets.widgets._trial",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if not name.startswith("_"):
        client = importlib.import_module("masko_widgets.client")
        if name in client.__all__:
            return getattr(client, name)
    raise AttributeError(f"module 'masko_widgets' has no attribute {name!r}")


def __dir__() -> list[str]:
    client = importlib.import_module("masko_widgets.client")
    return sorted({*globals(), *_LAZY, *client.__all__})
