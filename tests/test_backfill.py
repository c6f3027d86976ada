import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsmon import store
from newsmon.core.clock import SystemClock
from newsmon.core.settings import Settings
from newsmon.pipeline.backfill import import_jsonl, import_warc, reprocess
from tests.conftest import CORPORA

PAGE = (Path(__file__).parent / "pages" / "karsa_meridian.html").read_bytes()
TEXT = (
    "Government forces pushed into the eastern districts of Karsa on Tuesday, and a monitoring "
    "group said at least 240 people had been killed since the offensive began. Aid agencies "
    "said convoys were waiting at the southern checkpoint."
)


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def test_jsonl_import_is_idempotent_and_reports_bad_lines(db, tmp_path, capsys, caplog):
    rows = [
        {
            "url": "https://wire.example/karsa?utm_source=x",
            "title": "Karsa",
            "text": TEXT,
            "published": "2026-11-18T09:00:00Z",
            "source": "wire",
            "lang": "en",
        },
        "{not json",
        {"url": "ftp://wire.example/a", "text": TEXT},
        {"url": "https://wire.example/b"},
        {"url": "https://wire.example/karsa-2", "title": "Karsa 2", "text": TEXT + " More."},
    ]
    path = write_jsonl(tmp_path / "a.jsonl", rows)
    totals = import_jsonl(db, [path], clock=SystemClock())
    assert totals == {
        "lines": 5,
        "new_version": 2,
        "unchanged": 0,
        "bad_lines": 3,
        "superseded": 0,
    }
    # Libraries log, the CLI prints: each bad line is a warning naming it, stdout stays clean.
    out = caplog.text
    assert f"{path}:2:" in out and f"{path}:3:" in out and f"{path}:4:" in out
    assert capsys.readouterr().out == ""
    again = import_jsonl(db, [path], clock=SystemClock())
    assert again["new_version"] == 0 and again["unchanged"] == 2
    article = next(db.query("SELECT * FROM articles WHERE url = 'https://wire.example/karsa'"))
    assert article["status"] == "imported" and article["next_check_at"] is None
    assert article["source_id"] == "wire" and article["published"].startswith("2026-11-18T09:00")
    assert db.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 2


def make_warc(path: Path) -> Path:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body, ctype in (
            ("https://meridian.example/world/karsa", PAGE, "text/html; charset=utf-8"),
            ("https://meridian.example/logo.png", b"\x89PNG....", "image/png"),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(record)
    return path


def test_warc_import_stores_html_responses_once(db, tmp_path):
    warc = make_warc(tmp_path / "crawl.warc.gz")
    totals = import_warc(db, [warc], Settings(), clock=SystemClock(), source_id="archive")
    assert totals["records"] == 2 and totals["html"] == 1 and totals["new_version"] == 1
    assert totals["skipped"] == 1
    assert import_warc(db, [warc], Settings(), clock=SystemClock())["new_version"] == 0
    version = next(db.query("SELECT * FROM versions"))
    assert "At least 240 people have been killed" in version["text"]
    assert store.articles.load_page(db, version["page_hash"]) == PAGE


def test_damaged_and_truncated_warcs_are_reported_and_keep_what_is_whole(db, tmp_path, caplog):
    good = make_warc(tmp_path / "crawl.warc.gz").read_bytes()
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(b"garbage" + good)
    truncated = tmp_path / "truncated.warc.gz"
    truncated.write_bytes(good[: len(good) // 2])
    intact = make_warc(tmp_path / "intact.warc.gz")
    totals = import_warc(db, [damaged, truncated, intact], Settings(), clock=SystemClock())
    assert totals["damaged_files"] == 1 and totals["truncated"] == 1
    assert totals["new_version"] == 1  # only the intact file's page
    out = caplog.text
    assert (
        str(damaged) in out
        and f"{truncated}: record for https://meridian.example/world/karsa" in out
    )
    assert "At least 240" in next(db.query("SELECT text FROM versions"))["text"]


def test_bytes_before_a_gzip_warc_always_make_the_file_damaged(db, tmp_path, caplog):
    """warcio reads some garbage-prefixed gzip WARCs (a few in a hundred, depending on the
    compressed bytes) as one record with a binary target URI, and some of those to the end
    without an error (here numbers 505 and 550): the file is damaged all the same. Fixed
    record ids and dates make the files the same on every run."""
    paths = []
    for number in range(500, 560):
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://meridian.example/world/karsa-{number}",
            "response",
            payload=io.BytesIO(PAGE),
            http_headers=headers,
            warc_headers_dict={
                "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{number:012d}>",
                "WARC-Date": "2026-11-18T09:00:00Z",
            },
        )
        writer.write_record(record)
        path = tmp_path / f"prefixed-{number}.warc.gz"
        path.write_bytes(b"garbage" + buffer.getvalue())
        paths.append(path)
    totals = import_warc(db, paths, Settings(), clock=SystemClock())
    assert totals["damaged_files"] == 60 and totals["records"] == 0
    out = caplog.text
    assert f"{paths[0]}: damaged: not a WARC or ARC file: it starts with b'garbage" in out
    assert db.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 0


WARC_CORPUS = CORPORA / "warc_warcio_testdata"


@pytest.mark.corpus
@pytest.mark.skipif(not WARC_CORPUS.exists(), reason="../shared/corpora not present")
def test_every_real_warc_file_is_read_without_crashing(db):
    files = sorted(p for p in WARC_CORPUS.iterdir() if p.suffix in (".warc", ".gz", ".arc", ".bad"))
    assert len(files) >= 10
    totals = import_warc(db, files, Settings(), clock=SystemClock())
    assert totals["records"] > 0 and totals["html"] > 0


def test_reprocess_rederives_text_from_raw_html(db, tmp_path):
    import_warc(db, [make_warc(tmp_path / "c.warc.gz")], Settings(), clock=SystemClock())
    db.execute("UPDATE versions SET text = 'stale text from an old cleaner', fingerprint = 'x'")
    totals = reprocess(db, Settings())
    assert totals == {"versions": 1, "changed": 1, "failed": 0, "no_raw": 0}
    assert "At least 240" in next(db.query("SELECT text FROM versions"))["text"]
