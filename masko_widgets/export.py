"""Static HTML export: widgets saved as one self-contained page that renders offline.

Each masko widget is one anywidget model, so the page needs no widget manager: it carries each
widget's own bundle (`_esm`) and CSS, its full state (`drop_defaults=False`) with what it would
otherwise ask its kernel for (a grid's thumbnails, `export_state`), and a small host
(`static/export.js`, from `js/export/`) that gives each bundle a kernel-less model and calls its
`render`. Nothing is fetched, so the file opens without a network. The page is a snapshot:
buttons that need Python do nothing in it.

The page stays small: bundles, CSS and state travel as one gzip-compressed JSON text (the host
inflates it with the browser's `DecompressionStream`), and binary buffers (thumbnails, a video)
as one run of bytes, each distinct buffer once however many traits hold it.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anywidget
from ipywidgets import Widget
from ipywidgets.widgets.widget import _remove_buffers

from masko_widgets._contract import KEY_PATTERN
from masko_widgets.widgets._base import static_file

__all__ = ["export_html"]

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ margin: 16px; font-family: system-ui, sans-serif; }}
h1 {{ font-size: 1.4em; margin: 0 0 12px; }}
[data-theme="dark"] body {{ color-scheme: dark; background: #121212; color: #e6e6e6; }}
</style>
<script type="application/octet-stream" id="masko-export-state">{state}</script>
<script type="application/octet-stream" id="masko-export-bytes">{bytes}</script>
<script type="module">{host}</script>
</head>
<body>
<main>
<h1>{title}</h1>
{views}
</main>
</body>
</html>
"""

_VIEW = '<div class="masko-export-view"></div>'
_FRONT_END_TRAITS = ("_esm", "_css", "_anywidget_id")


class _Page:
    """What a page carries: bundles and CSS once each, the widgets' states, and their binary
    buffers as one run of bytes (each distinct buffer once)."""

    def __init__(self) -> None:
        self.bundles: dict[str, str] = {}
        self.styles: dict[str, str] = {}
        self.widgets: list[Any] = []
        self.blobs: list[tuple[int, int]] = []  # (start, length) in `data`
        self.data = bytearray()
        self._blob_of: dict[bytes, int] = {}

    def add(self, widget: Widget) -> None:
        """Keep `widget`: its bundle and CSS (once), its state, its buffers (once each)."""
        esm = _text(getattr(widget, "_esm", ""))
        bundle = hashlib.sha256(esm.encode()).hexdigest()[:16]
        self.bundles.setdefault(bundle, esm)
        css = _text(getattr(widget, "_css", ""))
        if css:
            self.styles.setdefault(hashlib.sha256(css.encode()).hexdigest(), css)
        state, paths, buffers = _remove_buffers(_state(widget))
        places = [
            {"path": path, "blob": self._blob(bytes(data))}
            for path, data in zip(paths, buffers, strict=True)
        ]
        self.widgets.append({"bundle": bundle, "state": state, "buffers": places})

    def _blob(self, data: bytes) -> int:
        digest = hashlib.sha256(data).digest()
        index = self._blob_of.get(digest)
        if index is None:
            if KEY_PATTERN.search(data.decode("latin-1")):
                raise ValueError("refusing to export: a widget's binary data contains an API key")
            index = self._blob_of[digest] = len(self.blobs)
            self.blobs.append((len(self.data), len(data)))
            self.data += data
        return index

    def state_text(self) -> str:
        """The JSON of everything but the bytes."""
        return json.dumps(
            {
                "bundles": self.bundles,
                "styles": list(self.styles.values()),
                "widgets": self.widgets,
                "blobs": self.blobs,
            },
            separators=(",", ":"),
        )


def export_html(
    widgets: Widget | Sequence[Widget],
    path: str | os.PathLike[str],
    *,
    title: str = "Masko mascot",
) -> Path:
    """Write `widgets` (one anywidget or a list) to `path` as a standalone HTML page; returns
    the path.

    The page shows the widgets as they are now, with their images, and needs neither a kernel
    nor a network to open.
    """
    views = [widgets] if isinstance(widgets, Widget) else list(widgets)
    if not views or not all(isinstance(view, Widget) for view in views):
        raise TypeError("export_html() takes a widget or a non-empty list of widgets")
    for view in views:
        if not isinstance(view, anywidget.AnyWidget):
            raise TypeError(
                f"export_html() saves anywidget widgets (MascotStudio, PoseGrid, ...); "
                f"{type(view).__name__} is not one: put its content in a masko widget instead"
            )
    page = _Page()
    for view in views:
        page.add(view)
    text = page.state_text()
    if KEY_PATTERN.search(text):
        raise ValueError("refusing to export: the widget state contains an API key")
    out = Path(path)
    out.write_text(
        _PAGE.format(
            title=html.escape(title),
            state=_base64(gzip.compress(text.encode(), compresslevel=9, mtime=0)),
            bytes=_base64(page.data),
            host=_script_text(static_file("export.js").read_text(encoding="utf-8")),
            views="\n".join(_VIEW for _ in views),
        ),
        encoding="utf-8",
    )
    return out


def _state(widget: Widget) -> dict[str, Any]:
    """A widget's full state with what it would ask its kernel for, without its front end."""
    state: dict[str, Any] = widget.get_state(drop_defaults=False)
    extra = getattr(widget, "export_state", None)
    if callable(extra):
        state.update(extra())
    for name in _FRONT_END_TRAITS:
        state.pop(name, None)
    return state


def _text(value: object) -> str:
    """A front-end trait's text: a path's contents (anywidget accepts paths) or the string."""
    if isinstance(value, Path):
        return value.read_text(encoding="utf-8")
    return str(value or "")


def _base64(data: bytes | bytearray) -> str:
    return base64.standard_b64encode(data).decode("ascii")


def _script_text(source: str) -> str:
    """JavaScript source that cannot end its <script> element early."""
    return source.replace("</script", "<\\/script")
