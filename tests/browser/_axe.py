"""axe-core (the pinned npm devDependency) run over the Masko widgets of a page."""

from __future__ import annotations

from typing import Any

from tests.browser._lab import REPO

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"

# Serious and critical axe violations inside the widgets, as {rule: [targets]}.
_AXE_JS = """async () => {
  const result = await axe.run({ include: [['.masko']] }, { resultTypes: ['violations'] });
  const bad = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  return Object.fromEntries(bad.map((v) => [v.id + ': ' + v.help,
                                              v.nodes.map((n) => n.target.join(' '))]));
}"""


def axe_violations(page: Any) -> dict[str, list[str]]:
    """Serious and critical violations inside `.masko` elements: {rule: [targets]}."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(_AXE_JS)
