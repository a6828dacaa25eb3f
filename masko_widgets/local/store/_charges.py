"""Credits: a workspace's balance, the charge a job takes and the refund a failed job gives
back, each move written to the ledger in the transaction of the job it belongs to."""

from __future__ import annotations

import sqlite3

from masko_widgets.local.store._database import Database, Row


class InsufficientCredits(Exception):
    """The workspace cannot pay for a job; nothing was created."""

    def __init__(self, required: int, balance: int) -> None:
        super().__init__(f"needs {required} credits, balance is {balance}")
        self.required = required
        self.balance = balance


class Charges(Database):
    """Balances and the ledger of charges and refunds."""

    def balance(self, workspace_id: str) -> int:
        row = self._one("SELECT balance FROM workspaces WHERE id = ?", (workspace_id,))
        return row["balance"] if row else 0

    def ledger(self, workspace_id: str) -> list[Row]:
        rows = (
            self._reader()
            .execute(
                "SELECT job_id, kind, amount, balance_after, at FROM ledger"
                " WHERE workspace_id = ? ORDER BY seq",
                (workspace_id,),
            )
            .fetchall()
        )
        return [dict(row) for row in rows]

    @staticmethod
    def _charge(
        db: sqlite3.Connection, workspace_id: str, job_id: str, cost: int, stamp: str
    ) -> None:
        """Take `cost` credits for a job, or raise InsufficientCredits (nothing is taken)."""
        balance = db.execute(
            "SELECT balance FROM workspaces WHERE id = ?", (workspace_id,)
        ).fetchone()[0]
        if balance < cost:
            raise InsufficientCredits(cost, balance)
        if cost:
            _move_credits(db, workspace_id, job_id, "charge", cost, stamp)

    @staticmethod
    def _refund(db: sqlite3.Connection, job: Row, stamp: str) -> None:
        """Give a failed job's credits back."""
        if job["cost_credits"]:
            _move_credits(db, job["workspace_id"], job["id"], "refund", job["cost_credits"], stamp)


def _move_credits(
    db: sqlite3.Connection,
    workspace_id: str,
    job_id: str,
    kind: str,
    amount: int,
    stamp: str,
) -> None:
    delta = -amount if kind == "charge" else amount
    db.execute("UPDATE workspaces SET balance = balance + ? WHERE id = ?", (delta, workspace_id))
    balance = db.execute("SELECT balance FROM workspaces WHERE id = ?", (workspace_id,)).fetchone()[
        0
    ]
    db.execute(
        "INSERT INTO ledger (workspace_id, job_id, kind, amount, balance_after, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (workspace_id, job_id, kind, amount, balance, stamp),
    )
