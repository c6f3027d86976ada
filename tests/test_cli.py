"""The CLI in-process (fast); the subprocess path is covered by tests/test_e2e.py."""

import json
import sqlite3
from pathlib import Path

import pytest

from newsmon.cli import main
from newsmon.core.exits import ExitCode
from newsmon.core.settings import Settings
from newsmon.pipeline.article import store_outcome
from tests.conftest import run_cli
from tests.test_store import BODY_240, BODY_255, T0, URL, discover, outcome

PAGE = Path(__file__).parent / "pages" / "karsa_meridian.html"


@pytest.fixture
def stored_db(tmp_path):
    from datetime import timedelta

    from newsmon import store

    path = tmp_path / "cli.db"
    db = store.open_db(path)
    discover(db)
    store_outcome(db, Settings(), outcome(BODY_240), None)
    store_outcome(
        db,
        Settings(),
        outcome(BODY_255, title="Karsa: more than 255 dead", at=T0 + timedelta(hours=1)),
        None,
    )
    db.close()
    return path


def cli(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_extract_prints_the_article_as_json(capsys):
    code, out, _ = cli(capsys, "extract", str(PAGE), "--url", "https://meridian.example/karsa")
    assert code == 0
    data = json.loads(out)
    assert data["title"].startswith("At least 240 killed") and "Most read" not in data["text"]


def test_extract_of_a_page_without_article_exits_3(tmp_path, capsys):
    page = tmp_path / "empty.html"
    page.write_text("<html><body></body></html>")
    code, out, _ = cli(capsys, "extract", str(page))
    assert code == 3 and json.loads(out) is None


def test_extract_of_a_missing_file_names_it(tmp_path, capsys):
    code, _, err = cli(capsys, "extract", str(tmp_path / "nope.html"))
    assert code == 1 and "nope.html: cannot read" in err


def test_article_shows_versions_and_word_diff(stored_db, capsys):
    code, out, _ = cli(capsys, "--db", str(stored_db), "article", URL)
    assert code == 0
    assert "v1" in out and "v2" in out
    assert "[-At least 240-]" in out and "{+More than 255+}" in out
    assert "headline: [-Offensive on Karsa-] {+Karsa: more than 255 dead+}" in out


def test_article_json_and_explicit_diff(stored_db, capsys):
    code, out, _ = cli(
        capsys, "--db", str(stored_db), "article", "1", "--diff", "2", "1", "--format", "json"
    )
    data = json.loads(out)
    assert code == 0 and data["diff"]["from"] == 2 and data["diff"]["to"] == 1
    assert len(data["versions"]) == 2 and "text" not in data["versions"][0]


def test_article_errors_name_what_is_missing(stored_db, capsys):
    assert (
        cli(capsys, "--db", str(stored_db), "article", "https://nowhere.example/x")[2].count(
            "no article"
        )
        == 1
    )
    code, _, err = cli(capsys, "--db", str(stored_db), "article", "1", "--diff", "1", "7")
    assert code == 1 and "has no version 7" in err


def test_articles_and_status_and_export(stored_db, capsys):
    code, out, _ = cli(capsys, "--db", str(stored_db), "articles", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows[0]["url"] == URL and rows[0]["versions_count"] == 2
    code, out, _ = cli(capsys, "--db", str(stored_db), "status", "--format", "json")
    assert json.loads(out)["counts"]["versions"] == 2
    code, out, _ = cli(capsys, "--db", str(stored_db), "export", "--format", "jsonl")
    exported = [json.loads(line) for line in out.splitlines()]
    assert [v["seq"] for v in exported[0]["versions"]] == [1, 2]


def test_a_missing_database_is_a_clear_error(tmp_path, capsys):
    code, _, err = cli(capsys, "--db", str(tmp_path / "none.db"), "status")
    assert code == 1 and "none.db: no database yet" in err


def test_bad_config_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "settings.toml").write_text("[fetch]\nuser_agnet = 'x'\n")
    code, _, err = cli(capsys, "--config", str(tmp_path), "status")
    assert code == 1 and f"{tmp_path / 'settings.toml'}: fetch.user_agnet: unknown key" in err


def test_run_without_sources_says_so(tmp_path, capsys):
    code, _, err = cli(capsys, "--config", str(tmp_path), "--db", str(tmp_path / "x.db"), "run")
    assert code == 1 and "no sources configured" in err


def test_global_options_work_after_the_command(stored_db, capsys):
    code, out, _ = cli(capsys, "status", "--db", str(stored_db), "--format", "json")
    assert code == 0 and json.loads(out)["counts"]["articles"] == 1


def test_facts_reads_jsonl_and_writes_the_contract(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps(
            {"id": "a", "text": "At least 240 people were killed, according to a monitoring group."}
        )
        + "\n\nnot json\n"
        + json.dumps(
            {"id": "b", "text": "Plus de 255 morts et 14 000 déplacés, selon l'ONU.", "lang": "fr"}
        )
        + "\n"
    )
    code, out, err = cli(capsys, "facts", str(source))
    # The bad line is named and the rest goes on: done with errors, as for any input.
    assert code == ExitCode.PARTIAL and f"{source}:3: skipped" in err
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["id"] == "a" and first["headline"]["killed"]["value"] == 240
    assert first["headline"]["killed"]["qualifier"] == "at_least"
    assert first["headline"]["injured"] is None
    assert second["headline"]["killed"]["value"] == 255
    assert second["headline"]["displaced"]["value"] == 14000
    assert all(
        {"kind", "value", "qualifier", "sentence", "span"} <= set(c) for c in first["claims"]
    )


def test_a_missing_config_directory_is_named(tmp_path):
    result = run_cli("--config", str(tmp_path / "nowhere"), "run", check=False)
    assert result.returncode == 1
    assert f"{tmp_path / 'nowhere'}: no such config directory" in result.stderr
    assert "no sources configured" not in result.stderr


def test_every_config_problem_is_reported_at_once(tmp_path):
    (tmp_path / "settings.toml").write_text("[fetch]\ntimeout_s = -1\nretries = 99\n")
    result = run_cli("--config", str(tmp_path), "status", check=False)
    assert result.returncode == 1
    assert "2 problems" in result.stderr
    assert "fetch.timeout_s" in result.stderr and "fetch.retries" in result.stderr


def test_every_problem_of_both_files_is_listed_with_its_file_and_key(tmp_path):
    """Issue 15: `lang = "english"` refused, and every error at once, each naming file and key."""
    settings = tmp_path / "settings.toml"
    sources = tmp_path / "sources.toml"
    settings.write_text("[fetch]\ntimeout_s = -1\nretries = 99\n[fetchh]\n")
    sources.write_text(
        '[[source]]\nid = "meridian"\nname = "Meridian"\nfeeds = ["https://m.example/rss"]\n'
        'lang = "english"\n\n'
        '[[source]]\nid = "second"\nname = "Second"\nfeeds = ["ftp://x"]\n'
    )
    db = tmp_path / "n.db"
    for command in (["run", "--no-prefect"], ["status"], ["backfill", "--since", "2026-11-01"]):
        result = run_cli("--config", str(tmp_path), "--db", str(db), *command, check=False)
        assert result.returncode == ExitCode.ERROR, result.stderr
        assert result.stdout == "" and "Traceback" not in result.stderr
        assert result.stderr.splitlines() == [
            "newsmon: error: 5 problems:",
            f"  {settings}: fetch.timeout_s: must be > 0 s",
            f"  {settings}: fetch.retries: must be in 0..10",
            f"  {settings}: fetchh: unknown section [fetchh]",
            f"  {sources}: source[0] (id='meridian').lang: not a language tag such as en, fr, "
            "pt-BR: 'english'",
            f"  {sources}: source[1] (id='second').feeds[0]: URL must start with http:// or "
            "https://: 'ftp://x'",
        ]
    assert not db.exists()  # refused before the store was touched


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    result = run_cli("--config", str(tmp_path), "--db", str(other), "status", check=False)
    assert result.returncode == 1
    assert "not a newsmon database (it holds invoices)" in result.stderr
    conn = sqlite3.connect(other)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    conn.close()
    assert tables == ["invoices"] and journal == "delete"  # no tables added, not switched to WAL


def test_an_empty_file_becomes_a_store(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    result = run_cli(
        "--config",
        str(tmp_path),
        "--db",
        str(empty),
        "backfill",
        "--jsonl",
        str(_one_line(tmp_path)),
        "--format",
        "json",
    )
    assert json.loads(result.stdout)["new_version"] == 1


def _one_line(tmp_path: Path) -> Path:
    path = tmp_path / "one.jsonl"
    line = {"url": "https://example.org/a", "title": "A", "text": "Word. " * 60}
    path.write_text(json.dumps(line) + "\n")
    return path
