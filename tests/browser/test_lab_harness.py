"""The harness itself: a click in Chromium reaches Python through Lab's real widget manager."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CELLS = [
    "import ipywidgets as w\n"
    "clicks = []\n"
    "button = w.Button(description='Press me')\n"
    "button.on_click(lambda _: clicks.append(1))\n"
    "toggle = w.ToggleButton(description='Toggle me')\n"
    "w.HBox([button, toggle])",
    "print('cells ran')",
]


def test_clicks_in_chromium_change_python_state(notebook) -> None:
    with notebook("harness.ipynb", CELLS) as nb:
        page = nb.page
        assert nb.kernel.value("len(clicks)") == 0
        page.get_by_role("button", name="Press me").click()
        page.get_by_role("button", name="Toggle me").click()
        assert nb.kernel.wait_for("len(clicks)") == 1
        assert nb.kernel.wait_for("toggle.value") is True
        assert page.get_by_text("cells ran", exact=True).is_visible()
