"""Static HTML export: widgets saved as one self-contained page that renders offline.

Each masko widget is one anywidget model, so the page needs no widget manager: it carries each
widget's own bundle (`_esm`) and CSS, its full state (`drop_defaults=False`) with what it would
otherwise ask its kernel for (a grid's thumbnails, `export_state`), and a small host
(`static/export.js`, from `js/export/`) that gives each bundle a kernel-less model and calls its
`render`. Nothing is fetched, so the file opens without a network. The page is a snapshot:
buttons that need Python do nothing in it.
"""

from __future__ import annotations

import base64
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
{styles}
<script type="application/json" id="masko-export-data">{data}</script>
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
    bundles: dict[str, str] = {}
    styles: dict[str, str] = {}
    saved = [_saved_widget(view, bundles, styles) for view in views]
    data = _script_json({"bundles": bundles, "widgets": saved})
    if KEY_PATTERN.search(data):
        raise ValueError("refusing to export: the widget state contains an API key")
    page = _PAGE.format(
        title=html.escape(title),
        styles="\n".join(f"<style>{_style_text(css)}</style>" for css in styles.values()),
        data=data,
        host=_script_text(static_file("export.js").read_text(encoding="utf-8")),
        views="\n".join(_VIEW for _ in saved),
    )
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    return out


def _saved_widget(widget: Widget, bundles: dict[str, str], styles: dict[str, str]) -> Any:
    """One widget in the page: its bundle's key (the bundle kept once in `bundles`, its CSS in
    `styles`), its state, and its binary buffers as base64 with their paths."""
    esm = _text(getattr(widget, "_esm", ""))
    key = hashlib.sha256(esm.encode()).hexdigest()[:16]
    bundles.setdefault(key, esm)
    css = _text(getattr(widget, "_css", ""))
    if css:
        styles.setdefault(hashlib.sha256(css.encode()).hexdigest(), css)
    state = widget.get_state(drop_defaults=False)
    extra = getattr(widget, "export_state", None)
    if callable(extra):
        state.update(extra())
    for name in _FRONT_END_TRAITS:
        state.pop(name, None)
    model_state, paths, buffers = _remove_buffers(state)
    return {
        "bundle": key,
        "state": model_state,
        "buffers": [
            {"path": path, "data": base64.standard_b64encode(data).decode("ascii")}
            for path, data in zip(paths, buffers, strict=True)
        ],
    }


def _text(value: object) -> str:
    """A front-end trait's text: a path's contents (anywidget accepts paths) or the string."""
    if isinstance(value, Path):
        return value.read_text(encoding="utf-8")
    return str(value or "")


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element (no `<` can end or open a tag)."""
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")


def _script_text(source: str) -> str:
    """JavaScript source that cannot end its <script> element early."""
    return source.replace("</script", "<\\/script")


def _style_text(css: str) -> str:
    """CSS that cannot end its <style> element early."""
    return css.replace("</style", "<\\/style")
