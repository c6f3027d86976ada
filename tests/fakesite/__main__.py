"""Run the fake site in the foreground: Enter (or SIGUSR1) advances the scenario, Ctrl-C stops.

python -m tests.fakesite [--config DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import queue
import signal
import sys
import threading
from pathlib import Path

from . import FakeSite


def main(argv: list[str] | None = None) -> int:
    """Serve the fake site until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m tests.fakesite", description=__doc__)
    parser.add_argument("--config", type=Path, help="also write settings.toml + sources.toml here")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    events: queue.Queue[str] = queue.Queue()
    if hasattr(signal, "SIGUSR1"):
        signal.signal(signal.SIGUSR1, lambda *_: events.put("advance"))

    def read_stdin() -> None:
        for _ in sys.stdin:
            events.put("advance")
        events.put("eof")

    with FakeSite(verbose=args.verbose) as site:
        for outlet, base in site.outlets.items():
            print(f"{outlet:10} {base}")
        print()
        print(site.sources_toml())
        if args.config:
            site.write_config(args.config)
            print(f"wrote {args.config}/settings.toml and sources.toml")
        print(f"tick {site.tick} at {site.now:%Y-%m-%d %H:%M} UTC.")
        print("Press Enter (or send SIGUSR1) to advance, Ctrl-C to stop.", flush=True)
        threading.Thread(target=read_stdin, daemon=True, name="fakesite-stdin").start()
        try:
            while True:
                try:
                    event = events.get(timeout=0.5)
                except queue.Empty:
                    continue
                if event == "eof":
                    continue  # stdin closed (run in the background): SIGUSR1 still advances
                changes = site.advance()
                print(
                    f"tick {site.tick} at {site.now:%Y-%m-%d %H:%M} UTC: "
                    f"added {list(changes.added)}, edited {list(changes.edited)}, "
                    f"removed {list(changes.removed)}",
                    flush=True,
                )
        except KeyboardInterrupt:
            print("\nstopping")
    return 0


if __name__ == "__main__":
    sys.exit(main())
