"""`make demo`: the fake news site, two ingest ticks through the real CLI, the edited article.

Runs offline on the embedded defaults: Prefect's temporary local server, a SQLite store
under .demo/, and the project's own fake news site on loopback addresses. The site clock is
replayed with `newsmon run --now` so that the second tick happens "eight hours later".
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.fakesite import FakeSite

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / ".demo"


def newsmon(*args: str, env: dict[str, str]) -> str:
    command = [
        sys.executable,
        "-m",
        "newsmon.cli",
        "--config",
        str(DEMO / "config"),
        "--db",
        str(DEMO / "newsmon.db"),
        *args,
    ]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(
            f"demo: `newsmon {' '.join(args)}` failed with exit code {result.returncode}"
        )
    return result.stdout


def _story_of(url: str) -> int | None:
    with sqlite3.connect(DEMO / "newsmon.db") as con:
        row = con.execute(
            "SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
            "WHERE a.url = ?",
            [url],
        ).fetchone()
    return int(row[0]) if row else None


def banner(text: str) -> None:
    print(f"\n\033[1m== {text}\033[0m" if sys.stdout.isatty() else f"\n== {text}", flush=True)


def main() -> int:
    shutil.rmtree(DEMO, ignore_errors=True)
    DEMO.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(DEMO / "prefect"), PREFECT_LOGGING_LEVEL="WARNING", PYTHONPATH=str(ROOT)
    )
    with FakeSite() as site:
        site.write_config(DEMO / "config")
        banner(f"fake news site up: {', '.join(f'{k} {v}' for k, v in site.outlets.items())}")
        banner(
            f"tick 1 at {site.now:%Y-%m-%d %H:%M} UTC "
            "(a Prefect flow run on a temporary local server)"
        )
        print(newsmon("run", "--now", site.now.isoformat(), env=env), end="")

        changes = site.advance()
        banner(
            f"the site moves 8 hours on: {len(changes.edited)} article edited in place, "
            f"{len(changes.added)} new, {len(changes.removed)} removed"
        )
        banner(f"tick 2 at {site.now:%Y-%m-%d %H:%M} UTC")
        print(newsmon("run", "--now", site.now.isoformat(), env=env), end="")

        edited = site.article(*changes.edited[0])
        banner(f"the edited article: its versions and what changed ({edited.url})")
        print(newsmon("article", edited.url, env=env), end="")

        story_id = _story_of(edited.url)
        if story_id is not None:
            banner(f"its story {story_id}: members across outlets, how the casualty figures moved")
            print(newsmon("story", str(story_id), env=env), end="")
        report = DEMO / "report.html"
        newsmon("report", "--out", str(report), env=env)
        banner(f"HTML report (opens offline): {report}")

        banner("status")
        print(newsmon("status", env=env), end="")
    banner(
        f"done: the store is {DEMO / 'newsmon.db'}; try `.venv/bin/newsmon --config .demo/config "
        f"--db .demo/newsmon.db articles`"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
