"""First-start benchmark: seconds from `scripts/start` on a fresh clone until JupyterLab answers.

Three kinds of start, each run on every given commit (before and after a change side by side):
cold (fresh clone, empty npm and pip caches), warm (fresh clone, caches filled by the cold run)
and repeat (the same clone again: the installs are skipped). Also the size of node_modules.

Run from the repository root: python -m bench.bench_start [--runs 3] COMMIT [COMMIT ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEADLINE = 1200.0
"""Longest a start may take before the run counts as failed."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commits", nargs="+", help="commits to compare (e.g. main HEAD)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="masko-bench-start-") as scratch:
        for commit in args.commits:
            report(commit, measure(Path(scratch) / commit, commit, args.runs))


def measure(work: Path, commit: str, runs: int) -> dict[str, list[float]]:
    """Seconds of each kind of start, and node_modules' size in MB after a start."""
    times: dict[str, list[float]] = {"cold": [], "warm": [], "repeat": [], "node_modules MB": []}
    for run in range(runs):
        caches = work / f"caches-{run}"  # empty: cold; then warm for the next clone
        cold = clone(work / f"cold-{run}", commit)
        times["cold"].append(start(cold, caches))
        times["node_modules MB"].append(size_mb(cold / "node_modules"))
        warm = clone(work / f"warm-{run}", commit)
        times["warm"].append(start(warm, caches))
        times["repeat"].append(start(warm, caches))
        for folder in (cold, warm, caches):
            shutil.rmtree(folder, ignore_errors=True)
    return times


def clone(folder: Path, commit: str) -> Path:
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(REPO), str(folder)], check=True)
    subprocess.run(["git", "-C", str(folder), "checkout", "-q", commit], check=True)
    return folder


def start(checkout: Path, caches: Path) -> float:
    """Run scripts/start in `checkout` until JupyterLab answers; its seconds. Stops it after."""
    port = free_port()
    env = {
        **os.environ,
        "HOME": str(caches / "home"),
        "npm_config_cache": str(caches / "npm"),
        "PIP_CACHE_DIR": str(caches / "pip"),
    }
    env.pop("MASKO_API_KEY", None)
    (caches / "home").mkdir(parents=True, exist_ok=True)
    log = (checkout / "start.log").open("ab")
    began = time.monotonic()
    process = subprocess.Popen(
        ["scripts/start", "--no-browser", f"--port={port}"],
        cwd=checkout,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        while not answers(port):
            if process.poll() is not None or time.monotonic() - began > DEADLINE:
                raise RuntimeError(f"scripts/start did not answer: see {checkout}/start.log")
            time.sleep(0.2)
        return time.monotonic() - began
    finally:
        stop(process)
        log.close()


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def stop(process: subprocess.Popen) -> None:
    for sent in (signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            return
        os.killpg(process.pid, sent)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            continue


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def size_mb(folder: Path) -> float:
    files = (path for path in folder.rglob("*") if path.is_file() and not path.is_symlink())
    return sum(path.stat().st_size for path in files) / 1e6


def report(commit: str, times: dict[str, list[float]]) -> None:
    for kind, values in times.items():
        print(
            f"{commit:>10} {kind:>16}: median {statistics.median(values):7.1f}"
            f"  spread {min(values):.1f}-{max(values):.1f}  ({len(values)} runs)"
        )


if __name__ == "__main__":
    main()
