"""masko-widgets: Jupyter widgets that keep a mascot on-model.

Every public name loads on first use, so `import masko_widgets` stays fast in scripts that
only need the client; the `TYPE_CHECKING` imports below show type checkers the same names.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from masko_widgets._connect import connect
    from masko_widgets.client import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        Asset,
        AsyncAsset,
        AsyncJob,
        AsyncMaskoClient,
        AsyncPreview,
        AuthenticationError,
        BadRequestError,
        Collection,
        GoneError,
        ImageFile,
        InsufficientCreditsError,
        InternalServerError,
        InvalidImageError,
        Item,
        Job,
        JobError,
        JobFailedError,
        JobTimeoutError,
        MaskoClient,
        MaskoError,
        MissingAPIKeyError,
        NotFoundError,
        PayloadTooLargeError,
        PermissionDeniedError,
        Preview,
        Project,
        RateLimitError,
        RawResponse,
        ReferenceLimitError,
        References,
        SourceImageError,
        WaitCancelledError,
        is_url,
        load_image,
    )
    from masko_widgets.export import export_html
    from masko_widgets.widgets._trial import ReplaceNeededError
    from masko_widgets.widgets.gallery import ReferenceGallery
    from masko_widgets.widgets.grid import PoseGrid
    from masko_widgets.widgets.preview import PreviewPanel
    from masko_widgets.widgets.studio import MascotStudio

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Asset",
    "AsyncAsset",
    "AsyncJob",
    "AsyncMaskoClient",
    "AsyncPreview",
    "AuthenticationError",
    "BadRequestError",
    "Collection",
    "GoneError",
    "ImageFile",
    "InsufficientCreditsError",
    "InternalServerError",
    "InvalidImageError",
    "Item",
    "Job",
    "JobError",
    "JobFailedError",
    "JobTimeoutError",
    "MascotStudio",
    "MaskoClient",
    "MaskoError",
    "MissingAPIKeyError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "PoseGrid",
    "Preview",
    "PreviewPanel",
    "Project",
    "RateLimitError",
    "RawResponse",
    "ReferenceGallery",
    "ReferenceLimitError",
    "References",
    "ReplaceNeededError",
    "SourceImageError",
    "WaitCancelledError",
    "__version__",
    "connect",
    "export_html",
    "is_url",
    "load_image",
]

try:
    __version__ = version("masko-widgets")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

_LAZY = {
    "connect": "masko_widgets._connect",
    "export_html": "masko_widgets.export",
    "ReferenceGallery": "masko_widgets.widgets.gallery",
    "PreviewPanel": "masko_widgets.widgets.preview",
    "PoseGrid": "masko_widgets.widgets.grid",
    "MascotStudio": "masko_widgets.widgets.studio",
    "ReplaceNeededError": "masko_widgets.widgets._trial",
}

if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt name is an error there

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
