"""The distributions pip users get: an sdist that carries the built front end, and a wheel
built from it with no npm on PATH, holding the licences, one stylesheet, the type marker,
the console scripts and complete metadata."""

from __future__ import annotations

import email
import os
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from importlib.metadata import requires
from pathlib import Path

import pytest

import masko_widgets

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> Iterator[tuple[Path, Path]]:
    """(sdist, wheel): `python -m build` makes the sdist, then the wheel from the sdist; PATH
    holds only this environment's scripts, so any call to npm or node would fail the build."""
    out = tmp_path_factory.mktemp("dist")
    env = {**os.environ, "PATH": str(BIN)}
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    yield next(out.glob("*.tar.gz")), next(out.glob("*.whl"))


def test_the_sdist_carries_the_built_front_end_and_no_local_clutter(dists):
    sdist, _ = dists
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for built in ("gallery.js", "grid.js", "preview.js", "studio.js", "export.js", "style.css"):
        assert f"masko_widgets/static/{built}" in names
    assert {"LICENSE", "README.md", "package.json", "package-lock.json", "js/style.css"} <= names
    assert not [name for name in names if name.startswith(("node_modules/", ".venv/"))]


def test_the_wheel_holds_licences_one_stylesheet_and_the_type_marker(dists):
    _, wheel = dists
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert [name for name in names if name.endswith(".css")] == ["masko_widgets/static/style.css"]
    for bundle in ("gallery.js", "grid.js", "preview.js", "studio.js", "export.js"):
        assert f"masko_widgets/static/{bundle}" in names
    assert "masko_widgets/py.typed" in names
    licences = {name.split(".dist-info/licenses/")[1] for name in names if "/licenses/" in name}
    assert licences == {"LICENSE"}
    assert not [name for name in names if "/tests/" in name or name.startswith("tests/")]


def test_the_wheel_metadata_is_complete(dists):
    _, wheel = dists
    with zipfile.ZipFile(wheel) as archive:
        info = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(info))
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert metadata["Version"] == masko_widgets.__version__
    assert metadata["License-Expression"] == "MIT"
    classifiers = metadata.get_all("Classifier")
    assert {"Framework :: Jupyter", "Framework :: Jupyter :: JupyterLab"} <= set(classifiers)
    assert "Programming Language :: Python :: 3.10" in classifiers
    assert metadata.get_all("Project-URL")
    assert "jupyter" in metadata["Keywords"]
    # the same requirements as this checkout's install, which scripts/install keeps current
    assert sorted(metadata.get_all("Requires-Dist")) == sorted(requires("masko-widgets"))
    assert "av>=13; extra == 'local'" in metadata.get_all("Requires-Dist")
    assert "masko-check = masko_widgets.check:main" in entry_points
    assert "masko-local = masko_widgets.local.__main__:main" in entry_points


def test_the_console_scripts_run():
    env = {name: value for name, value in os.environ.items() if not name.startswith("MASKO_")}
    check = subprocess.run(
        [BIN / "masko-check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert check.returncode == 2
    assert "set MASKO_API_KEY" in check.stdout
    local = subprocess.run(
        [BIN / "masko-local", "--help"], capture_output=True, text=True, timeout=60
    )
    assert local.returncode == 0
    assert "--data-dir" in local.stdout
