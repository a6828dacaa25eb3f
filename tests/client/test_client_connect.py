"""connect(): the real API with a key, else one offline stand-in per process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from masko_widgets import MaskoClient, connect
from tests.client._scripted import KEY

SCRIPT = """
from masko_widgets import connect
first, second = connect(), connect()
print(first.base_url == second.base_url, first.credits() == second.credits() == 1000)
"""


def test_with_a_key_it_targets_the_real_api(monkeypatch, capsys):
    monkeypatch.setenv("MASKO_API_KEY", KEY)
    monkeypatch.delenv("MASKO_BASE_URL", raising=False)
    with connect() as client:
        assert isinstance(client, MaskoClient)
        assert client.base_url == "https://api.masko.ai/v1"
    assert capsys.readouterr().out == ""


def test_without_a_key_it_starts_one_stand_in_says_so_once_and_stops_at_exit():
    env = {name: value for name, value in os.environ.items() if not name.startswith("MASKO_")}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    notice, result = done.stdout.splitlines()
    assert "images are synthesized locally" in notice and "offline stand-in" in notice
    assert "http://127.0.0.1:" in notice
    assert result == "True True"
