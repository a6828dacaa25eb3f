"""connect() without the `local` extra says which packages to install, and the alternative."""

from __future__ import annotations

import os
import subprocess
import sys

# Python with the stand-in's packages hidden, as on an install without the `local` extra.
WITHOUT_LOCAL = """
import importlib.util
real = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: None if name in {HIDDEN} else real(name, *a)
from masko_widgets import connect
connect()
"""


def run_without(*modules: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("MASKO_")}
    script = WITHOUT_LOCAL.replace("{HIDDEN}", repr(set(modules)))
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )


def test_connect_names_the_missing_packages_and_the_key_alternative():
    done = run_without("python_multipart", "av")
    assert done.returncode != 0
    message = done.stderr.strip().splitlines()[-1]
    assert message.startswith("ImportError: MASKO_API_KEY is not set")
    assert "needs av, python-multipart" in message
    assert "pip install 'masko-widgets[local]'" in message
    assert "set MASKO_API_KEY to your workspace's key" in message
