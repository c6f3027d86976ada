"""Hostile JSON lines for `backfill --jsonl` and `facts`: each bad line costs that line only,
named by file and line; the good lines around it are imported."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsmon.core.exits import ExitCode
from newsmon.ingest.jsonl import LineError, imported_article, parse_object, read_lines
from tests.conftest import run_cli

pytestmark = [pytest.mark.timeout(300)]

TEXT = (
    "Government forces pushed into the eastern districts of Karsa on Tuesday, and a monitoring "
    "group said at least 240 people had been killed since the offensive began."
)


def good(n: int, **fields: object) -> bytes:
    record = {"url": f"https://wire.example/good/{n}", "title": f"Good {n}", "text": TEXT}
    record.update(fields)
    return json.dumps(record).encode() + b"\n"


# (line bytes, reason code reported for it). Each once ended the import with a traceback at
# that line, nothing after it imported, or was stored wrongly without a word.
HOSTILE_LINES: list[tuple[str, bytes, str]] = [
    (
        "latin-1 bytes",
        b'{"url": "https://wire.example/x", "text": "d\xe9plac\xe9s"}\n',
        "bad_encoding",
    ),
    ("binary", b"\x00\x01\x02\xff\xfe\x89PNG\r\n", "bad_encoding"),
    ("lone surrogate", b'{"url": "https://wire.example/s", "text": "a \\ud800 b"}\n', "bad_text"),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000 + b"\n", "too_deep"),
    ("deep object", b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"\n", "too_deep"),
    ("title object", good(90, title={"en": "x"}), "bad_field"),
    ("lang list", good(91, lang=["en"]), "bad_field"),
    ("lang number", good(92, lang=7), "bad_field"),
    ("lang word", good(93, lang="english"), "bad_field"),
    ("text number", good(94, text=5), "bad_field"),
    ("url list", good(95, url=["https://wire.example/l"]), "bad_field"),
    ("published yesterday", good(96, published="yesterday"), "bad_date"),
    ("published +14:00 year 1", good(97, published="0001-01-01T00:00:00+14:00"), "bad_date"),
    ("published number", good(98, published=20261118), "bad_field"),
    ("source object", good(99, source={"id": "x"}), "bad_field"),
    ("not an object", b"[1, 2, 3]\n", "bad_record"),
    ("not json", b"{not json\n", "bad_json"),
]


def import_lines(tmp_path: Path, *lines: bytes, name: str = "dump.jsonl") -> tuple[Path, Path]:
    path = tmp_path / name
    path.write_bytes(b"".join(lines))
    return path, tmp_path / "newsmon.db"


def backfill(db: Path, *files: Path, fmt: str = "json") -> subprocess.CompletedProcess[str]:
    result = run_cli(
        "--db", str(db), "backfill", "--jsonl", *map(str, files), "--format", fmt, check=False
    )
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    # Rejected lines make the import "done with errors" (issue 15); a URL given again is no
    # rejection (the last line wins).
    rejected = [
        line
        for line in result.stderr.splitlines()
        if ": skipped: " in line and ": skipped: duplicate_url" not in line
    ]
    expected = ExitCode.PARTIAL if rejected else ExitCode.OK
    assert result.returncode == expected, result.stderr[-3000:]
    return result


def stored(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    con = sqlite3.connect(db)
    try:
        return list(con.execute(sql, params))
    finally:
        con.close()


@pytest.mark.e2e
def test_every_hostile_line_is_skipped_with_its_file_line_and_reason(tmp_path: Path) -> None:
    # Line 1 is good, then each hostile line (even numbers) is followed by a good one.
    lines = [good(1)]
    for index, (_, raw, _) in enumerate(HOSTILE_LINES):
        lines += [raw, good(2 * index + 3)]
    path, db = import_lines(tmp_path, *lines)

    result = backfill(db, path)

    totals = json.loads(result.stdout)  # stdout is the JSON summary alone
    assert totals["bad_lines"] == len(HOSTILE_LINES)
    urls = {row[0] for row in stored(db, "SELECT url FROM articles")}
    assert urls == {f"https://wire.example/good/{n}" for n in range(1, len(lines) + 1, 2)}
    for index, (label, _, reason) in enumerate(HOSTILE_LINES):
        number = 2 * index + 2
        assert f"{path}:{number}: skipped: {reason}" in result.stderr, label


@pytest.mark.e2e
def test_a_byte_order_mark_does_not_cost_line_one(tmp_path: Path) -> None:
    # Before: json.loads saw "\ufeff{" and line 1 was skipped as bad JSON.
    path, db = import_lines(tmp_path, b"\xef\xbb\xbf" + good(1), good(2))
    backfill(db, path)
    assert len(stored(db, "SELECT id FROM versions")) == 2


@pytest.mark.e2e
def test_a_line_over_the_cap_is_skipped_without_being_read_whole(tmp_path: Path) -> None:
    # Before: a 20 MB line was read whole (45 s, 824 MB on the machine).
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_text("[fetch]\nmax_bytes = 100000\n", encoding="utf-8")
    huge = b'{"url": "https://wire.example/huge", "text": "' + b"x" * 3_000_000 + b'"}\n'
    path, db = import_lines(tmp_path, good(1), huge, good(3))
    result = run_cli(
        "--config", str(config), "--db", str(db), "backfill", "--jsonl", str(path), check=False
    )
    assert result.returncode == ExitCode.PARTIAL, result.stderr[-3000:]  # a line rejected
    assert f"{path}:2: skipped: too_long" in result.stderr
    assert {r[0] for r in stored(db, "SELECT url FROM articles")} == {
        "https://wire.example/good/1",
        "https://wire.example/good/3",
    }


@pytest.mark.e2e
def test_a_url_given_twice_is_imported_once_from_its_last_line(tmp_path: Path) -> None:
    # Before: each import added two versions, alternating (six after three imports).
    first = good(1, text=TEXT + " First wording.")
    second = good(1, text=TEXT + " Second wording.")
    path, db = import_lines(tmp_path, first, good(2), second)
    for _ in range(3):
        result = backfill(db, path)
    assert f"{path}:1: skipped: duplicate_url" in result.stderr
    texts = stored(
        db,
        "SELECT v.text FROM versions v JOIN articles a ON a.id = v.article_id WHERE a.url = ?",
        "https://wire.example/good/1",
    )
    assert texts == [(TEXT + " Second wording.",)]
    assert json.loads(result.stdout)["superseded"] == 1


@pytest.mark.e2e
def test_facts_skips_hostile_lines_and_answers_the_rest(tmp_path: Path) -> None:
    lines = [b'{"id": 1, "text": "At least 240 people were killed."}\n']
    bad = [
        b"\xef\xbb\xbf",  # (a BOM only counts on line 1; here it starts the file)
        b'{"id": 2, "text": "d\xe9plac\xe9s: 14 000"}\n',
        b"[" * 100_000 + b"\n",
        b'{"id": 3, "text": "At least 5 killed.", "lang": ["en"]}\n',
        b'{"id": 4, "text": "At least 5 killed.", "lang": 7}\n',
        b'{"id": 5, "text": {"en": "x"}}\n',
        b'{"id": 6, "text": "a \\udc80 b"}\n',
        b'{"id": {"x": 1}, "text": "At least 5 killed."}\n',
    ]
    path = tmp_path / "facts.jsonl"
    path.write_bytes(bad[0] + lines[0] + b"".join(bad[1:]) + b'{"id": 9, "text": "255 dead."}\n')
    result = run_cli("facts", str(path), check=False)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == ExitCode.PARTIAL  # some lines were rejected
    answered = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert answered == [1, 9]
    assert result.stderr.count("skipped:") == len(bad) - 1


# --- properties of the line reader ------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=20,
)
fields = st.fixed_dictionaries(
    {},
    optional={
        "url": st.one_of(json_values, st.just("https://wire.example/a"), st.text()),
        "text": st.one_of(json_values, st.just(TEXT)),
        "title": json_values,
        "published": st.one_of(json_values, st.just("2026-11-18T09:00:00Z"), st.text()),
        "lang": st.one_of(json_values, st.sampled_from(["en", "pt-BR", "english", "e"])),
        "source": json_values,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(fields.map(lambda d: json.dumps(d).encode()), st.binary(max_size=300)))
@example(
    b'{"url": "https://wire.example/a", "text": "x", "published": "9999-12-31T23:59:59-14:00"}'
)
@example(b"\xef\xbb\xbf\xef\xbb\xbf{}")
def test_a_line_is_an_article_or_a_line_error(raw: bytes) -> None:
    for _, line in read_lines(io.BytesIO(raw + b"\n"), max_bytes=200):
        if isinstance(line, LineError):
            continue
        try:
            article = imported_article(parse_object(line))
        except LineError:
            continue
        assert article.url.startswith(("http://", "https://"))
        article.text.encode("utf-8")
        assert article.published is None or 1900 <= article.published.year <= 2200
