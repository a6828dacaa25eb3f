"""`python -m masko_widgets.local`: serve the stand-in in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import threading

from masko_widgets.local import DamagedDataFolderError, start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m masko_widgets.local", description="Serve the offline Masko stand-in."
    )
    parser.add_argument("--data-dir", help="folder to keep data in (default: temporary)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    args = parser.parse_args(argv)
    try:
        server = start(args.data_dir, port=args.port, host=args.host)
    except DamagedDataFolderError as exc:
        parser.exit(1, f"{exc}\n")
    except OSError as exc:
        parser.exit(
            1,
            f"Cannot serve on {args.host}:{args.port} ({exc.strerror or exc});"
            " pick another --port.\n",
        )
    with server:
        print(f"Masko stand-in serving at {server.url}", flush=True)
        print(f"MASKO_BASE_URL={server.url}", flush=True)
        print(f"MASKO_API_KEY={server.api_key}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("Stopping.", flush=True)


if __name__ == "__main__":
    main()
