"""Everything the stand-in remembers: SQLite records plus files under one data folder.

`Store` is one object over four concerns, each in its own module: records (`_records`), files
(`_files`), charges (`_charges`) and jobs (`_jobs`), all on one database (`_database`). Writes
go through one connection guarded by a lock, each public method one transaction, so a failed
operation never leaves half a record behind; reads use a connection per thread.
"""

from __future__ import annotations

from pathlib import Path

from masko_widgets.local.store._charges import InsufficientCredits
from masko_widgets.local.store._database import DamagedDataFolderError, Row
from masko_widgets.local.store._files import FILE_MEDIA_TYPES, FILE_NAME, URL_KEY, Upload
from masko_widgets.local.store._jobs import Claim, Jobs, NewJob
from masko_widgets.local.store._records import hash_key

__all__ = [
    "FILE_MEDIA_TYPES",
    "FILE_NAME",
    "URL_KEY",
    "Claim",
    "DamagedDataFolderError",
    "InsufficientCredits",
    "NewJob",
    "Row",
    "Store",
    "Upload",
    "hash_key",
]


class Store(Jobs):
    """SQLite database and files of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir)
        self.swept: int = self._sweep()
        """How many files an interrupted write had left, removed at start."""
