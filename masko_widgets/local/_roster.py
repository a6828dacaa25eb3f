"""A class roster: one API key per student, kept in a CSV file only the teacher can read.

The data folder stores only the hashes of keys, so the roster is where the keys live. Opening a
roster again reuses every key it holds (each student keeps their workspace and credits) and
mints keys only for students it does not list yet.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROSTER_COLUMNS = ("student", "api_key")


class RosterError(Exception):
    """The roster file cannot be used with this data folder; the message says what to do."""


@dataclass(frozen=True)
class Student:
    name: str
    api_key: str

    def __repr__(self) -> str:
        return f"Student({self.name!r})"


def student_name(number: int) -> str:
    """The roster name of the student at 1-based position `number`: student-01, student-02..."""
    return f"student-{number:02d}"


def open_roster(
    path: Path,
    students: int,
    *,
    known: Callable[[str], bool],
    new_key: Callable[[], str],
) -> list[Student]:
    """The roster at `path` with at least `students` students, written back if it grew.

    known(key): whether the data folder holds the key's workspace. new_key(): a new workspace's
    key (with the class's credits)."""
    roster = read_roster(path)
    strangers = [student.name for student in roster if not known(student.api_key)]
    if strangers:
        raise RosterError(
            f"{path} lists {len(strangers)} key(s) this data folder does not know (first:"
            f" {strangers[0]}); start with the --data-dir it was made with, or give a new"
            " --roster path to start a new class."
        )
    if len(roster) < students:
        roster += [
            Student(student_name(number), new_key())
            for number in range(len(roster) + 1, students + 1)
        ]
        write_roster(path, roster)
    return roster


def read_roster(path: Path) -> list[Student]:
    """The students of a roster file; none if the file does not exist yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    rows = csv.DictReader(io.StringIO(text))
    if tuple(rows.fieldnames or ()) != ROSTER_COLUMNS:
        raise RosterError(
            f"{path} is not a roster (its first line must be {','.join(ROSTER_COLUMNS)});"
            " give another --roster path."
        )
    return [Student(row["student"], row["api_key"]) for row in rows]


def write_roster(path: Path, roster: list[Student]) -> None:
    """Write the roster readable by its owner only (mode 0600), whole or not at all."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ROSTER_COLUMNS)
    writer.writerows((student.name, student.api_key) for student in roster)
    partial = path.with_name(path.name + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(out.getvalue())
        file.flush()
        os.fsync(file.fileno())
    os.chmod(partial, 0o600)
    os.replace(partial, path)
