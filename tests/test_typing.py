"""The public face as type checkers see it: names imported from `masko_widgets` carry their
real types (a wrong argument is an error), and every runtime name is declared in `__all__`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

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
