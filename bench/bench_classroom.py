"""Classroom load: classes of students at once on one stand-in, each with their own key.

The stand-in runs in its own process, started as the README tells a teacher (`masko-local
--students N --credits C --roster ...`); the students are client threads of this process, one
roster key each. Each student runs the quickstart path: a collection with 3 references, 4
poses, 2 previews with a hint, and one 2 s animation of a pose. Several classes run in a row
on the same stand-in, each followed by a pause. Reported per class, beside the load average:
requests, errors (goal 0), credits charged against what the work costs (goal: equal), p50/p95
of the requests that do not generate (goal: p95 at most 100 ms), and the stand-in's process
tree memory (workers included) before, at its peak and after the pause. The anchor is the
same path for one student alone on a stand-in of its own.

Run from the repository root: python -m bench.bench_classroom [--classes 10,30,30] [--idle 5]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from PIL import Image, ImageDraw

from masko_widgets import MaskoClient
from masko_widgets.local.api._generation import COST_PER_SECOND, IMAGE_COST
from tests.local.processes import TreeMemory, tree_memory

POSES = ("waving", "jumping", "thinking", "sitting")
ANIMATION_SECONDS = 2
COST = len(POSES) * IMAGE_COST + ANIMATION_SECONDS * COST_PER_SECOND
"""Credits one student's work costs (previews are free)."""
WAIT = 900.0


class Timings:
    """Seconds per kind of request and answers per status, across every student."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seconds: dict[str, list[float]] = {"generation": [], "long-poll": [], "other": []}
        self.statuses: Counter[str] = Counter()
        self.routes: dict[str, list[float]] = {}
        """Seconds of the non-generation requests, by method and route."""


class Timing(httpx.HTTPTransport):
    """One student's transport: times every request into the class's `Timings`; answers of
    400 and more, and broken connections, are errors."""

    def __init__(self, timings: Timings) -> None:
        super().__init__()
        self.timings = timings

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        began = time.perf_counter()
        try:
            response = super().handle_request(request)
            response.read()
        except httpx.TransportError as exc:
            where = "long-poll" if request.url.params.get("wait") == "true" else request.method
            with self.timings.lock:
                self.timings.statuses[f"{type(exc).__name__} ({where})"] += 1
            raise
        took = time.perf_counter() - began
        path = request.url.path
        if request.method == "POST" and path.endswith(("/generate", "/generate-batch", "/preview")):
            kind = "generation"
        elif request.url.params.get("wait") == "true":
            kind = "long-poll"
        else:
            kind = "other"
        route = f"{request.method} {re.sub(r'/[0-9a-f-]{36}', '/:id', path)}"
        with self.timings.lock:
            self.timings.seconds[kind].append(took)
            if kind == "other":
                self.timings.routes.setdefault(route, []).append(took)
            self.timings.statuses[str(response.status_code)] += 1
        return response


def character(colour: tuple[int, int, int], size: int = 256) -> bytes:
    """A round character, as the quickstart draws it, as PNG bytes."""
    image = Image.new("RGB", (size, size), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    box = (size * 0.25, size * 0.15, size * 0.75, size * 0.9)
    draw.ellipse(box, fill=colour, outline=(20, 20, 20), width=size // 40)
    for x in (0.42, 0.58):
        eye = (size * x - 6, size * 0.4 - 6, size * x + 6, size * 0.4 + 6)
        draw.ellipse(eye, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclass
class Student:
    index: int
    key: str
    errors: list[str] = field(default_factory=list)
    charged: int = 0
    seconds: float = 0.0


def lesson(url: str, student: Student, timings: Timings) -> None:
    """The quickstart path for one student; what went wrong lands in `student.errors`."""
    began = time.perf_counter()
    drawings = [character((240 - 8 * n, 120 + 12 * n, 40 + student.index)) for n in range(3)]
    try:
        transport = Timing(timings)  # its own: closing a client closes its transport
        with MaskoClient(api_key=student.key, base_url=url, transport=transport) as client:
            before = client.credits()
            collection = client.collections.create(f"Pip {student.index}", references=drawings)
            poses = [
                client.generations.image(collection, name, f"the mascot {name}") for name in POSES
            ]
            for prompt in ("waving hello", "a big smile"):
                client.previews.create(prompt, hints=[drawings[0]], collection_id=collection)
            done = [pose.wait(timeout=WAIT) for pose in poses]
            clip = client.generations.animate(
                collection, done[0], "waves hello", duration=ANIMATION_SECONDS
            )
            clip.wait(timeout=WAIT)
            student.charged = before - client.credits()
    except Exception as exc:  # every failure is a finding of the bench
        student.errors.append(f"{type(exc).__name__}: {exc}")
    student.seconds = time.perf_counter() - began


def run(url: str, keys: list[str]) -> tuple[list[Student], Timings, float]:
    """One class: a client thread per key, all at once."""
    timings = Timings()
    students = [Student(index, key) for index, key in enumerate(keys)]
    began = time.perf_counter()
    with ThreadPoolExecutor(len(students)) as pool:
        list(pool.map(lambda student: lesson(url, student, timings), students))
    return students, timings, time.perf_counter() - began


class Teacher:
    """The stand-in in a process of its own, started as the README tells a teacher:
    `masko-local --data-dir DIR --students N --credits C --roster DIR/roster.csv`."""

    def __init__(self, folder: Path, students: int, credits: int) -> None:
        self.folder = folder
        self.roster = folder / "roster.csv"
        command = shutil.which("masko-local")
        self.command = [
            *([command] if command else [sys.executable, "-m", "masko_widgets.local"]),
            *("--data-dir", str(folder), "--students", str(students)),
            *("--credits", str(credits), "--roster", str(self.roster)),
        ]
        self.url = ""
        self.keys: list[str] = []

    def __enter__(self) -> Teacher:
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self.process.stdout is not None
        lines = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"masko-local stopped: {''.join(lines)}")
            lines.append(line)
        self.url = lines[0].split(" at ")[1].strip()
        with self.roster.open() as file:
            self.keys = [row["api_key"] for row in csv.DictReader(file)]
        return self

    def __exit__(self, *_exc: object) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=120)

    def memory(self) -> TreeMemory:
        """The stand-in's process tree: the server, its fork server and render workers."""
        return tree_memory(self.process.pid)


