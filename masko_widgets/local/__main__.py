"""`masko-local` (`python -m masko_widgets.local`): serve the stand-in until Ctrl-C.

With `--students N` it serves a class: one key per student, each with its own workspace and
credits, written to a roster file that only the teacher can read; the keys are never printed.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from pathlib import Path

from masko_widgets.local import DamagedDataFolderError, LocalServer, start
from masko_widgets.local._roster import RosterError, Student, open_roster
from masko_widgets.local.render import WORKER_NICENESS

DEFAULT_CREDITS = 1000
MAX_STUDENTS = 500
_EVERYWHERE = ("0.0.0.0", "::")  # noqa: S104 (names the addresses, binds nothing)


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.students and not args.data_dir:
        parser.error("--students needs --data-dir, so the class keeps its work across a restart")
    if args.roster and not args.students:
        parser.error("--roster goes with --students: say how many students the class has")
    try:
        server = start(
            args.data_dir,
            port=args.port,
            host=args.host,
            credits=args.credits,
            render_niceness=WORKER_NICENESS,
        )
    except DamagedDataFolderError as exc:
        parser.exit(1, f"{exc}\n")
    except OSError as exc:
        parser.exit(
            1,
            f"Cannot serve on {args.host}:{args.port} ({exc.strerror or exc});"
            " pick another --port.\n",
        )
    with server:
        try:  # Ctrl-C stops the server cleanly from the moment it serves
            if args.students:
                roster_path = Path(args.roster or Path(args.data_dir) / "roster.csv")
                try:
                    roster = _class_roster(server, roster_path, args.students, args.credits)
                except (RosterError, OSError) as exc:
                    parser.exit(1, f"{exc}\n")
                _announce_class(server, roster_path, roster, args.host)
            else:
                _announce(server)
            print("Press Ctrl-C to stop.", flush=True)
            threading.Event().wait()
        except KeyboardInterrupt:
            print("Stopping.", flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="masko-local", description="Serve the offline Masko stand-in."
    )
    parser.add_argument("--data-dir", help="folder to keep data in (default: temporary)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 lets"
        " every machine that reaches this one use the stand-in)",
    )
    parser.add_argument(
        "--students",
        type=_count(1, MAX_STUDENTS),
        help="serve a class: one key, workspace and purse per student (needs --data-dir)",
    )
    parser.add_argument(
        "--credits",
        type=_count(0, 10**9),
        default=DEFAULT_CREDITS,
        help=f"credits of each new workspace (default: {DEFAULT_CREDITS})",
    )
    parser.add_argument(
        "--roster", help="CSV file of the students' keys (default: DATA_DIR/roster.csv)"
    )
    return parser


def _count(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high, or an error saying so."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"give a whole number from {low} to {high}")
        return value

    return parse


def _class_roster(server: LocalServer, path: Path, students: int, credits: int) -> list[Student]:
    return open_roster(
        path,
        students,
        known=server.knows_key,
        new_key=lambda: server.new_workspace_key(credits),
    )


def _announce(server: LocalServer) -> None:
    print(f"Masko stand-in serving at {server.url}", flush=True)
    print(f"MASKO_BASE_URL={server.url}", flush=True)
    print(f"MASKO_API_KEY={server.api_key}", flush=True)


def _announce_class(server: LocalServer, roster: Path, students: list[Student], host: str) -> None:
    print(f"Masko stand-in serving a class of {len(students)} at {server.url}", flush=True)
    print(f"Student keys: {roster} (one line per student)", flush=True)
    print(
        f"Each student sets MASKO_BASE_URL={_reachable(server.url, host)} and MASKO_API_KEY"
        " to their key from the roster.",
        flush=True,
    )
    if host not in _EVERYWHERE:
        print(
            f"Only machines that reach {host} can connect; for students on other machines,"
            " start with --host 0.0.0.0.",
            flush=True,
        )


def _reachable(url: str, host: str) -> str:
    """The URL to hand out: a listen-everywhere address is not one a client can dial."""
    if host in _EVERYWHERE:
        return url.replace(f"[{host}]" if ":" in host else host, "<this machine's address>", 1)
    return url


if __name__ == "__main__":
    main()
