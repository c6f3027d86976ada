"""Crash safety: SIGKILL `newsmon run` at random points and compare with an uninterrupted run.

    python bench/crash_safety.py --kills 24 --articles 3000 --hosts 24 --seed 7

A generated site (bench/bigsite.py) serves the articles over loopback hosts. Two stores are
filled generation by generation with the same pinned clock (`newsmon run --now`):

* the reference: one uninterrupted `newsmon run --no-prefect` per generation;
* the crash run: `newsmon run --no-prefect` started again and again and SIGKILLed
  (the ingest process only, as the OOM killer would), alternately after a random delay
  (uniform in [0.1 s, half the reference tick's duration]) and once a random number of
  articles (up to 40 % of what is left) has been stored, until the generation's kills are
  spent or a run finishes on its own; then one tick that is not killed, and one more that
  must find nothing left to do. Child processes still alive 2 s after a kill are counted
  as orphans (and killed).

After every kill the store must pass ``PRAGMA integrity_check`` and the cross-table
invariants of one-transaction-per-article (``store_problems``). Between generations the site
edits about 10 % of its articles and publishes new ones, so rechecks, 304s and second
versions are exercised too. Generations continue until every kill has landed. At the end
both stores are exported with the real CLI (`newsmon export --format jsonl`); exports with
ids and timestamps dropped must be equal, and duplicate articles/versions/diffs are counted.

Prints a summary and, with --json FILE, writes every figure. Exit status 1 if any check
failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bigsite import BigSite  # noqa: E402 - after sys.path setup

# Export fields that differ between runs without meaning anything: row ids and clock readings.
VOLATILE_ARTICLE = {
    "id",
    "story_id",  # surrogate keys: numbered in the order stories and groups were created
    "wire_group_id",
    "current_version_id",
    "first_seen",
    "last_fetched_at",
    "last_changed_at",
    "next_check_at",
}
VOLATILE_VERSION = {"id", "fetched_at"}


# --- running newsmon --------------------------------------------------------------------------


def newsmon_command(config: Path, db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newsmon.cli", "--config", str(config), "--db", str(db), *args]


def newsmon_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


class Tick:
    """A running `newsmon run` process; its output goes to files, never to pipes.

    Pipes would be inherited by the cleaning workers: after a SIGKILL of the ingest alone,
    reading them to EOF would wait for every worker to exit.
    """

    def __init__(self, config: Path, db: Path, now: datetime, *extra: str) -> None:
        # Closed by wait() or kill(); the process outlives this constructor.
        self.stdout = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        self.stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            newsmon_command(
                config,
                db,
                "run",
                "--no-prefect",
                "--now",
                now.isoformat(),
                "--format",
                "json",
                *extra,
            ),
            cwd=ROOT,
            env=newsmon_env(),
            stdout=self.stdout,
            stderr=self.stderr,
            text=True,
            start_new_session=True,  # its session id is its pid: kills stay within it
        )

    def wait(self, timeout: float | None = None) -> tuple[int, str, str]:
        """Wait for the exit; return (status, stdout, stderr)."""
        code = self.process.wait(timeout=timeout)
        return code, self._read(self.stdout), self._read(self.stderr)

    def kill(self, grace_s: float = 2.0) -> int:
        """SIGKILL the ingest process only; return how many of its children outlived it."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + grace_s
        left = session_pids(self.process.pid)
        while left and time.monotonic() < deadline:
            time.sleep(0.05)
            left = session_pids(self.process.pid)
        if left:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.stdout.close()
        self.stderr.close()
        return len(left)

    @staticmethod
    def _read(handle: Any) -> str:
        handle.seek(0)
        text = str(handle.read())
        handle.close()
        return text


def run_tick(config: Path, db: Path, now: datetime, timeout: float = 600) -> dict[str, Any]:
    """Run one tick to completion; return its report (raises with stderr on failure)."""
    code, out, err = Tick(config, db, now).wait(timeout)
    if code != 0:
        raise RuntimeError(f"newsmon run exited {code}:\n{err[-3000:]}")
    return dict(json.loads(out))