class Peak:
    """The highest memory of a teacher's stand-in while the block runs (sampled 5 times a
    second)."""

    def __init__(self, teacher: Teacher) -> None:
        self.teacher = teacher
        self.highest = teacher.memory()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(0.2):
            now = self.teacher.memory()
            if now.rss > self.highest.rss:
                self.highest = now

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join()


def load_average() -> str:
    """The 1-minute load average (other work on the machine), as `uptime` shows it."""
    return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def report(title: str, students: list[Student], timing: Timings, elapsed: float) -> None:
    requests = sum(timing.statuses.values())
    errors = sum(len(s.errors) for s in students)
    refused = sum(n for status, n in timing.statuses.items() if not status.startswith("2"))
    charged = sum(s.charged for s in students)
    other = timing.seconds["other"]
    print(f"{title}: {len(students)} student(s), all done in {elapsed:.1f} s")
    print(f"  requests {requests} ({dict(sorted(timing.statuses.items()))})")
    print(f"  errors {errors} raised, {refused} answers not 2xx (goal 0)")
    print(f"  credits charged {charged}, expected {COST * len(students)}")
    print(
        f"  non-generation requests: {len(other)}, p50 {1000 * percentile(other, 0.5):.0f} ms,"
        f" p95 {1000 * percentile(other, 0.95):.0f} ms, max {1000 * max(other, default=0):.0f} ms"
    )
    made = timing.seconds["generation"]
    print(
        f"  generate/preview requests: {len(made)}, p50 {1000 * percentile(made, 0.5):.0f} ms,"
        f" p95 {1000 * percentile(made, 0.95):.0f} ms"
    )
    for route, seconds in sorted(timing.routes.items()):
        print(
            f"    {route}: {len(seconds)}, p50 {1000 * percentile(seconds, 0.5):.0f} ms,"
            f" p95 {1000 * percentile(seconds, 0.95):.0f} ms"
        )
    print(
        f"  one student's path: min {min(s.seconds for s in students):.1f} s,"
        f" max {max(s.seconds for s in students):.1f} s"
    )
    for student in students:
        for error in student.errors:
            print(f"  student {student.index}: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--classes",
        default="10,30,30",
        help="students of each class in a row on one stand-in (default: 10,30,30)",
    )
    parser.add_argument(
        "--idle", type=float, default=12.0, help="seconds idle after a class (default: 12)"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.classes.split(",")]
    failed = False
    with tempfile.TemporaryDirectory(prefix="masko-class-") as folder:
        with Teacher(Path(folder) / "alone", students=1, credits=COST) as alone:
            failed |= lesson_of(alone, 1, "anchor, one student", args.idle)
        with Teacher(Path(folder) / "class", max(sizes), COST * len(sizes)) as teacher:
            for number, size in enumerate(sizes, 1):
                failed |= lesson_of(teacher, size, f"class {number}", args.idle)
    sys.exit(1 if failed else 0)


def lesson_of(teacher: Teacher, size: int, title: str, idle: float) -> bool:
    """One class on the teacher's stand-in, reported with its memory; whether it failed."""
    before = teacher.memory()
    with Peak(teacher) as peak:
        students, timing, elapsed = run(teacher.url, teacher.keys[:size])
    time.sleep(idle)  # the pause between two lessons, then see what memory came back
    after = teacher.memory()
    report(f"{title} (load average {load_average()})", students, timing, elapsed)
    print(
        f"  stand-in process tree: {before} before, peak {peak.highest} during,"
        f" {after} after {idle:.0f} s idle"
    )
    return bool(sum(len(s.errors) for s in students)) or any(s.charged != COST for s in students)


if __name__ == "__main__":
    main()
