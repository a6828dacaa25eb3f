"""Reliability figures: a session under injected faults, a SIGKILL restart, crashes at every
step of a paid request and of a file write, a short fuzz run, and a search for the API key
everywhere it could leak.

Run from the repository root: python -m bench.bench_reliability [--seeds 7 8 9]
    [--outage 2] [--kill-rounds 1] [--fuzz-seconds 20] [--skip-notebooks]
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from collections import Counter
from pathlib import Path

from masko_widgets import MaskoClient, local
from tests.reliability import _fuzz, _kills, _restart, _scenario, _secrets
from tests.reliability._tally import Tally


def faults(seed: int) -> None:
    tally = Tally()
    settings = dataclasses.replace(_scenario.FAULTS, seed=seed)
    began = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as folder,
        local.start(folder, faults=settings) as server,
        MaskoClient(api_key=server.api_key, base_url=server.url, transport=tally) as client,
    ):
        session = _scenario.run(client, server)
        ledger = server.ledger()
        balance = client.credits()
    seconds = time.perf_counter() - began
    kinds = Counter(row["kind"] for row in ledger)
    charged = sum(r["amount"] for r in ledger if r["kind"] == "charge")
    refunded = sum(r["amount"] for r in ledger if r["kind"] == "refund")
    per_job = Counter(r["job_id"] for r in ledger if r["kind"] == "charge")
    print(f"\nfault session, seed {seed} ({seconds:.1f} s)")
    print(
        f"  requests sent            {tally.counts['requests']} "
        f"(GET {tally.counts['GET']}, POST {tally.counts['POST']})"
    )
    print(
        f"  faults met by the client 429: {tally.faults_seen['429']}, "
        f"500: {tally.faults_seen['500']}, cut: {tally.faults_seen['broken']}"
    )
    print(
        f"  jobs                     {len(session.jobs)} "
        f"({len(session.failed)} failed and refunded: {kinds['refund']} refunds)"
    )
    print(
        f"  ambiguous paid POSTs     {session.ambiguous_posts} "
        f"(had made a job: {session.adopted}, adopted, not resubmitted)"
    )
    print(f"  charges per job          max {max(per_job.values())}, jobs charged {len(per_job)}")
    print(
        f"  credits charged net      {charged - refunded} "
        f"(expected {session.expected_charge}; balance {balance})"
    )


def restart(outage: float) -> None:
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        record = _restart.run(Path(folder) / "data", outage=outage)
    before, after = record.before, record.after
    same_files = sum(after["files"].get(a) == h for a, h in before["files"].items())
    print(f"\nSIGKILL restart, {outage:g} s outage ({time.perf_counter() - began:.1f} s)")
    print(f"  statuses at the kill     {record.statuses_at_kill}")
    print(
        f"  assets before / after    {len(before['assets'])} / {len(after['assets'])} "
        f"(files intact: {same_files} of {len(before['files'])})"
    )
    print(
        f"  projects, collections    {len(before['projects'])}/{len(after['projects'])}, "
        f"{len(before['collections'])}/{len(after['collections'])}; "
        f"items {len(before['items'])}/{len(after['items'])}; "
        f"references {len(before['references'])}/{len(after['references'])}"
    )
    print(f"  interrupted jobs         {[job.status for job in record.finished]}")
    print(
        f"  jobs before / after      {len(before['jobs'])} / {len(after['jobs'])}; "
        f"ledger charges {sum(r['kind'] == 'charge' for r in record.ledger)}"
    )
    for name, wait in (("whole outage", record.early), ("last seconds", record.late)):
        print(f"  client waiting ({name}) {wait.job.status if wait.job else wait.error}")
    print(f"  connection failures met  {record.tally.counts['broken']}")


def kills(rounds: int) -> None:
    """Crash at every window of every paid route and file write, `rounds` times each."""
    began = time.perf_counter()
    done: list[_kills.Kill] = []
    with tempfile.TemporaryDirectory() as folder:
        for number in range(rounds):
            for route in _kills.PAID_ROUTES:
                for window in _kills.PAID_WINDOWS:
                    data = Path(folder) / f"{number}-{route}-{window}" / "data"
                    done.append(_kills.paid(data, route, window))
            for route in _kills.FILE_ROUTES:
                for window in _kills.FILE_WINDOWS:
                    data = Path(folder) / f"{number}-{route}-{window}" / "data"
                    done.append(_kills.write(data, route, window))
    windows = {kill.window for kill in done if kill.hit}
    print(f"\ncrashes at named steps ({time.perf_counter() - began:.1f} s)")
    print(
        f"  kills tried / in window  {len(done)} / {sum(kill.hit for kill in done)}"
        f" ({len(windows)} of {len(_kills.PAID_WINDOWS) + len(_kills.FILE_WINDOWS)} windows)"
    )
    print(
        f"  files left by the crash  {sum(len(kill.left_by_crash) for kill in done)};"
        f" left after the restart: {sum(len(kill.leftovers) for kill in done)}"
    )
    print(
        f"  double charges           {sum(kill.double_charges for kill in done)};"
        f" credits spent {sum(kill.spent for kill in done)} for jobs costing"
        f" {sum(kill.cost for kill in done)}"
    )


def fuzz(seconds: int) -> None:
    with tempfile.TemporaryDirectory() as folder, local.start(Path(folder) / "data") as server:
        run = _fuzz.run(server, Path(folder) / "fuzz", max_time=seconds, max_examples=8)
    codes = {failure["code"]: failure["count"] for failure in run.failures}
    print(f"\nfuzz, {seconds} s budget")
    print(f"  cases run                {run.cases}")
    print(f"  responses >= 500         {run.server_errors}")
    print(f"  other failures           {codes or 'none'}")


def secrets(notebooks: bool) -> None:
    with tempfile.TemporaryDirectory() as folder, local.start(Path(folder) / "data") as server:
        (Path(folder) / "export").mkdir()
        sweep = _secrets.exercise(server, Path(folder) / "export")
        hits = sweep.hay.hits(server.api_key)
        print("\nkey search")
        print(
            f"  widgets, messages, logs  {sweep.widgets} widgets, {sweep.messages} messages, "
            f"{sweep.records} log records, {len(sweep.errors)} errors"
        )
        print(
            f"  searched                 {len(sweep.hay.pieces)} pieces, "
            f"{sweep.hay.size / 1e6:.1f} MB; key hits: {len(hits)} {hits or ''}"
        )
        if notebooks:
            (Path(folder) / "notebooks").mkdir()
            saved, hay = _secrets.run_notebooks(server, Path(folder) / "notebooks")
            print(
                f"  notebooks                {len(saved)} saved with widget state, "
                f"{hay.size / 1e6:.1f} MB; key hits: {len(hay.hits(server.api_key))}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 8, 9])
    parser.add_argument("--outage", type=float, default=2.0, help="seconds the server is down")
    parser.add_argument("--kill-rounds", type=int, default=1, help="crashes per window")
    parser.add_argument("--fuzz-seconds", type=int, default=20)
    parser.add_argument("--skip-notebooks", action="store_true")
    args = parser.parse_args()
    for seed in args.seeds:
        faults(seed)
    restart(args.outage)
    kills(args.kill_rounds)
    fuzz(args.fuzz_seconds)
    secrets(not args.skip_notebooks)


if __name__ == "__main__":
    main()
