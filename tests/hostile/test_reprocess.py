"""`reprocess` cleans stored pages through the same bounded workers as live pages."""

from __future__ import annotations

import json
import sqlite3

import pytest

from newsmon.core.exits import ExitCode
from newsmon.store.articles import compress_page
from tests.fakesite.faults import build_many_attributes_html
from tests.hostile.conftest import Hostile

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]


def test_a_stored_page_that_hangs_the_cleaner_is_cut_and_the_rest_is_reprocessed(
    hostile: Hostile,
) -> None:
    # Before: reprocess called the extractor in-process with no timer, inside the write
    # transaction: a stored page that holds trafilatura for minutes (200,000 attributes: past
    # 420 s in issue 16) held the command, and the write lock, for as long.
    hostile.configure(settings={"clean": {"workers": 2, "timeout_s": 3.0}}, meridian=False)
    hostile.tick()
    hangs, stale = hostile.fault("/good/1"), hostile.fault("/good/2")
    con = sqlite3.connect(hostile.db)
    with con:
        # The page stored for /good/1 becomes one today's cleaner cannot finish (as after an
        # upgrade of the extractor); /good/2's text is an old cleaner's.
        con.execute(
            "UPDATE pages SET content = ? WHERE hash = (SELECT v.page_hash FROM versions v"
            " JOIN articles a ON a.id = v.article_id WHERE a.url = ?)",
            [compress_page(build_many_attributes_html()).content, hangs],
        )
        con.execute(
            "UPDATE versions SET text = 'stale text from an old cleaner' WHERE article_id ="
            " (SELECT id FROM articles WHERE url = ?)",
            [stale],
        )
    kept = hostile.rows(
        "SELECT v.text FROM versions v JOIN articles a ON a.id = v.article_id WHERE a.url = ?",
        hangs,
    )
    con.close()
    result = hostile.cli("reprocess", "--format", "json")
    # Done with errors: the version that could not be cleaned again is named.
    assert result.returncode == ExitCode.PARTIAL, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    totals = json.loads(result.stdout)
    assert totals == {"versions": 2, "changed": 1, "failed": 1, "no_raw": 0}, totals
    # The page the cleaner could not finish is named with its reason; its text is kept.
    named = [line for line in result.stderr.splitlines() if hangs in line]
    assert len(named) == 1 and "timeout" in named[0], result.stderr
    assert "1 of 2 versions could not be cleaned again" in result.stderr, result.stderr
    assert (
        hostile.rows(
            "SELECT v.text FROM versions v JOIN articles a ON a.id = v.article_id WHERE a.url = ?",
            hangs,
        )
        == kept
    )
    texts = hostile.rows(
        "SELECT v.text FROM versions v JOIN articles a ON a.id = v.article_id WHERE a.url = ?",
        stale,
    )
    assert "number 2" in texts[0]["text"], texts
    hostile.tick()
