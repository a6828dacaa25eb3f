"""The studio checked by axe-core in JupyterLab, light and dark: no serious or critical
violation, a visible focus ring on every control reached by Tab, and a name on every control.

axe-core comes from the pinned npm devDependencies (node_modules/axe-core), injected into the
page; only the widgets are checked, not JupyterLab around them.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from masko_widgets import MascotStudio, MaskoClient
from masko_widgets.export import export_html
from masko_widgets.widgets import _cache
from masko_widgets.widgets._cache import PictureCache
from tests.browser._axe import axe_violations
from tests.browser._frontends import WAIT
from tests.browser._lab import ARTIFACTS, DARK_THEME, LIGHT_THEME
from tests.browser._scored import scored_collection

pytestmark = pytest.mark.browser

STUDIO = [
    "from masko_widgets import connect, MascotStudio\n"
    "from tests.browser._scored import scored_collection\n"
    "client = connect()\n"
    "collection = scored_collection(client)",
    "studio = MascotStudio(client, collection)\nstudio",
    "studio.preview.preview('the mascot waving')\n"
    "try:\n"
    "    studio.preview.add_hint(b'not an image', 'notes.txt')\n"
    "except ValueError:\n"
    "    pass",
]
LEVELS = ("good", "fair", "off")
"""A pose at each score level: the badges' colours are all checked."""


def expect_every_score_level(page) -> None:
    for level in LEVELS:
        badge = page.locator(f".masko-grid .masko-score[data-level={level}]")
        expect(badge).to_have_count(1, timeout=WAIT)


# Controls inside the widgets without an accessible name (a rough accname: enough for ours).
_UNNAMED_JS = """() => [...document.querySelectorAll(
    '.masko button, .masko input, .masko textarea, .masko select, .masko [role=option]')]
  .filter((el) => el.type !== 'hidden')
  .filter((el) => {
    const by = el.getAttribute('aria-labelledby');
    const name = el.getAttribute('aria-label')
      || (by && by.split(' ').map((id) => document.getElementById(id)?.textContent).join(' '))
      || [...(el.labels ?? [])].map((label) => label.textContent).join(' ')
      || el.textContent || el.getAttribute('title') || el.getAttribute('placeholder');
    return !name || !name.trim();
  })
  .map((el) => el.outerHTML.slice(0, 120))"""

# The focused element when it is a widget control, and whether its focus ring shows.
_FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || !el.closest('.masko')) return null;
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
  return { control: el.outerHTML.slice(0, 100), ring, matches: el.matches(':focus-visible') };
}"""


def test_the_studio_has_no_serious_axe_violations_in_light_and_dark(notebook) -> None:
    with notebook("axe.ipynb", STUDIO, size=(1024, 2200)) as nb:
        page = nb.page
        expect(page.locator(".masko-result img").first).to_be_visible()
        expect(page.locator(".masko-preview .masko-status .masko-error")).to_be_visible()
        expect_every_score_level(page)
        # The notebook at full width: the studio as a user sees it (and the README picture).
        page.evaluate("() => window.jupyterapp.commands.execute('application:toggle-left-area')")
        studio = page.locator(".jp-OutputArea-output").filter(has=page.locator(".masko-gallery"))
        poses = page.locator(".masko-grid .masko-poses")
        for theme in (LIGHT_THEME, DARK_THEME):
            nb.set_theme(theme)
            # the grid's scroll bar (and every control) drawn in the theme's scheme
            scheme = "light" if theme == LIGHT_THEME else "dark"
            assert poses.evaluate("(el) => getComputedStyle(el).colorScheme") == scheme
            violations = axe_violations(page)
            assert violations == {}, f"{theme}:\n{json.dumps(violations, indent=1)}"
        # Screenshots (scripts/readme-picture copies the light one into the README).
        page.locator(".masko-preview .masko-status .masko-dismiss").click()
        nb.kernel.wait_for("studio.preview.error == ''")
        for theme, name in ((DARK_THEME, "studio-dark-1024"), (LIGHT_THEME, "studio-light-1024")):
            nb.set_theme(theme)
            expect(page.locator(".masko-preview .masko-status .masko-error")).to_be_hidden()
            nb.screenshot(name, studio)
        assert page.evaluate(_UNNAMED_JS) == []


def test_every_control_reached_by_tab_shows_its_focus(notebook) -> None:
    with notebook("focus.ipynb", STUDIO[:2], size=(1024, 2200)) as nb:
        page = nb.page
        page.locator(".masko-gallery .masko-refresh").focus()
        seen = [page.evaluate(_FOCUS_JS)]
        for _ in range(60):  # bounded: more than the studio's stops
            page.keyboard.press("Tab")
            focus = page.evaluate(_FOCUS_JS)
            if focus is None:
                break
            seen.append(focus)
        assert len(seen) >= 10, seen
        hidden = [focus["control"] for focus in seen if not (focus["ring"] and focus["matches"])]
        assert hidden == [], hidden


def test_an_exported_studio_has_a_main_heading_and_no_serious_axe_violations(
    standin, chromium, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(_cache, "_shared", PictureCache(tmp_path / "pictures"))
    key = standin.new_workspace_key(credits=1000)
    with MaskoClient(api_key=key, base_url=standin.url) as client:
        studio = MascotStudio(client, scored_collection(client))
        studio.preview.preview("the mascot waving")
        path = export_html(studio, tmp_path / "studio.html", title="Pip, the mascot")
    for scheme in ("light", "dark"):
        context = chromium.new_context(
            offline=True, color_scheme=scheme, viewport={"width": 1280, "height": 2000}
        )
        context.set_default_timeout(WAIT)
        try:
            page = context.new_page()
            page.goto(path.as_uri())
            expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(
                "Pip, the mascot"
            )
            expect(page.locator(".masko-result img").first).to_be_visible()
            expect_every_score_level(page)
            violations = axe_violations(page, whole_page=True)
            assert violations == {}, f"{scheme}:\n{json.dumps(violations, indent=1)}"
            structure = axe_violations(page, whole_page=True, impacts=("minor", "moderate"))
            missing = [
                rule
                for rule in structure
                if rule.startswith(("landmark-one-main", "page-has-heading-one"))
            ]
            assert missing == [], missing
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"export-{scheme}.png"), full_page=True)
        finally:
            context.close()
