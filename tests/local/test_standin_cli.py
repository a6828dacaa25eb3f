"""The command line and the optional-dependency message."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys

import httpx


def test_module_serves_until_ctrl_c(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "masko_widgets.local", "--data-dir", str(tmp_path), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = {}
        while "MASKO_API_KEY" not in lines:
            line = process.stdout.readline()
            assert line, process.stderr.read()
            name, _, value = line.strip().partition("=")
            lines[name] = value
        url, key = lines["MASKO_BASE_URL"], lines["MASKO_API_KEY"]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        assert key == (tmp_path / "api_key").read_text().strip()
        answer = httpx.get(f"{url}/credits", headers={"Authorization": f"Bearer {key}"})
        assert answer.json()["data"]["balance"] == 1000
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert key not in err


def test_missing_extra_says_what_to_install():
    code = "import sys; sys.modules['fastapi'] = None; import masko_widgets.local"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "pip install 'masko-widgets[local]'" in result.stderr


def test_busy_port_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = subprocess.run(
            [sys.executable, "-m", "masko_widgets.local", "--port", port],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr
