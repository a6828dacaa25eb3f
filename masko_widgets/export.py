"""Static HTML export: widgets saved as one self-contained page that renders offline.

The page carries the widgets' full state (`drop_defaults=False`, so every model can be rebuilt)
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

from ipywidgets import Widget
from ipywidgets.embed import dependency_state, embed_data

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
    state = dependency_state(views, drop_defaults=False)
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
