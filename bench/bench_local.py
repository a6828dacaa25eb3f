"""Stand-in benchmark: 12 concurrent image jobs at latency L should all end within 1.3 x L.

Run from the repository root: python -m bench.bench_local [--latency 2.0] [--jobs 12]
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import httpx

from masko_widgets import local

GOAL = 1.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=2.0, help="seconds per image job")
    parser.add_argument("--jobs", type=int, default=12, help="concurrent image jobs")
    args = parser.parse_args()
    with (
        local.start(latency={"image": args.latency}) as server,
        httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {server.api_key}"}, timeout=60
        ) as http,
    ):
        collection = http.post("/collections", json={"name": "bench"}).json()["data"]

        def submit(index: int) -> str:
            body = {"type": "image", "name": f"pose {index}", "image_prompt": f"pose {index}"}
            answer = http.post(f"/collections/{collection['id']}/generate", json=body)
            return answer.json()["data"]["job_id"]

        def wait(job_id: str) -> dict:
            while True:
                job = http.get(f"/jobs/{job_id}", params={"wait": "true"}).json()["data"]
                if job["status"] in ("completed", "failed"):
                    return job

        began = time.perf_counter()
        with ThreadPoolExecutor(args.jobs) as pool:
            job_ids = list(pool.map(submit, range(args.jobs)))
            jobs = list(pool.map(wait, job_ids))
        elapsed = time.perf_counter() - began

    failed = sum(job["status"] != "completed" for job in jobs)
    server_side = [_seconds(job["created_at"], job["completed_at"]) for job in jobs]
    ratio = elapsed / args.latency
    print(f"{args.jobs} concurrent image jobs at latency L = {args.latency:.2f} s")
    print(f"  all done after {elapsed:.2f} s (client view), failed: {failed}")
    print(f"  per job on the server: min {min(server_side):.2f} s, max {max(server_side):.2f} s")
    verdict = "ok" if ratio <= GOAL and not failed else "MISSED"
    print(f"  ratio {ratio:.2f} x L (goal <= {GOAL} x L): {verdict}")


def _seconds(start: str, end: str) -> float:
    def parse(stamp: str) -> datetime:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))

    return (parse(end) - parse(start)).total_seconds()


if __name__ == "__main__":
    main()
