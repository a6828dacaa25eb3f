"""`masko-local --students`: a class on one stand-in, one key, workspace and purse per student."""

from __future__ import annotations

import csv
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.local.conftest import Api

COMMAND = [sys.executable, "-m", "masko_widgets.local"]


@contextmanager
def serving(*args: str) -> Iterator[tuple[str, list[str]]]:
    """Run the command until it says it serves; yield (base URL, its output), then Ctrl-C it.

    After the block, the output list also holds what it printed while stopping, and stderr."""
    process = subprocess.Popen(
        [*COMMAND, "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    output: list[str] = []
    try:
        while not output or not output[-1].startswith("Press Ctrl-C"):
            line = process.stdout.readline()
            assert line, "".join(output) + process.stderr.read()
            output.append(line)
        url = output[0].split(" at ")[1].strip()
        yield url, output
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        output += [out, err]
    assert process.returncode == 0, err


def roster(path: Path) -> dict[str, str]:
    with path.open() as file:
        return {row["student"]: row["api_key"] for row in csv.DictReader(file)}


def test_each_student_has_a_workspace_and_credits_that_survive_a_restart(tmp_path):
    data, roster_file = tmp_path / "class", tmp_path / "roster.csv"
    args = ["--data-dir", str(data), "--students", "3", "--credits", "200"]
    with serving(*args, "--roster", str(roster_file)) as (url, first_output):
        keys = roster(roster_file)
        assert list(keys) == ["student-01", "student-02", "student-03"]
        assert len(set(keys.values())) == 3
        assert stat.S_IMODE(roster_file.stat().st_mode) == 0o600
        apis = {name: Api(url, key) for name, key in keys.items()}
        assert [api.balance() for api in apis.values()] == [200, 200, 200]
        collections = {name: api.collection(name=name)["id"] for name, api in apis.items()}
        job = apis["student-01"].wait(
            apis["student-01"].image_job(collections["student-01"])["job_id"]
        )
        balances = {name: 200 - job["cost_credits"] * (name == "student-01") for name in keys}
        assert job["status"] == "completed" and job["cost_credits"] > 0
        for name, api in apis.items():
            assert [c["id"] for c in api.ok("GET", "/collections")] == [collections[name]]
            assert api.balance() == balances[name]
            other = next(c for student, c in collections.items() if student != name)
            api.error("GET", f"/collections/{other}", 403)

    with serving(*args, "--roster", str(roster_file)) as (url, second_output):
        assert roster(roster_file) == keys
        for name, key in keys.items():
            api = Api(url, key)
            assert [c["id"] for c in api.ok("GET", "/collections")] == [collections[name]]
            assert api.balance() == balances[name]

    printed = "".join(first_output + second_output)
    assert str(roster_file) in printed and "MASKO_BASE_URL" in printed
    assert not any(key in printed for key in keys.values())


def test_more_students_keep_the_first_ones_keys(tmp_path):
    data = tmp_path / "class"
    with serving("--data-dir", str(data), "--students", "2") as (url, _):
        first = roster(data / "roster.csv")
        Api(url, first["student-01"]).collection(name="Mine")
    with serving("--data-dir", str(data), "--students", "3") as (url, output):
        grown = roster(data / "roster.csv")
        assert "class of 3" in output[0]
        assert {name: grown[name] for name in first} == first
        assert Api(url, grown["student-03"]).balance() == 1000
        mine = Api(url, first["student-01"]).ok("GET", "/collections")
        assert [c["name"] for c in mine] == ["Mine"]


def test_a_roster_of_another_data_folder_is_refused_in_words(tmp_path):
    roster_file = tmp_path / "roster.csv"
    with serving(
        "--data-dir", str(tmp_path / "a"), "--students", "1", "--roster", str(roster_file)
    ):
        pass
    result = subprocess.run(
        [*COMMAND, "--data-dir", str(tmp_path / "b"), "--students", "1", "--roster", roster_file],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "does not know" in result.stderr and "--data-dir" in result.stderr
    assert "Traceback" not in result.stderr
    assert roster(roster_file)["student-01"] not in result.stderr + result.stdout


def test_a_class_needs_a_data_folder_and_sane_numbers():
    for args, words in [
        (["--students", "3"], "--students needs --data-dir"),
        (["--data-dir", "x", "--students", "0"], "whole number from 1"),
        (["--data-dir", "x", "--students", "2", "--credits", "-5"], "whole number from 0"),
        (["--data-dir", "x", "--roster", "r.csv"], "--roster goes with --students"),
    ]:
        result = subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=60)
        assert result.returncode == 2
        assert words in result.stderr
