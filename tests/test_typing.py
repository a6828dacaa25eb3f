"""The public face as type checkers see it: names imported from `masko_widgets` carry their
real types (a wrong argument is an error), every runtime name is declared in `__all__`, and
pyright knows the type of every public name but those that rest on ipywidgets."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import anywidget
import pytest

import masko_widgets
import masko_widgets.client

ROOT = Path(__file__).resolve().parents[1]

README_USE = """\
from masko_widgets import MascotStudio, MaskoClient, connect, local

client: MaskoClient = connect()
studio: MascotStudio = MascotStudio(client, collection="col_1")
with local.start() as server:
    MaskoClient(api_key=server.api_key, base_url=server.url).close()
"""

Mypy = Callable[[str], "subprocess.CompletedProcess[str]"]


@pytest.fixture(scope="module")
def mypy(tmp_path_factory: pytest.TempPathFactory) -> Mypy:
    """Runs `mypy --strict` on a user's script, with this checkout's package on the path as an
    installed one (so only the script's own errors count); one cache serves every run."""
    folder = tmp_path_factory.mktemp("mypy")

    def check(code: str) -> subprocess.CompletedProcess[str]:
        (folder / "snippet.py").write_text(code)
        return subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "snippet.py"],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=300,
        )

    return check


def test_a_wrong_argument_type_is_a_type_error(mypy: Mypy) -> None:
    done = mypy("from masko_widgets import MaskoClient\nMaskoClient(api_key=123)\n")
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'Argument "api_key" to "MaskoClient" has incompatible type "int"' in done.stdout


def test_pyright_sees_the_same_types(tmp_path: Path) -> None:
    (tmp_path / "snippet.py").write_text(
        "from masko_widgets import MaskoClient\nMaskoClient(api_key=123)\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", "snippet.py"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    found = json.loads(done.stdout)["generalDiagnostics"]
    assert [problem["rule"] for problem in found] == ["reportArgumentType"], done.stdout
    assert 'parameter "api_key" of type "str | None"' in found[0]["message"]


def test_the_readme_imports_type_check_clean(mypy: Mypy) -> None:
    done = mypy(README_USE)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_misspelt_name_is_a_type_error(mypy: Mypy) -> None:
    done = mypy("from masko_widgets import MaskoClinet\n")
    assert done.returncode == 1, done.stdout + done.stderr
    assert '"MaskoClinet"' in done.stdout


def test_every_public_name_is_declared_and_loads() -> None:
    assert set(masko_widgets.client.__all__) <= set(masko_widgets.__all__)
    for name in masko_widgets.__all__:
        assert getattr(masko_widgets, name) is not None, name


def test_pyright_knows_every_public_type_but_the_widgets_metaclass() -> None:
    """ipywidgets ships no types, so pyright --verifytypes calls the metaclass of every widget
    class unknown (and so each name that is or takes a widget); anything else must be typed."""
    command = ["pyright", "--outputjson", "--verifytypes", "masko_widgets", "--ignoreexternal"]
    done = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    symbols = json.loads(done.stdout)["typeCompleteness"]["symbols"]
    widgets = {
        symbol["name"]
        for symbol in symbols
        if "Type of metaclass unknown" in [problem["message"] for problem in symbol["diagnostics"]]
    }
    for name in widgets:
        module, _, attribute = name.rpartition(".")
        assert issubclass(getattr(importlib.import_module(module), attribute), anywidget.AnyWidget)
    widget_names = {name.rpartition(".")[2] for name in widgets}

    def rests_on_a_widget(message: str) -> bool:
        named = re.search(r'type is "(\w+)"$', message)
        return message.startswith(("Type of metaclass unknown", "Type of base class")) or bool(
            named and named[1] in widget_names
        )

    untyped = {
        symbol["name"]: [problem["message"] for problem in symbol["diagnostics"]]
        for symbol in symbols
        if symbol["isExported"]
        and not symbol["isTypeKnown"]
        and not all(rests_on_a_widget(problem["message"]) for problem in symbol["diagnostics"])
    }
    assert untyped == {}
    assert {"MascotStudio", "PoseGrid", "PreviewPanel", "ReferenceGallery"} <= widget_names
