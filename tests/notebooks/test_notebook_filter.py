"""Git's clean filter for notebooks/*.ipynb (set up by scripts/install): a notebook saved with
outputs everywhere is committed with only the checked outputs, by the policy's one
implementation (tests/notebooks/_outputs.py)."""

from __future__ import annotations

import subprocess

import nbformat
import pytest

from tests.notebooks._outputs import NOTEBOOKS, REPO, clean, is_checked

NAME = "01_quickstart.ipynb"


def git(*args: str, stdin: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(REPO), *args], input=stdin.encode(), capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode().strip()


def saved_with_outputs() -> str:
    """The notebook as JupyterLab saves it after a run: every cell with an output, widget state."""
    notebook = nbformat.read(NOTEBOOKS / NAME, as_version=4)
    for number, cell in enumerate(notebook.cells, 1):
        if cell.cell_type == "code" and not is_checked(cell):
            cell.execution_count = number
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    return nbformat.writes(notebook)


def test_git_add_commits_only_the_checked_outputs():
    if subprocess.run(["git", "-C", str(REPO), "rev-parse"], capture_output=True).returncode:
        pytest.skip("not a git checkout")
    attribute = git("check-attr", "filter", "--", f"notebooks/{NAME}", stdin="")
    assert attribute.endswith("filter: notebook-outputs"), attribute
    assert subprocess.run(
        ["git", "-C", str(REPO), "config", "filter.notebook-outputs.clean"], capture_output=True
    ).stdout, "the notebook filter is not set up: run scripts/install"
    saved = saved_with_outputs()
    committed = git("hash-object", f"--path=notebooks/{NAME}", "--stdin", stdin=saved)
    expected = git("hash-object", "--no-filters", "--stdin", stdin=clean(saved))
    assert committed == expected
    assert expected != git("hash-object", "--no-filters", "--stdin", stdin=saved)
    assert "widgets" not in nbformat.reads(clean(saved), as_version=4).metadata
