"""Classroom load: classes of students at once on one stand-in, each with their own key.

The stand-in runs in its own process, started as the README tells a teacher (`masko-local
--students N --credits C --roster ...`); the students are client threads of this process, one
roster key each. Each student runs the quickstart path: a collection with 3 references, 4
poses, 2 previews with a hint, and one 2 s animation of a pose. Several classes run in a row
on the same stand-in, each followed by a pause. Reported per class, beside the load average:
requests, errors (goal 0), credits charged against what the work costs (goal: equal), p50/p95
of the requests that do not generate (goal: p95 at most 100 ms), the CPU time of the stand-in
(its server process apart from its render workers) and of the students' threads (this
process), and the stand-in's process tree memory (workers included) before, at its peak and
after the pause. The anchor is the same path for one student alone on a stand-in of its own.
The whole is run `--runs` times; a table of the p50/p95 of each class (median and range over
the runs) ends the report. The first class on a fresh stand-in is its cold one.

Run from the repository root:
    python -m bench.bench_classroom [--classes 10,30,30] [--idle 12] [--runs 3]
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
from tests.local.processes import TreeMemory, cpu_seconds, descendants, tree_memory, tree_rss

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
    """One student: their key, their drawings and client (made before the class starts, as
    a student opens their notebook before the lesson), and what their lesson came to."""

    index: int
    key: str
    drawings: list[bytes] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    charged: int = 0
    seconds: float = 0.0

    def ready(self, url: str, timings: Timings) -> MaskoClient:
        """Draw the references and make the client (its transport times every request)."""
        self.drawings = [character((240 - 8 * n, 120 + 12 * n, 40 + self.index)) for n in range(3)]
        transport = Timing(timings)  # its own: closing a client closes its transport
        return MaskoClient(api_key=self.key, base_url=url, transport=transport)


def lesson(client: MaskoClient, student: Student) -> None:
    """The quickstart path for one student; what went wrong lands in `student.errors`."""
    began = time.perf_counter()
    drawings = student.drawings
    try:
        with client:
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


def run(students: list[Student], clients: list[MaskoClient]) -> float:
    """One class: a client thread per student, all at once; the seconds until all are done."""
    began = time.perf_counter()
    with ThreadPoolExecutor(len(students)) as pool:
        list(pool.map(lesson, clients, students))
    return time.perf_counter() - began


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

    def cpu(self) -> Cpu:
        """CPU seconds so far of the server process, of the processes below it (fork server
        and render workers, ended ones included), and of this process (the students)."""
        pid = self.process.pid
        return Cpu(cpu_seconds([pid]), cpu_seconds(descendants(pid)), time.process_time())


@dataclass(frozen=True)
class Cpu:
    server: float
    workers: float
    students: float

    def __sub__(self, before: Cpu) -> Cpu:
        return Cpu(
            self.server - before.server,
            self.workers - before.workers,
            self.students - before.students,
        )


class Peak:
    """The highest memory of a teacher's stand-in while the block runs: its resident size
    sampled 5 times a second, measured in full (`Teacher.memory`) at each new high."""

    def __init__(self, teacher: Teacher) -> None:
        self.teacher = teacher
        self.highest = teacher.memory()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(0.2):
            if tree_rss(self.teacher.process.pid) > self.highest.rss:
                self.highest = max(self.highest, self.teacher.memory(), key=lambda m: m.rss)

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


def spread(values: list[float], share: float) -> str:
    """p50 and p95 (`share`) of `values` in ms, e.g. `p50 31 ms, p95 83 ms`."""
    return (
        f"p50 {1000 * percentile(values, 0.5):.0f} ms,"
        f" p95 {1000 * percentile(values, share):.0f} ms"
    )


@dataclass(frozen=True)
class ClassResult:
    """What the summary table keeps of one class."""

    title: str
    p50: float
    p95: float
    load: float
    failed: bool


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
        f"  non-generation requests: {len(other)}, {spread(other, 0.95)},"
        f" max {1000 * max(other, default=0):.0f} ms (goal: p95 at most 100 ms)"
    )
    made = timing.seconds["generation"]
    print(f"  generate/preview requests: {len(made)}, {spread(made, 0.95)}")
    for route, seconds in sorted(timing.routes.items()):
        print(f"    {route}: {len(seconds)}, {spread(seconds, 0.95)}")
    print(
        f"  one student's path: min {min(s.seconds for s in students):.1f} s,"
        f" max {max(s.seconds for s in students):.1f} s"
    )
    for student in students:
        for error in student.errors:
            print(f"  student {student.index}: {error}")


def report_cpu(used: Cpu, elapsed: float, requests: int) -> None:
    print(
        f"  CPU over the {elapsed:.1f} s: stand-in server {used.server:.1f} s"
        f" ({1000 * used.server / max(requests, 1):.1f} ms a request, job bookkeeping included),"
        f" its render workers {used.workers:.1f} s, the students' threads (this process)"
        f" {used.students:.1f} s ({1000 * used.students / max(requests, 1):.1f} ms a request);"
        f" {os.cpu_count()} cores"
    )


def lesson_of(teacher: Teacher, size: int, title: str, idle: float) -> ClassResult:
    """One class on the teacher's stand-in, reported with its CPU and memory."""
    timing = Timings()
    students = [Student(index, key) for index, key in enumerate(teacher.keys[:size])]
    clients = [student.ready(teacher.url, timing) for student in students]
    before, cpu = teacher.memory(), teacher.cpu()
    with Peak(teacher) as peak:
        elapsed = run(students, clients)
    used = teacher.cpu() - cpu
    load = os.getloadavg()[0]
    time.sleep(idle)  # the pause between two lessons, then see what memory came back
    after = teacher.memory()
    report(f"{title} (load average {load_average()})", students, timing, elapsed)
    report_cpu(used, elapsed, sum(timing.statuses.values()))
    print(
        f"  stand-in process tree: {before} before, peak {peak.highest} during,"
        f" {after} after {idle:.0f} s idle"
    )
    other = timing.seconds["other"]
    failed = bool(sum(len(s.errors) for s in students)) or any(s.charged != COST for s in students)
    return ClassResult(title, percentile(other, 0.5), percentile(other, 0.95), load, failed)


