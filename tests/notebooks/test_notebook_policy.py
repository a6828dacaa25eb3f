"""The committed-outputs policy of notebooks/ (see tests/notebooks/_outputs.py), checked on the
notebooks as they will be committed (git's index), so saving a notebook in JupyterLab does
not break these tests; git's clean filter applies the policy on `git add`.

Only cells marked `# NBVAL_CHECK_OUTPUT` keep outputs, and nbval re-checks each of them, so
no output can go stale; nothing in a notebook may hold a key, a machine's address or a large
image; every notebook checks at least one output.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from tests.notebooks._outputs import CHECK_MARKER, NOTEBOOKS, committed_text, is_checked

EXPECTED = [
    "01_quickstart.ipynb",
    "02_reference_gallery.ipynb",
    "03_preview_hints.ipynb",
    "04_pose_grid_animation.ipynb",
    "05_common_mistakes.ipynb",
    "06_style_tuning.ipynb",
    "07_async_client.ipynb",
]
KEY = re.compile(r"masko_[0-9a-f]{64}")
MACHINE = re.compile(r"127\.0\.0\.1|localhost:\d+|/tmp/|/root/|/home/")
MAX_NOTEBOOK_BYTES = 200_000
MAX_IMAGE_BYTES = 40_000  # base64 text of one embedded image


def refresh_hint(name: str) -> str:
    return f"refresh it with `python -m tests.notebooks._outputs notebooks/{name}`"


def load(name: str) -> nbformat.NotebookNode:
    return nbformat.reads(committed_text(NOTEBOOKS / name), as_version=4)


def output_text(output: nbformat.NotebookNode) -> str:
    return json.dumps(output)


def test_the_notebooks_are_the_lessons() -> None:
    assert sorted(path.name for path in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_only_checked_cells_keep_outputs(name: str) -> None:
    notebook = load(name)
    checked = [cell for cell in notebook.cells if is_checked(cell)]
    assert checked, f"{name} compares no output: mark a lesson cell with {CHECK_MARKER}"
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if is_checked(cell):
            assert cell.outputs, f"{name}: checked cell has no output; {refresh_hint(name)}"
            assert cell.execution_count is not None
        else:
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{name}: unchecked cell committed with output:\n{cell.source[:200]}\n"
                + refresh_hint(name)
            )
    counts = [cell.execution_count for cell in checked]
    assert counts == sorted(set(counts)), f"{name}: outputs not from one run; {refresh_hint(name)}"


@pytest.mark.parametrize("name", EXPECTED)
def test_committed_outputs_are_clean(name: str) -> None:
    notebook = load(name)
    assert "widgets" not in notebook.metadata, f"{name} holds widget state"
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{name}: committed error output"
            assert not (output.output_type == "stream" and output.name == "stderr"), (
                f"{name}: committed stderr output: {output.text[:200]}"
            )
            text = output_text(output)
            assert not MACHINE.search(text), f"{name}: output names this machine: {text[:200]}"
            for mime, data in output.get("data", {}).items():
                if mime.startswith("image/"):
                    assert len(data) <= MAX_IMAGE_BYTES, f"{name}: {mime} of {len(data)} bytes"


@pytest.mark.parametrize("name", EXPECTED)
def test_no_key_and_small_file(name: str) -> None:
    raw = committed_text(NOTEBOOKS / name)
    assert not KEY.search(raw), f"{name} contains an API key"
    assert len(raw.encode()) <= MAX_NOTEBOOK_BYTES, f"{name} is {len(raw.encode())} bytes"
    assert load(name).metadata["kernelspec"]["name"] == "python3"
