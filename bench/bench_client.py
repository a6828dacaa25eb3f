"""Client figures against the offline stand-in: run `python -m bench.bench_client`.

Prints HTTP requests per completed job, 12 concurrent waits against one, the cost of
one keep-alive GET through the client (and through a bare connection, for comparison),
and the time `import masko_widgets` takes in a fresh interpreter.
"""

from __future__ import annotations

import http.client
import logging
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from masko_widgets import MaskoClient, local
from tests.conftest import draw_character

ROOT = Path(__file__).resolve().parent.parent

JOB_SECONDS = 3.0
CONCURRENT = 12


class RequestCounter(logging.Handler):
    """Counts the client's per-request log lines (one per answered HTTP request)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if " -> " in record.getMessage():
            with self._lock:
                self.count += 1


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def requests_per_job(client: MaskoClient, collection: str, counter: RequestCounter) -> float:
    counter.count = 0
    jobs = 5
    for n in range(jobs):
        client.generations.image(collection, f"pose {n}", "waving").wait(timeout=60)
    return counter.count / jobs


def concurrent_waits(client: MaskoClient, collection: str) -> tuple[float, float]:
    one = timed(lambda: client.generations.image(collection, "solo", "waving").wait(timeout=60))

    def submit_and_wait(n: int) -> None:
        client.generations.image(collection, f"c{n}", "waving").wait(timeout=60)

    def many() -> None:
        threads = [threading.Thread(target=submit_and_wait, args=(n,)) for n in range(CONCURRENT)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    return one, timed(many)


def get_costs(client: MaskoClient, server: local.LocalServer) -> dict[str, tuple[float, float]]:
    """Median (wall, caller-thread CPU) seconds of one keep-alive GET, client vs bare socket."""
    bare = http.client.HTTPConnection("127.0.0.1", server.port)
    headers = {"Authorization": f"Bearer {server.api_key}"}

    def raw() -> None:
        bare.request("GET", "/v1/credits", headers=headers)
        bare.getresponse().read()

    costs = {}
    for name, call in (("client", client.credits), ("bare", raw)):
        for _ in range(20):
            call()
        wall, cpu = [], []
        for _ in range(300):
            started, used = time.perf_counter(), time.thread_time()
            call()
            wall.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - used)
        costs[name] = (statistics.median(wall), statistics.median(cpu))
    bare.close()
    return costs


def import_time(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.check_output([sys.executable, "-c", code], cwd=ROOT, text=True))
        for _ in range(5)
    ]
    return statistics.median(runs)


def main() -> None:
    counter = RequestCounter()
    logger = logging.getLogger("masko_widgets.client")
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    with (
        local.start(latency={"image": JOB_SECONDS}) as server,
        MaskoClient(api_key=server.api_key, base_url=server.url) as client,
    ):
        collection = client.collections.create("bench", references=[draw_character()]).id
        per_job = requests_per_job(client, collection, counter)
        print(
            f"HTTP requests per completed job ({JOB_SECONDS:.0f} s jobs): {per_job:.2f} (goal <= 2)"
        )
        one, many = concurrent_waits(client, collection)
        print(
            f"{CONCURRENT} jobs submitted and waited from {CONCURRENT} threads: {many:.2f} s "
            f"vs one job {one:.2f} s "
            f"= {many / one:.2f}x (goal <= 1.3x)"
        )
        logger.removeHandler(counter)
        logger.setLevel(logging.NOTSET)
        costs = get_costs(client, server)
        (client_wall, client_cpu), (bare_wall, bare_cpu) = costs["client"], costs["bare"]
        print(
            f"one keep-alive GET: {client_wall * 1000:.2f} ms through the client vs "
            f"{bare_wall * 1000:.2f} ms over a bare http.client connection; client overhead "
            f"{(client_wall - bare_wall) * 1000:.2f} ms wall, "
            f"{(client_cpu - bare_cpu) * 1000:.2f} ms CPU (goal <= 3 ms)"
        )
    bare_import = import_time("import masko_widgets")
    print(f"import masko_widgets: {bare_import * 1000:.1f} ms (goal <= 600 ms)")
    print(
        "from masko_widgets import MaskoClient: "
        f"{import_time('from masko_widgets import MaskoClient') * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
