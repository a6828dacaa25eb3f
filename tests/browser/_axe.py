"""axe-core (the pinned npm devDependency) run over the Masko widgets of a page."""

from __future__ import annotations

from typing import Any

from tests.browser._lab import REPO

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")

# axe violations of the given impacts in `context`, as {rule: [targets]}.
_AXE_JS = """async ({ context, impacts }) => {
  const result = await axe.run(context ?? document, { resultTypes: ['violations'] });
  const bad = result.violations.filter((v) => impacts.includes(v.impact));
  return Object.fromEntries(bad.map((v) => [v.id + ': ' + v.help,
                                              v.nodes.map((n) => n.target.join(' '))]));
}"""


def axe_violations(
    page: Any, *, whole_page: bool = False, impacts: tuple[str, ...] = SEVERE
) -> dict[str, list[str]]:
    """Violations of `impacts` inside `.masko` elements (or the whole page, for a page of our
    own such as an export): {rule: [targets]}."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    context = None if whole_page else {"include": [[".masko"]]}
    return page.evaluate(_AXE_JS, {"context": context, "impacts": list(impacts)})