def one_run(sizes: list[int], idle: float) -> list[ClassResult]:
    """The anchor, then the classes in a row on one teacher's stand-in."""
    with tempfile.TemporaryDirectory(prefix="masko-class-") as folder:
        with Teacher(Path(folder) / "alone", students=1, credits=COST) as alone:
            results = [lesson_of(alone, 1, "anchor, one student", idle)]
        with Teacher(Path(folder) / "class", max(sizes), COST * len(sizes)) as teacher:
            for number, size in enumerate(sizes, 1):
                warmth = "cold" if number == 1 else "warm"
                title = f"class {number}, {size} students, {warmth}"
                results.append(lesson_of(teacher, size, title, idle))
    return results


def summarise(runs: list[list[ClassResult]]) -> None:
    """Per class: the median and range over the runs of its non-generation p50 and p95."""
    print(f"\nNon-generation requests over {len(runs)} run(s): median [min-max]")
    for number, title in enumerate(result.title for result in runs[0]):
        results = [run[number] for run in runs]
        cells = []
        for name, values in (
            ("p50", [r.p50 for r in results]),
            ("p95", [r.p95 for r in results]),
        ):
            low, mid, high = (
                1000 * v for v in (min(values), statistics.median(values), max(values))
            )
            cells.append(f"{name} {mid:.0f} ms [{low:.0f}-{high:.0f}]")
        loads = ", ".join(f"{r.load:.1f}" for r in results)
        print(f"  {title}: {', '.join(cells)} (load averages {loads})")


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
    parser.add_argument("--runs", type=int, default=3, help="times to run it all (default: 3)")
    args = parser.parse_args()
    # Run in the background, the shell has us (and so our stand-ins) ignore SIGINT, with which
    # the teacher's Ctrl-C, and `Teacher`, stop a stand-in: take it back.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sizes = [int(size) for size in args.classes.split(",")]
    began = time.perf_counter()
    runs = []
    for number in range(1, args.runs + 1):
        print(f"--- run {number} of {args.runs}")
        runs.append(one_run(sizes, args.idle))
    summarise(runs)
    print(f"The bench took {time.perf_counter() - began:.0f} s.")
    sys.exit(1 if any(result.failed for run in runs for result in run) else 0)


if __name__ == "__main__":
    main()
