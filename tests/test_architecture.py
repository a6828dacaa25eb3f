"""ARCHITECTURE.md matches the code: every file or folder it names exists, and the import
directions it states hold."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "ARCHITECTURE.md").read_text()


def named_paths() -> set[str]:
    """Paths the page names in backticks: whole ones, and module names after a folder named
    in the same paragraph (`masko_widgets/local/api/` ... `_routes_jobs.py`)."""
    found: set[str] = set()
    for paragraph in re.split(r"\n\s*\n|\n- ", PAGE):
        folder = ""
        for name in re.findall(r"`([\w./-]+\.(?:py|js|ts|ipynb)|[\w./-]+/)`", paragraph):
            if "/" in name:
                found.add(name)
                folder = name if name.endswith("/") else name.rpartition("/")[0] + "/"
            elif folder:
                found.add(folder + name)
    return found


def test_every_named_module_exists() -> None:
    names = named_paths()
    assert len(names) > 40  # the page's paths are read, not skipped
    missing = sorted(name for name in names if not (ROOT / name).exists())
    assert missing == []


def imports_of(folder: str) -> set[str]:
    modules: set[str] = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules.add(node.module)
            elif isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
    return modules


def test_the_stated_import_directions_hold() -> None:
    def reaches(folder: str, room: str) -> bool:
        return any(module.startswith(room) for module in imports_of(folder))

    assert not reaches("masko_widgets/client", "masko_widgets.local")
    assert not reaches("masko_widgets/client", "masko_widgets.widgets")
    assert not reaches("masko_widgets/local", "masko_widgets.widgets")
    assert not reaches("masko_widgets/local", "masko_widgets.client")
    assert not reaches("masko_widgets/widgets", "masko_widgets.local")


MAX_FUNCTION_LINES = 60
"""The longest a function may be (CONTRIBUTING.md); js/test/size.test.js holds the front end."""


def test_no_python_function_is_longer_than_sixty_lines() -> None:
    long = []
    for folder in ("masko_widgets", "tests", "bench", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    lines = (node.end_lineno or node.lineno) - node.lineno + 1
                    if lines > MAX_FUNCTION_LINES:
                        long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {lines}")
    assert long == [], "split these into named parts: " + ", ".join(long)
