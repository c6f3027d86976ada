"""Hostile WARC files: every record cleaned by the bounded workers, damage contained."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.conftest import run_cli
from tests.fakesite.faults import build_many_attributes_html, good_article_html
from tests.hostile.conftest import Hostile

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

# A response record with no target URI: warcio raised AttributeError from its iterator.
FORTY_BYTES = b"WARC/1.0\r\nWARC-Type: response\r\n\r\n\r\n\r\n\r\n\r\n"


def warc_records(pages: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for number, (url, body) in enumerate(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=headers,
            warc_headers_dict={
                "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{number:012d}>",
                "WARC-Date": "2026-11-18T09:00:00Z",
            },
        )
        writer.write_record(record)
    return buffer.getvalue()


def backfill(hostile: Hostile, *files: Path, timeout: float = 240) -> str:
    result = run_cli(
        "--config", str(hostile.config), "--db", str(hostile.db),
        "backfill", "--warc", *map(str, files), "--format", "json",
        timeout=timeout, check=False,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode != 1, result.stderr[-3000:]  # 1 is "newsmon: error"
    return result.stdout + result.stderr


def test_a_forty_byte_record_damages_its_file_only(hostile: Hostile, tmp_path: Path) -> None:
    # Before: warcio's AttributeError ended the import with a traceback (exit 1), and the
    # files after it were never read.
    hostile.configure(meridian=False)
    bad = tmp_path / "bad.warc"
    bad.write_bytes(
        warc_records([("https://archive.example/1", good_article_html("w1"))]) + FORTY_BYTES
    )
    after = tmp_path / "after.warc"
    after.write_bytes(warc_records([("https://archive.example/2", good_article_html("w2"))]))

    out = backfill(hostile, bad, after)

    assert f"{bad}: damaged after" in out
    for url in ("https://archive.example/1", "https://archive.example/2"):
        assert hostile.versions(url) == 1, url


def test_a_page_that_hangs_the_cleaner_is_cut_by_the_pool(hostile: Hostile, tmp_path: Path) -> None:
    # Before: the extractor ran in-process with no timer; this page ran past 420 s and the
    # records after it were never imported.
    hostile.configure(meridian=False, settings={"clean": {"workers": 1, "timeout_s": 2.0}})
    archive = tmp_path / "hostile.warc"
    archive.write_bytes(
        warc_records(
            [
                ("https://archive.example/before", good_article_html("before")),
                ("https://archive.example/hangs", build_many_attributes_html()),
                ("https://archive.example/after", good_article_html("after")),
            ]
        )
    )
    started = time.monotonic()
    backfill(hostile, archive, timeout=120)
    assert time.monotonic() - started < 60

    assert hostile.versions("https://archive.example/before") == 1
    assert hostile.versions("https://archive.example/after") == 1
    [fetch] = hostile.fetch_log("https://archive.example/hangs")
    assert fetch["outcome"] == "timeout", fetch
    [article] = hostile.rows(
        "SELECT status, next_check_at FROM articles WHERE url = ?", "https://archive.example/hangs"
    )
    assert article == {"status": "failed", "next_check_at": None}  # never fetched live