def session_pids(session: int) -> list[int]:
    """Live processes of a session (Linux /proc), zombies excluded."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(entry.name))
    return found


# --- checking the store -----------------------------------------------------------------------


def integrity(db: Path) -> str:
    with sqlite3.connect(db, timeout=30) as con:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])


def store_problems(db: Path) -> list[str]:
    """Return violations of the per-article transaction invariants (empty when consistent)."""
    checks = {
        "versions_count differs from the versions stored": """
            SELECT COUNT(*) FROM articles a
            WHERE a.versions_count != (SELECT COUNT(*) FROM versions v WHERE v.article_id = a.id)
        """,
        "current_version_id is not the latest version": """
            SELECT COUNT(*) FROM articles a
            WHERE a.versions_count > 0 AND a.current_version_id IS NOT
                  (SELECT v.id FROM versions v WHERE v.article_id = a.id ORDER BY seq DESC LIMIT 1)
        """,
        "version seq numbers have gaps": """
            SELECT COUNT(*) FROM (SELECT article_id, MAX(seq) AS top, COUNT(*) AS n
                                  FROM versions GROUP BY article_id) WHERE top != n
        """,
        "a version's raw page is missing": """
            SELECT COUNT(*) FROM versions v
            WHERE v.page_hash IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pages p
                                                          WHERE p.hash = v.page_hash)
        """,
        "a later version has no diff": """
            SELECT COUNT(*) FROM versions v WHERE v.seq > 1
            AND NOT EXISTS (SELECT 1 FROM diffs d WHERE d.to_version = v.id)
        """,
        "a stored version has no fetch logged": """
            SELECT COUNT(*) FROM versions v WHERE v.page_hash IS NOT NULL AND NOT EXISTS
                (SELECT 1 FROM fetches f WHERE f.article_id = v.article_id
                 AND f.page_hash = v.page_hash)
        """,
    }
    problems = []
    with sqlite3.connect(db, timeout=30) as con:
        for label, sql in checks.items():
            count = con.execute(sql).fetchone()[0]
            if count:
                problems.append(f"{label}: {count}")
    return problems


def duplicates(db: Path) -> dict[str, int]:
    """Count duplicate articles, versions, diffs and pages (all must be 0)."""
    queries = {
        "articles (same URL)": "SELECT url FROM articles GROUP BY url HAVING COUNT(*) > 1",
        "versions (same article and seq)": (
            "SELECT 1 FROM versions GROUP BY article_id, seq HAVING COUNT(*) > 1"
        ),
        "versions (same article and text)": (
            "SELECT 1 FROM versions GROUP BY article_id, fingerprint HAVING COUNT(*) > 1"
        ),
        "diffs (same target version)": (
            "SELECT 1 FROM diffs GROUP BY to_version HAVING COUNT(*) > 1"
        ),
        "pages (same hash)": "SELECT 1 FROM pages GROUP BY hash HAVING COUNT(*) > 1",
    }
    with sqlite3.connect(db, timeout=30) as con:
        return {label: len(con.execute(sql).fetchall()) for label, sql in queries.items()}


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db, timeout=30) as con:
        return {
            table: int(con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("articles", "versions", "diffs", "pages", "fetches", "runs")
        }


def normalised_export(config: Path, db: Path) -> dict[str, dict[str, Any]]:
    """Export with the real CLI; return {url: row} without ids and clock readings."""
    result = subprocess.run(
        newsmon_command(config, db, "export", "--format", "jsonl"),
        cwd=ROOT,
        env=newsmon_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    rows: dict[str, dict[str, Any]] = {}
    for line in result.stdout.splitlines():
        row = json.loads(line)
        for key in VOLATILE_ARTICLE:
            row.pop(key, None)
        row["versions"] = [
            {k: v for k, v in version.items() if k not in VOLATILE_VERSION}
            for version in row["versions"]
        ]
        if row["url"] in rows:
            raise AssertionError(f"export lists {row['url']} twice")
        rows[row["url"]] = row
    return rows


def export_differences(
    reference: dict[str, dict[str, Any]], other: dict[str, dict[str, Any]], limit: int = 5
) -> list[str]:
    """Describe how two normalised exports differ (empty when equal)."""
    out = []
    for url in sorted(set(reference) - set(other))[:limit]:
        out.append(f"missing {url}")
    for url in sorted(set(other) - set(reference))[:limit]:
        out.append(f"extra {url}")
    for url in sorted(set(reference) & set(other)):
        if reference[url] != other[url]:
            keys = sorted(
                k
                for k in set(reference[url]) | set(other[url])
                if reference[url].get(k) != other[url].get(k)
            )
            out.append(f"differs {url}: {', '.join(keys)}")
            if len(out) >= 3 * limit:
                break
    return out


def where_killed(db: Path, runs_before: int) -> str:
    """Name the stage a killed tick had reached, from what it left in the store."""
    if not db.exists():
        return "startup"
    with sqlite3.connect(db, timeout=30) as con:
        try:
            row = con.execute("SELECT MAX(id) FROM runs").fetchone()
        except sqlite3.OperationalError:
            return "startup"
        run_id = row[0] or 0
        if run_id <= runs_before:
            return "startup"
        kinds = dict(
            con.execute(
                "SELECT kind = 'article', COUNT(*) FROM fetches WHERE run_id = ? GROUP BY 1",
                [run_id],
            ).fetchall()
        )
    if kinds.get(1):
        return "storing articles"
    if kinds.get(0):
        return "fetching and cleaning"
    return "discovery"


def article_fetches(db: Path) -> int:
    """Article outcomes stored so far (one row per stored fetch: a measure of progress)."""
    if not db.exists():
        return 0
    with sqlite3.connect(db, timeout=30) as con:
        try:
            row = con.execute("SELECT COUNT(*) FROM fetches WHERE kind = 'article'").fetchone()
        except sqlite3.OperationalError:
            return 0
    return int(row[0])


def kill_after(tick: Tick, delay_s: float) -> int | None:
    """Kill ``tick`` after ``delay_s``; return orphans, or None if it finished first."""
    try:
        code, _out, err = tick.wait(timeout=delay_s)
    except subprocess.TimeoutExpired:
        return tick.kill()
    if code != 0:
        raise RuntimeError(f"newsmon run exited {code}:\n{err[-3000:]}")
    return None


def kill_when_stored(tick: Tick, db: Path, goal: int, poll_s: float = 0.02) -> int | None:
    """Kill ``tick`` once ``goal`` article outcomes are stored; None if it finished first."""
    while tick.process.poll() is None:
        if article_fetches(db) >= goal:
            return tick.kill()
        time.sleep(poll_s)
    code, _out, err = tick.wait()
    if code != 0:
        raise RuntimeError(f"newsmon run exited {code}:\n{err[-3000:]}")
    return None


def runs_left_running(db: Path) -> int:
    with sqlite3.connect(db, timeout=30) as con:
        return int(con.execute("SELECT COUNT(*) FROM runs WHERE status = 'running'").fetchone()[0])


def max_run_id(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db, timeout=30) as con:
        try:
            return int(con.execute("SELECT COALESCE(MAX(id), 0) FROM runs").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


# --- the experiment -------------------------------------------------------------------------


@dataclass
class Kill:
    generation: int
    mode: str  # "random time" | "random progress"
    delay_s: float  # random time: seconds after the start
    stored: int  # article outcomes the killed tick had stored
    stage: str
    integrity: str
    problems: list[str]
    orphans: int


@dataclass
class Outcome:
    articles: int
    hosts: int
    seed: int
    kills_wanted: int
    generations: int = 0
    kills: list[Kill] = field(default_factory=list)
    runs_finished_before_kill: int = 0
    reference_tick_s: list[float] = field(default_factory=list)
    completion_ticks_ok: bool = True
    leftover_work: list[dict[str, int]] = field(default_factory=list)
    reference_counts: dict[str, int] = field(default_factory=dict)
    crash_counts: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, int] = field(default_factory=dict)
    runs_left_running: int = 0  # `runs` rows of killed ticks: still status 'running'
    export_differences: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def kills_survived(self) -> int:
        return sum(1 for k in self.kills if k.integrity == "ok" and not k.problems)

    @property
    def ok(self) -> bool:
        return (
            len(self.kills) >= self.kills_wanted
            and self.kills_survived == len(self.kills)
            and self.completion_ticks_ok
            and not any(self.duplicates.values())
            and not self.export_differences
        )


def crash_experiment(
    work: Path,
    *,
    articles: int,
    hosts: int,
    kills: int,
    seed: int,
    settings: dict[str, dict[str, Any]] | None = None,
    max_generations: int = 12,
    kills_per_generation: int | None = None,
    log: Any = None,
) -> Outcome:
    """Fill a reference store and a killed-again-and-again store; compare them (see module doc)."""
    rng = random.Random(seed)
    say = log or (lambda *_: None)
    outcome = Outcome(articles, hosts, seed, kills)
    started = time.monotonic()
    work.mkdir(parents=True, exist_ok=True)
    reference_db, crash_db = work / "reference.db", work / "crash.db"
    with BigSite(articles, hosts, seed=seed) as site:
        config = site.write_config(
            work / "config", {"ingest": {"batch_size": 100}, **(settings or {})}
        )
        per_generation = kills_per_generation or max(1, -(-kills // 2))
        reference_done = 0
        while len(outcome.kills) < kills and site.generation < max_generations:
            if outcome.generations:
                changes = site.advance()
                say(f"generation {changes['generation']}: {changes}")
            outcome.generations += 1
            now = site.clock()
            t0 = time.monotonic()
            run_tick(config, reference_db, now)
            duration = time.monotonic() - t0
            outcome.reference_tick_s.append(round(duration, 2))
            reference_work = article_fetches(reference_db) - reference_done
            reference_done += reference_work
            generation_start = article_fetches(crash_db)
            target = min(kills, len(outcome.kills) + per_generation)
            while len(outcome.kills) < target:
                runs_before = max_run_id(crash_db)
                stored = article_fetches(crash_db)
                remaining = reference_work - (stored - generation_start)
                tick = Tick(config, crash_db, now)
                # Alternate: a kill at a random moment (startup, discovery, fetching...) and a
                # kill after a random number of stored articles (always inside the writes).
                if len(outcome.kills) % 2 == 0 or remaining < 2:
                    mode = "random time"
                    # Within the work this tick has left (earlier kills stored some of it).
                    left = duration * remaining / max(1, reference_work)
                    delay = rng.uniform(0.1, max(0.5, left / 2))
                    orphans = kill_after(tick, delay)
                else:
                    mode = "random progress"
                    delay = 0.0
                    goal = stored + rng.randint(1, max(1, int(remaining * 0.4)))
                    orphans = kill_when_stored(tick, crash_db, goal)
                if orphans is None:
                    outcome.runs_finished_before_kill += 1
                    break  # the generation's work is done; the next generation brings more
                kill = Kill(
                    site.generation,
                    mode,
                    round(delay, 3),
                    article_fetches(crash_db) - stored,
                    where_killed(crash_db, runs_before),
                    integrity(crash_db) if crash_db.exists() else "ok",
                    store_problems(crash_db) if crash_db.exists() else [],
                    orphans,
                )
                outcome.kills.append(kill)
                say(f"kill {len(outcome.kills)}: {asdict(kill)}")
            completion = run_tick(config, crash_db, now)
            after = run_tick(config, crash_db, now)
            leftover = {
                "fetched": after["fetched"],
                "not_modified": after["not_modified"],
                "new_articles": after["new_articles"],
                "new_versions": after["new_versions"],
            }
            outcome.leftover_work.append(leftover)
            if any(leftover.values()):
                outcome.completion_ticks_ok = False
            say(f"completed generation {site.generation}: {completion}; then {leftover}")
        outcome.reference_counts = counts(reference_db)
        outcome.crash_counts = counts(crash_db)
        outcome.duplicates = duplicates(crash_db)
        outcome.runs_left_running = runs_left_running(crash_db)
        outcome.export_differences = export_differences(
            normalised_export(config, reference_db), normalised_export(config, crash_db)
        )
    outcome.elapsed_s = round(time.monotonic() - started, 1)
    return outcome


def summary(outcome: Outcome) -> str:
    stages: dict[str, int] = {}
    for kill in outcome.kills:
        stages[kill.stage] = stages.get(kill.stage, 0) + 1
    lines = [
        f"articles {outcome.articles} on {outcome.hosts} hosts, seed {outcome.seed}, "
        f"{outcome.generations} generations",
        f"kills: {len(outcome.kills)} (wanted {outcome.kills_wanted}), survived "
        f"{outcome.kills_survived}; stages {stages}",
        f"orphaned child processes after a kill (max): "
        f"{max((k.orphans for k in outcome.kills), default=0)}",
        f"runs that finished before their kill delay: {outcome.runs_finished_before_kill}",
        f"reference tick durations (s): {outcome.reference_tick_s}",
        f"work left after each completion tick: {outcome.leftover_work}",
        f"reference store: {outcome.reference_counts}",
        f"crash store:     {outcome.crash_counts}",
        f"duplicates: {outcome.duplicates}",
        f"runs rows of killed ticks left as 'running': {outcome.runs_left_running}",
        f"export differences: {outcome.export_differences or 'none'}",
        f"elapsed {outcome.elapsed_s} s — {'PASS' if outcome.ok else 'FAIL'}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=24)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--hosts", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", help="keep the stores here (default: a temporary dir)")
    parser.add_argument("--json", metavar="FILE", help="write every figure here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsmon-crash-") as tmp:
        work = Path(args.workdir) if args.workdir else Path(tmp)
        outcome = crash_experiment(
            work,
            articles=args.articles,
            hosts=args.hosts,
            kills=args.kills,
            seed=args.seed,
            log=lambda message: print(message, file=sys.stderr, flush=True),
        )
    print(summary(outcome))
    if args.json:
        data = asdict(outcome) | {"kills_survived": outcome.kills_survived, "ok": outcome.ok}
        Path(args.json).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
