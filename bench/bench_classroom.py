"""Classroom load: 30 students at once on one stand-in, each with their own workspace key.

Each student runs the quickstart path: a collection with 3 references, 4 poses, 2 previews
with a hint, and one 2 s animation of a pose. Reported: requests, errors (goal 0), credits
charged against what the work costs (goal: equal), p50/p95 of the requests that do not
generate, and the time for the whole class against one student alone.

Run from the repository root: python bench/bench_classroom.py [--students 30]
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from masko_widgets import MaskoClient, local
from masko_widgets.local._generation import COST_PER_SECOND, IMAGE_COST

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


def lesson(server: local.LocalServer, student: Student, timings: Timings) -> None:
    """The quickstart path for one student; what went wrong lands in `student.errors`."""
    began = time.perf_counter()
    drawings = [character((240 - 8 * n, 120 + 12 * n, 40 + student.index)) for n in range(3)]
    try:
        transport = Timing(timings)  # its own: closing a client closes its transport
        with MaskoClient(api_key=student.key, base_url=server.url, transport=transport) as client:
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


def run(server: local.LocalServer, count: int) -> tuple[list[Student], Timings, float]:
    timings = Timings()
    students = [Student(index, server.new_workspace_key()) for index in range(count)]
    began = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        list(pool.map(lambda student: lesson(server, student, timings), students))
    return students, timings, time.perf_counter() - began


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
    parser.add_argument("--students", type=int, default=30)
    args = parser.parse_args()
    with local.start() as server:
        alone = run(server, 1)
        report("alone", *alone)
        everyone = run(server, args.students)
        report("classroom", *everyone)
    print(f"class of {args.students} vs one student alone: {everyone[2] / alone[2]:.1f} x the time")
    failed = sum(len(s.errors) for s in everyone[0]) or any(s.charged != COST for s in everyone[0])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
