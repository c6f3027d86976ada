"""The hostile-input harness: a hostile source beside a good one, driven through the real CLI.

Every test in this package shows the same four things about one attack:
the tick completes (exit 0), the good pages are stored, the bad item is recorded with a
reason code, and the next tick succeeds. ``Hostile`` writes a config with two sources:

    hostile   one feed on the fault outlet listing /good/1, /good/2 and the hostile paths
              (or any feed URL a test names); tests/fakesite/faults.py serves them
    meridian  the Meridian Herald, a well-behaved outlet of the fake site
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from newsmon.core.exits import ExitCode
from tests.conftest import run_cli
from tests.fakesite import FakeSite
from tests.fakesite.server import toml_literal

GOOD = ("/good/1", "/good/2")
T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


class Hostile:
    """One hostile scenario: its config, its database and the CLI run against them."""

    def __init__(self, site: FakeSite, directory: Path) -> None:
        self.site = site
        self.config = directory / "config"
        self.db = directory / "newsmon.db"
        self.ticks = 0

    def fault(self, path: str) -> str:
        """Return the absolute URL of ``path`` on the fault outlet."""
        return self.site.url("fault", path)

    def items_feed(
        self,
        paths: Sequence[str],
        *,
        kind: str = "rss",
        date: str | None = None,
        headers: Sequence[tuple[str, str]] = (),
    ) -> str:
        """Return the URL of a fault-outlet feed (rss, json or sitemap) listing the good pages
        and ``paths``, every item dated ``date``, sent with ``headers`` (values may hold any
        latin-1 character: they go out as those bytes)."""
        query = [f"path={quote(p, safe='')}" for p in [*GOOD, *paths]]
        query += [f"h={quote(f'{n}:{v}', safe='', encoding='latin-1')}" for n, v in headers]
        query += [f"format={kind}"] + ([f"date={quote(date, safe='')}"] if date else [])
        return self.fault("/items?" + "&".join(query))

    def headers_page(self, headers: Sequence[tuple[str, str]], title: str = "") -> str:
        """Return the URL of an article page sent with ``headers`` (latin-1 values)."""
        query = [f"h={quote(f'{n}:{v}', safe='', encoding='latin-1')}" for n, v in headers]
        if title:
            query.append(f"title={quote(title)}")
        return self.fault("/headers?" + "&".join(query))

    def configure(
        self,
        paths: Sequence[str] = (),
        *,
        feeds: Sequence[str] | None = None,
        sitemaps: Sequence[str] = (),
        settings: dict[str, dict[str, Any]] | None = None,
        meridian: bool = True,
    ) -> Hostile:
        """Write settings.toml and sources.toml: the hostile source (and Meridian)."""
        merged: dict[str, dict[str, Any]] = {
            "fetch": {"timeout_s": 5.0, "retries": 0, "backoff_s": 0.1},
            "clean": {"workers": 0},  # in-process: the pool has its own tests here
        }
        for section, table in (settings or {}).items():
            merged.setdefault(section, {}).update(table)
        self.site.write_config(self.config, merged)
        hostile_feeds = list(feeds) if feeds is not None else [self.items_feed(paths)]
        blocks = [
            "[[source]]\n"
            'id = "hostile"\n'
            'name = "A hostile outlet"\n'
            f"feeds = {toml_literal(hostile_feeds)}\n"
            f"sitemaps = {toml_literal(list(sitemaps))}\n"
            'poll_every = "1s"\n'
        ]
        if meridian:
            blocks.append(
                "[[source]]\n"
                'id = "meridian"\n'
                'name = "The Meridian Herald"\n'
                f"feeds = {toml_literal(self.site.feed_urls('meridian'))}\n"
                'poll_every = "1s"\n'
            )
        (self.config / "sources.toml").write_text("\n".join(blocks), encoding="utf-8")
        return self

    def cli(self, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        """Run ``newsmon --config C --db D ARGS`` without raising on a non-zero exit."""
        return run_cli(
            "--config", str(self.config), "--db", str(self.db), *args, timeout=timeout, check=False
        )

    def tick(self, *extra: str, timeout: float = 240) -> dict[str, Any]:
        """Run one tick (no Prefect), an hour after the last; assert it completed; return its
        JSON report."""
        now = T0 + timedelta(hours=self.ticks)
        self.ticks += 1
        result = self.cli(
            "run", "--no-prefect", "--now", now.isoformat(), "--format", "json", *extra,
            timeout=timeout,
        )  # fmt: skip
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        report: dict[str, Any] = json.loads(result.stdout)
        # A source that could not be polled makes the tick "done with errors" (issue 15).
        expected = ExitCode.PARTIAL if report.get("sources_failed") else ExitCode.OK
        assert result.returncode == expected, (
            f"tick {self.ticks} exited {result.returncode}\n"
            f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"
        )
        return report

    def rows(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        con = sqlite3.connect(self.db)
        con.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in con.execute(sql, params)]
        finally:
            con.close()

    def versions(self, url: str) -> int:
        found = self.rows(
            "SELECT count(*) AS n FROM versions v JOIN articles a ON a.id = v.article_id"
            " WHERE a.url = ?",
            url,
        )
        return int(found[0]["n"])

    def fetch_log(self, url: str) -> list[dict[str, Any]]:
        """Every logged fetch of ``url`` (articles and feeds), oldest first."""
        return self.rows(
            "SELECT outcome, status, detail FROM fetches WHERE url = ? ORDER BY id", url
        )

    def feed(self, url: str) -> dict[str, Any]:
        found = self.rows("SELECT * FROM feeds WHERE url = ?", url)
        assert found, f"no feed row for {url}"
        return found[0]

    def assert_good_pages_stored(self) -> None:
        """The hostile feed's good pages and Meridian's articles have versions."""
        for path in GOOD:
            assert self.versions(self.fault(path)) >= 1, f"{path} was not stored"
        meridian = self.rows(
            "SELECT count(*) AS n FROM versions v JOIN articles a ON a.id = v.article_id"
            " WHERE a.source_id = 'meridian'"
        )
        assert meridian[0]["n"] >= 3, "Meridian's articles were not stored"


@pytest.fixture
def hostile(site: FakeSite, tmp_path: Path) -> Iterator[Hostile]:
    """A hostile scenario on a fresh fake site; configure() it, then tick()."""
    yield Hostile(site, tmp_path)
