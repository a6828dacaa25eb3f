"""The contract's upload limits as synced traits: the browser refuses a file before sending it."""

from __future__ import annotations

import traitlets as t

from masko_widgets._contract import MAX_UPLOAD_BYTES, UPLOAD_MIME_TYPES


class AcceptsUploads(t.HasTraits):
    """Mixed into the widgets that take image files from the browser."""

    max_upload_bytes: t.Int[int, int] = t.Int(MAX_UPLOAD_BYTES, read_only=True).tag(sync=True)
    upload_types: t.List[str] = t.List(t.Unicode(), list(UPLOAD_MIME_TYPES), read_only=True).tag(
        sync=True
    )
