"""Static HTML export: widgets saved as one self-contained page that renders offline.

The page carries the widgets' full state (`drop_defaults=False`, so every model can be rebuilt),
gathered by walking widget references iteratively (a page of any size, no recursion limit),
plus what a widget would otherwise ask its kernel for (a grid's thumbnails, `_export_state`),
and inlines its JavaScript: require.js and `@jupyter-widgets/html-manager`'s `embed-amd.js`
(copied into `masko_widgets/static/embed/` by `npm run build`) and anywidget's AMD module from
the installed anywidget package. Nothing is fetched from a CDN, so the file opens without a
network. The page is a snapshot: buttons that need Python do nothing in it.
"""

from __future__ import annotations

import base64
import html
import json
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from ipywidgets import Widget
from ipywidgets.embed import add_resolved_links, embed_data
from ipywidgets.widgets.widget import _remove_buffers

from masko_widgets._contract import KEY_PATTERN

__all__ = ["export_html"]

_EMBED_DIR = Path(__file__).parent / "static" / "embed"

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body {{ margin: 16px; font-family: system-ui, sans-serif; }}</style>
<script>{requirejs}</script>
<script>require.config({{ paths: {{ anywidget: "{anywidget_url}" }} }});</script>
<script>{embed_amd}</script>
<script type="application/vnd.jupyter.widget-state+json">{state}</script>
</head>
<body>
{views}
</body>
</html>
"""

_VIEW = """<div class="masko-export-view">
<script type="application/vnd.jupyter.widget-view+json">{spec}</script>
</div>"""


def export_html(
    widgets: Widget | Sequence[Widget],
    path: str | os.PathLike[str],
    *,
    title: str = "Masko mascot",
) -> Path:
    """Write `widgets` (one or a list) to `path` as a standalone HTML page; returns the path.

    The page shows the widgets as they are now, with their images, and needs neither a kernel
    nor a network to open.
    """
    views = [widgets] if isinstance(widgets, Widget) else list(widgets)
    if not views or not all(isinstance(view, Widget) for view in views):
        raise TypeError("export_html() takes a widget or a non-empty list of widgets")
    state = _page_state(views)
    data = embed_data(views, drop_defaults=False, state=state)
    state_json = _script_json(data["manager_state"])
    if KEY_PATTERN.search(state_json):
        raise ValueError("refusing to export: the widget state contains an API key")
    page = _PAGE.format(
        title=html.escape(title),
        requirejs=_embed_asset("require.js"),
        anywidget_url=_anywidget_data_url(),
        embed_amd=_embed_asset("embed-amd.js"),
        state=state_json,
        views="\n".join(_VIEW.format(spec=_script_json(spec)) for spec in data["view_specs"]),
    )
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    return out


def _page_state(views: list[Widget]) -> dict[str, Any]:
    """The embed state of `views` and of every widget they refer to, found without recursion."""
    store: dict[str, Any] = {}
    todo = list(views)
    while todo:
        widget = todo.pop()
        if widget.model_id in store:
            continue
        store[widget.model_id] = _embed_state(widget)
        todo.extend(_referenced_widgets(widget))
    add_resolved_links(store, False)
    return store


def _embed_state(widget: Widget) -> dict[str, Any]:
    """One widget's model in the page: its state with the buffers as base64."""
    state = widget.get_state(drop_defaults=False)
    extra = getattr(widget, "_export_state", None)
    if callable(extra):
        state.update(extra())
    model_state, paths, buffers = _remove_buffers(state)
    embedded: dict[str, Any] = {
        "model_name": widget._model_name,
        "model_module": widget._model_module,
        "model_module_version": widget._model_module_version,
        "state": model_state,
    }
    if buffers:
        embedded["buffers"] = [
            {
                "encoding": "base64",
                "path": path,
                "data": base64.standard_b64encode(data).decode("ascii"),
            }
            for path, data in zip(paths, buffers, strict=True)
        ]
    return embedded


def _referenced_widgets(widget: Widget) -> list[Widget]:
    """The widgets `widget` holds in a synced trait, directly or in a list or dict."""
    found: list[Widget] = []
    for key in widget.keys:
        value = getattr(widget, key)
        items = value.values() if isinstance(value, dict) else value
        if isinstance(value, Widget):
            found.append(value)
        elif isinstance(value, (list, tuple, dict)):
            found.extend(item for item in items if isinstance(item, Widget))
    return found


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element (no `<` can end or open a tag)."""
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")


def _embed_asset(name: str) -> str:
    path = _EMBED_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: run `npm ci && npm run build` in the masko-widgets checkout "
            "(or reinstall the package) to copy the export's JavaScript"
        )
    return path.read_text(encoding="utf-8")


def _anywidget_data_url() -> str:
    """anywidget's AMD module, from the installed package, as a URL require.js can load."""
    source = resources.files("anywidget").joinpath("nbextension", "index.js").read_bytes()
    return "data:text/javascript;base64," + base64.b64encode(source).decode("ascii")
