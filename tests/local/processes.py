"""A process tree read from /proc (Linux): who is below a process, and its memory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

MB = 2**20
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def descendants(pid: int) -> list[int]:
    """Every live process below `pid`."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
            todo += children
            found += children
    return found


def stat(pid: int) -> list[str] | None:
    """The fields of /proc/pid/stat after the command name; None once the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()
    return None if fields[0] == "Z" else fields


class TreeMemory(NamedTuple):
    """Memory of a process and everything below it: resident (shared pages counted in each
    process) and proportional (shared pages split between their users), in bytes."""

    rss: int
    pss: int
    processes: int

    def __str__(self) -> str:
        return (
            f"{self.rss / MB:.0f} MB RSS ({self.pss / MB:.0f} MB PSS) in {self.processes} processes"
        )


def tree_memory(pid: int) -> TreeMemory:
    """The memory of `pid` and its descendants, from /proc/*/smaps_rollup."""
    rss = pss = processes = 0
    for member in [pid, *descendants(pid)]:
        try:
            lines = Path(f"/proc/{member}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue  # ended meanwhile
        sizes = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in lines[1:]}
        rss += sizes.get("Rss", 0)
        pss += sizes.get("Pss", 0)
        processes += 1
    return TreeMemory(rss, pss, processes)


def tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and its descendants, from /proc/*/statm: cheap to read often
    (`tree_memory` walks every mapping)."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for member in [pid, *descendants(pid)]:
        try:
            total += int(Path(f"/proc/{member}/statm").read_text().split()[1]) * page
        except OSError:
            continue  # ended meanwhile
    return total


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user and system) of processes, with that of their children that ended."""
    ticks = 0
    for pid in pids:
        fields = stat(pid)
        if fields:
            ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / CLOCK_TICKS
