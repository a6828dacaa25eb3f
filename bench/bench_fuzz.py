"""Long schemathesis run against the stand-in: cases, failures by kind, operations reached.

Run from the repository root: python -m bench.bench_fuzz [--seconds 300] [--examples 50]
    [--workers 2] [--seed 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from masko_widgets import local
from tests.reliability import _fuzz


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=300, help="time budget")
    parser.add_argument("--examples", type=int, default=50, help="max cases per operation")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, local.start(Path(folder) / "data") as server:
        run = _fuzz.run(
            server,
            Path(folder) / "fuzz",
            max_time=args.seconds,
            max_examples=args.examples,
            seed_value=args.seed,
            workers=args.workers,
        )
    report = run.report
    print(
        f"fuzzed for {time.perf_counter() - began:.0f} s (budget {args.seconds} s, "
        f"stop: {report['stop_reason']}), seed {args.seed}"
    )
    print(f"operations tested  {report['operations']['tested']} of {report['operations']['total']}")
    print(
        "phases             "
        + ", ".join(f"{name} {phase['status']}" for name, phase in report["phases"].items())
    )
    print(f"cases run          {run.cases}")
    print(f"responses >= 500   {run.server_errors}")
    for failure in run.failures:
        print(
            f"failure            {failure['code']} {failure['title']} x{failure['count']}: "
            f"{', '.join(failure['operations'])}"
        )
    if not run.failures:
        print("failures           none")
    print(f"errors             {len(report['errors'])}")
    unreached = report["warnings"].get("missing_test_data") or []
    print(f"mostly 404         {len(unreached)} operations: {', '.join(unreached) or '-'}")


if __name__ == "__main__":
    main()
