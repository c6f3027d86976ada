"""Unix manners through the real CLI (subprocesses): closed pipes, exit codes, clean stdout.

Every documented exit code (newsmon.core.exits.ExitCode) is produced here by a real command.
"""

from __future__ import annotations

import ast
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsmon import store
from newsmon.core.clock import FixedClock
from newsmon.core.exits import ExitCode
from newsmon.core.records import ArticleStatus
from newsmon.pipeline.backfill import import_jsonl
from tests.conftest import ROOT, free_port, run_cli
from tests.test_backfill import make_warc

T = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
PAGE = ROOT / "tests" / "pages" / "karsa_meridian.html"
SENTENCE = (
    "Government forces pushed into the eastern districts of Karsa on Tuesday, and a monitoring "
    "group said at least {n} people had been killed since the offensive began. "
)


def article_line(n: int) -> dict[str, str]:
    return {
        "url": f"https://wire.example/karsa/{n}",
        "title": f"Karsa offensive, day {n}: the toll rises again as convoys wait at the border",
        "text": SENTENCE.format(n=200 + n) * 12,
        "published": f"2026-11-{1 + n % 28:02d}T09:00:00Z",
        "source": "wire",
    }


@pytest.fixture(scope="module")
def listing_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with 120 imported articles (a few hundred kB of export) and one alert."""
    folder = tmp_path_factory.mktemp("listing")
    lines = folder / "articles.jsonl"
    lines.write_text("".join(json.dumps(article_line(n)) + "\n" for n in range(120)))
    path = folder / "newsmon.db"
    db = store.open_db(path)
    try:
        import_jsonl(db, [lines], clock=FixedClock(T))
        with store.write_transaction(db):
            story = int(db.execute("SELECT story_id FROM story_articles LIMIT 1").fetchone()[0])
            body = {"text": "Karsa: killed at least 240 → at least 255", "new": {}}
            store.alerts.insert_alert(db, story, "killed", f"{story}:killed:x:1", body, T)
    finally:
        db.close()
    return path


def newsmon(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsmon.cli", *args]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def config(tmp_path: Path, sources: str = "", settings: str = "") -> Path:
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    (folder / "settings.toml").write_text(
        "[fetch]\nallow_private_networks = true\nretries = 0\ntimeout_s = 5.0\n"
        "per_host_delay_s = 0.0\n[clean]\nworkers = 0\n" + settings
    )
    (folder / "sources.toml").write_text(sources)
    return folder


def dead_source(name: str) -> str:
    return (
        f'[[source]]\nid = "{name}"\nname = "{name} (down)"\n'
        f'feeds = ["http://127.0.0.1:{free_port()}/rss.xml"]\npoll_every = "1s"\n'
    )


# --- closed pipes -----------------------------------------------------------------------------

LISTINGS = [
    ["articles"],
    ["articles", "--format", "jsonl"],
    ["story", "1"],
    ["stories"],
    ["export"],
    ["export", "--format", "json"],
    ["status", "--format", "json"],
    ["status"],
    ["alerts"],
    ["article", "1"],
    ["extract", str(PAGE)],
]


@pytest.mark.parametrize("command", LISTINGS, ids=" ".join)
def test_a_listing_into_a_closed_pipe_stops_quietly(listing_db, command):
    """The reader has gone before the first byte: no traceback, the documented code."""
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(
            newsmon("--db", str(listing_db), *command),
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env=env(),
            cwd=ROOT,
            timeout=120,
        )
    finally:
        os.close(write)
    assert result.stderr == ""
    assert result.returncode == ExitCode.PIPE_CLOSED


@pytest.mark.parametrize("command", LISTINGS, ids=" ".join)
def test_piped_into_head_it_exits_without_a_traceback(listing_db, command):
    """`newsmon … | head -1` in a real shell: the first line out, nothing on stderr.

    head may read all of a short listing before it leaves (exit 0) or leave while newsmon
    still writes (141, as if by SIGPIPE); a long one (export) always outlives it."""
    args = newsmon("--db", str(listing_db), *command)
    whole = subprocess.run(args, capture_output=True, text=True, env=env(), cwd=ROOT, timeout=120)
    assert whole.returncode == ExitCode.OK, whole.stderr
    line = " ".join(shlex.quote(arg) for arg in args)
    result = subprocess.run(
        ["bash", "-c", f"{line} | head -1; echo ${{PIPESTATUS[0]}} >&2"],
        capture_output=True,
        text=True,
        env=env(),
        cwd=ROOT,
        timeout=120,
    )
    assert result.stdout.splitlines() == whole.stdout.splitlines()[:1]
    codes = {ExitCode.PIPE_CLOSED} if command == ["export"] else {ExitCode.OK, ExitCode.PIPE_CLOSED}
    assert result.stderr.strip() in {str(int(code)) for code in codes}, result.stderr


def test_facts_stops_quietly_when_its_reader_goes(tmp_path):
    process = subprocess.Popen(
        newsmon("facts", "-"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
        cwd=ROOT,
    )
    assert process.stdin and process.stdout and process.stderr
    record = {"id": 1, "text": "At least 240 people were killed."}
    process.stdin.write(json.dumps(record) + "\n")
    process.stdin.flush()
    assert json.loads(process.stdout.readline())["id"] == 1
    process.stdout.close()
    process.stdin.write(json.dumps(record) + "\n")
    process.stdin.close()
    assert process.wait(timeout=60) == ExitCode.PIPE_CLOSED
    assert process.stderr.read() == ""


# --- exit codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("prefect", [False, pytest.param(True, marks=pytest.mark.e2e)],
                         ids=["no-prefect", "prefect"])  # fmt: skip
def test_run_with_every_source_failing_is_an_error_named_as_a_connection_failure(
    tmp_path, request, prefect
):
    """Offline: exit 1, not 0; and the cause is the connection, not robots.txt."""
    folder = config(tmp_path, dead_source("down-1") + dead_source("down-2"))
    db = str(tmp_path / "n.db")
    how = ["--no-prefect"] if not prefect else []
    env = request.getfixturevalue("prefect_server") if prefect else None
    result = run_cli(
        "--config", str(folder), "--db", db, "run", *how, "--format", "json", env=env,
        check=False,
    )  # fmt: skip
    assert result.returncode == ExitCode.ERROR, result.stderr
    report = json.loads(result.stdout)  # the report is still printed
    assert report["sources_failed"] == 2 and report["errors"] == {"connect": 2}
    assert "every source failed: none of the 2 polled could be read (connect 2)" in result.stderr
    assert "Traceback" not in result.stderr and "telemetry" not in result.stderr.lower()
    status = json.loads(run_cli("--config", str(folder), "--db", db, "status", "--format",
                                "json", env=env).stdout)  # fmt: skip
    for source in status["sources"]:
        assert ": connect (robots.txt of http://127.0.0.1:" in source["last_error"]
        assert "got no answer" in source["last_error"] and "disallow" not in source["last_error"]


def test_run_with_some_sources_failing_is_done_with_errors(site, config_dir, tmp_path):
    with (config_dir / "sources.toml").open("a") as fh:
        fh.write("\n" + dead_source("down"))
    result = run_cli(
        "--config", str(config_dir), "--db", str(tmp_path / "n.db"), "run", "--no-prefect",
        "--format", "json", check=False,
    )  # fmt: skip
    assert result.returncode == ExitCode.PARTIAL, result.stderr
    report = json.loads(result.stdout)
    assert report["sources_failed"] == 1 and report["new_versions"] > 0
    assert "1 of 5 sources could not be polled" in result.stderr


def test_a_run_where_everything_answers_succeeds(site, config_dir, tmp_path):
    result = run_cli(
        "--config", str(config_dir), "--db", str(tmp_path / "n.db"), "run", "--no-prefect",
        check=False,
    )  # fmt: skip
    assert result.returncode == ExitCode.OK, result.stderr


def write_lines(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_jsonl_with_rejected_lines_is_done_with_errors_and_stdout_stays_json(tmp_path):
    lines = write_lines(
        tmp_path / "in.jsonl", [article_line(1), "{not json", {"url": "x"}, article_line(2)]
    )
    result = run_cli(
        "--db", str(tmp_path / "n.db"), "backfill", "--jsonl", str(lines), "--format", "json",
        check=False,
    )  # fmt: skip
    assert result.returncode == ExitCode.PARTIAL, result.stderr
    totals = json.loads(result.stdout)  # the whole of stdout is one JSON document
    assert totals["bad_lines"] == 2 and totals["new_version"] == 2
    assert f"{lines}:2: skipped" in result.stderr and f"{lines}:3: skipped" in result.stderr
    assert "2 of 4 lines were rejected" in result.stderr


def test_jsonl_where_no_line_is_good_is_an_error(tmp_path):
    lines = write_lines(tmp_path / "in.jsonl", ["{not json", "[]"])
    result = run_cli("--db", str(tmp_path / "n.db"), "backfill", "--jsonl", str(lines), check=False)
    assert result.returncode == ExitCode.ERROR
    assert "no line could be imported" in result.stderr


def test_a_damaged_warc_is_done_with_errors(tmp_path):
    good = make_warc(tmp_path / "good.warc.gz")
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(b"garbage" + good.read_bytes())
    result = run_cli(
        "--db", str(tmp_path / "n.db"), "backfill", "--warc", str(damaged), str(good),
        "--format", "json", check=False,
    )  # fmt: skip
    assert result.returncode == ExitCode.PARTIAL, result.stderr
    assert json.loads(result.stdout)["new_version"] == 1
    assert f"{damaged}: damaged" in result.stderr
    only_damaged = run_cli(
        "--db", str(tmp_path / "m.db"), "backfill", "--warc", str(damaged), check=False
    )
    assert only_damaged.returncode == ExitCode.ERROR


def test_extract_of_a_five_character_page_finds_no_article(tmp_path):
    page = tmp_path / "tiny.html"
    page.write_text("<html><body><p>Hello</p></body></html>")
    result = run_cli("extract", str(page), check=False)
    assert result.returncode == ExitCode.NO_ARTICLE
    assert json.loads(result.stdout) is None
    assert "fewer than clean.min_text_chars (200)" in result.stderr


def test_an_unknown_article_status_is_bad_usage_naming_the_valid_ones(listing_db):
    result = run_cli("--db", str(listing_db), "articles", "--status", "bogus", check=False)
    assert result.returncode == ExitCode.USAGE
    assert "bogus" in result.stderr
    assert all(status.value in result.stderr for status in ArticleStatus)
    assert result.stdout == ""


def test_until_before_since_is_bad_usage(tmp_path):
    result = run_cli(
        "--config", str(config(tmp_path, dead_source("x"))), "--db", str(tmp_path / "n.db"),
        "backfill", "--since", "2026-11-10", "--until", "2026-11-01", "--no-prefect",
        check=False,
    )  # fmt: skip
    assert result.returncode == ExitCode.USAGE
    assert "--until 2026-11-01T00:00:00+00:00 is before --since" in result.stderr
    assert not (tmp_path / "n.db").exists()  # refused before anything was touched


def test_a_date_that_does_not_parse_is_bad_usage(tmp_path):
    result = run_cli(
        "--db", str(tmp_path / "n.db"), "backfill", "--since", "last week", check=False
    )
    assert result.returncode == ExitCode.USAGE and "not an ISO date" in result.stderr


def test_an_undeliverable_alert_is_done_with_errors(listing_db, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/hook"
    folder = config(tmp_path, settings=f'[alerts]\nwebhooks = ["{dead}"]\ntimeout_s = 2.0\n')
    copy = tmp_path / "copy.db"
    copy.write_bytes(listing_db.read_bytes())
    result = run_cli("--config", str(folder), "--db", str(copy), "alerts", "--deliver", check=False)
    assert result.returncode == ExitCode.PARTIAL, result.stderr
    assert "could not be delivered" in result.stderr
    assert "failing" in result.stdout and dead in result.stdout


def test_an_interrupted_command_exits_130_without_a_traceback():
    process = subprocess.Popen(
        newsmon("facts", "-"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
        cwd=ROOT,
    )
    assert process.stdin and process.stdout and process.stderr
    process.stdin.write(json.dumps({"id": 1, "text": "Two people died."}) + "\n")
    process.stdin.flush()
    process.stdout.readline()  # it is reading its input now
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == ExitCode.INTERRUPTED
    err = process.stderr.read()
    assert "interrupted" in err and "Traceback" not in err


def test_success_is_zero(listing_db):
    assert run_cli("--db", str(listing_db), "articles", check=False).returncode == ExitCode.OK


# --- stdout holds the result, stderr the rest ---------------------------------------------------

RESULTS = [
    ["status"],
    ["articles"],
    ["article", "1"],
    ["stories"],
    ["story", "1"],
    ["alerts"],
    ["export"],
    ["reprocess"],
    ["report", "--out", "{tmp}/r.html"],
    ["extract", str(PAGE)],
]


@pytest.mark.parametrize("form", ["json", "jsonl"])
@pytest.mark.parametrize("command", RESULTS, ids=lambda c: "-".join(c[:2])[:20])
def test_json_output_is_valid_and_diagnostics_go_to_stderr(listing_db, tmp_path, command, form):
    """`--format json` is one JSON document on stdout, `jsonl` one per line; progress and
    warnings never mix into it."""
    copy = tmp_path / "copy.db"
    copy.write_bytes(listing_db.read_bytes())
    args = [arg.format(tmp=tmp_path) for arg in command]
    result = run_cli("--db", str(copy), *args, "--format", form, check=False)
    assert result.returncode == ExitCode.OK, result.stderr
    assert "Traceback" not in result.stderr
    if form == "json":
        json.loads(result.stdout)
    else:
        lines = result.stdout.splitlines()
        assert lines and all(json.loads(line) is not None for line in lines)
    if command == ["reprocess"]:  # its progress went to stderr, not into the JSON
        assert "newsmon: reprocess: 120/120 articles (100%)" in result.stderr


def test_facts_in_json_is_one_array_with_the_rejected_lines_on_stderr(tmp_path):
    lines = write_lines(
        tmp_path / "in.jsonl",
        [{"id": 1, "text": "Two people died."}, "{not json", {"id": 2, "text": "Nine died."}],
    )
    result = run_cli("facts", str(lines), "--format", "json", check=False)
    assert result.returncode == ExitCode.PARTIAL, result.stderr
    assert [record["id"] for record in json.loads(result.stdout)] == [1, 2]
    assert f"{lines}:2: skipped: bad_json" in result.stderr
    empty = run_cli("facts", str(write_lines(tmp_path / "none.jsonl", [])), "--format", "json")
    assert json.loads(empty.stdout) == []


def test_serve_refuses_json_output_it_cannot_give(tmp_path):
    result = run_cli("--db", str(tmp_path / "n.db"), "serve", "--format", "json", check=False)
    assert result.returncode == ExitCode.USAGE
    assert "serve writes one text line per tick" in result.stderr and result.stdout == ""
    assert not (tmp_path / "n.db").exists()


# --- libraries log, the CLI prints ---------------------------------------------------------------


def test_only_the_cli_prints():
    """STYLE rule 18: no module of newsmon/ but cli.py writes to stdout."""
    printing = []
    for path in sorted((ROOT / "newsmon").rglob("*.py")):
        if path.name == "cli.py" and path.parent.name == "newsmon":
            continue
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id == "print":
                    name = "print"
                elif isinstance(func, ast.Attribute) and func.attr == "write":
                    target = func.value
                    if isinstance(target, ast.Attribute) and target.attr == "stdout":
                        name = "sys.stdout.write"
            if name:
                printing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert printing == []
