"""Committed notebook outputs: run a notebook offline and keep only the outputs nbval checks.

The policy: a code cell is committed with outputs only when its first line is
`# NBVAL_CHECK_OUTPUT`; those outputs carry the lesson and `pytest --nbval-lax` compares them
with a fresh run on every test run, so they cannot go stale. Every other cell is committed
clean (no outputs, no execution count), and the notebook holds no widget state.

Refresh after editing a notebook:  python -m tests.notebooks._outputs [notebooks/NAME.ipynb ...]
Git applies the same policy on every `git add` of notebooks/*.ipynb through the clean filter
that scripts/install sets up (.gitattributes): python -m tests.notebooks._outputs --clean
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"


def committed_text(path: Path) -> str:
    """The notebook as the next commit will hold it: git's index (where the clean filter has
    run on `git add`), or the file itself when git does not track it."""
    shown = subprocess.run(
        ["git", "-C", str(REPO), "show", f":{path.relative_to(REPO).as_posix()}"],
        capture_output=True,
        check=False,
    )
    return shown.stdout.decode() if shown.returncode == 0 else path.read_text(encoding="utf-8")


def is_checked(cell: nbformat.NotebookNode) -> bool:
    """Whether nbval compares this cell's outputs (its first line is the marker)."""
    lines = cell.source.lstrip().splitlines()
    return cell.cell_type == "code" and bool(lines) and lines[0].strip() == CHECK_MARKER


def offline_env() -> dict[str, str]:
    """The environment a notebook runs in for tests: no key (the stand-in), this checkout."""
    env = {name: value for name, value in os.environ.items() if name != "MASKO_API_KEY"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def execute(path: Path, timeout: float = 300.0) -> tuple[nbformat.NotebookNode, float]:
    """Run the notebook top to bottom offline, in a temp folder (files it writes land there);
    returns it executed and the seconds taken."""
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as folder:
        client = NotebookClient(
            notebook,
            timeout=int(timeout),
            kernel_name="python3",
            resources={"metadata": {"path": folder}},
            record_timing=False,
        )
        start = time.perf_counter()
        client.execute(env=offline_env())
        return notebook, time.perf_counter() - start


def keep_checked_outputs(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Clear every cell but the checked ones; drop widget state and run metadata."""
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code" and not is_checked(cell):
            cell.outputs = []
            cell.execution_count = None
    notebook.metadata.pop("widgets", None)
    return notebook


def refresh(path: Path) -> float:
    """Execute `path` and write it back under the policy; returns the seconds it ran."""
    notebook, seconds = execute(path)
    nbformat.write(keep_checked_outputs(notebook), path)
    return seconds


def clean(source: str) -> str:
    """The notebook text as it is committed: the policy applied, written as nbformat writes."""
    return nbformat.writes(keep_checked_outputs(nbformat.reads(source, as_version=4))) + "\n"


def main(argv: list[str]) -> None:
    if argv == ["--clean"]:  # git's clean filter: the notebook on stdin, as committed on stdout
        sys.stdout.buffer.write(clean(sys.stdin.buffer.read().decode()).encode())
        return
    paths = [Path(arg) for arg in argv] or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in paths:
        print(f"{path.name}: ran in {refresh(path):.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
