"""The newsmon command line: parses arguments, calls pipeline/store/present, prints.

Results go to standard output (text, or JSON that is always valid with ``--format json``);
diagnostics, progress and errors go to standard error. Every command exits with one of the
codes of `newsmon.core.exits.ExitCode`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsmon import __version__, store
from newsmon.core.clock import Clock, FixedClock, SystemClock
from newsmon.core.errors import NewsmonError, Reason
from newsmon.core.exits import EXIT_CODES, ExitCode
from newsmon.core.records import ArticleStatus
from newsmon.core.settings import Settings, load_settings
from newsmon.present import terminal
from newsmon.present.export import export_rows, json_chunks
from newsmon.versions.diff import diff_texts, render_text

LOGGER = logging.getLogger("newsmon")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit status (newsmon.core.exits.ExitCode)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return ExitCode.USAGE
    _check_usage(parser, args)
    _log_to_stderr()
    try:
        code = _dispatch(args)
        _flush_stdout()
    except StdoutClosed:
        # `newsmon export | head -1`: the reader has what it wanted. Later writes (and the
        # interpreter's final flush) go nowhere instead of raising again.
        _drop_stdout()
        return ExitCode.PIPE_CLOSED
    except StdoutFailed as exc:  # `newsmon export > /dev/full`: say so, once
        _drop_stdout()
        _fail(str(exc))
        return ExitCode.ERROR
    return code


def _dispatch(args: argparse.Namespace) -> int:
    try:
        if args.config is None:
            args.config = "config"  # the default may be missing: defaults and no sources
        elif not Path(args.config).is_dir():
            raise NewsmonError(f"{args.config}: no such config directory (--config)")
        settings = load_settings(args.config)
        now = getattr(args, "now", None)
        clock: Clock = FixedClock(now) if now else SystemClock()
        return int(args.handler(args, settings, clock))
    except NewsmonError as exc:
        _fail(str(exc))
        return ExitCode.ERROR
    except KeyboardInterrupt:
        print("newsmon: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsmon",
        description="Monitor news sources: versioned articles, stories and casualty figures.",
        epilog=_exit_status_help(),
        formatter_class=_EpilogFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsmon {__version__}")
    _add_global_options(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Global options are accepted after the command too: `newsmon run --format json`.
    common = argparse.ArgumentParser(add_help=False)
    _add_global_options(common, argparse.SUPPRESS)
    original_add_parser = sub.add_parser

    def add_parser(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return original_add_parser(name, parents=[common], **kwargs)

    sub.add_parser = add_parser  # type: ignore[method-assign]

    p = sub.add_parser("run", help="run one ingest pass (a Prefect flow run)")
    p.add_argument(
        "--source",
        action="append",
        dest="sources",
        metavar="ID",
        help="only this source (repeatable)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="poll every source and recheck every active article now",
    )
    p.add_argument(
        "--now",
        metavar="ISO",
        type=_moment,
        help="pretend the clock reads this UTC time (replays, tests)",
    )
    p.add_argument(
        "--no-prefect",
        action="store_true",
        help="run the pipeline directly, without Prefect (debugging)",
    )
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("serve", help="start a local Prefect server and run ticks on schedule")
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("backfill", help="ingest the past: sitemaps/feeds by date, or JSONL files")
    p.add_argument(
        "--since", metavar="DATE", type=_moment, help="oldest publication date to take (YYYY-MM-DD)"
    )
    p.add_argument(
        "--until",
        metavar="DATE",
        type=_moment,
        help="newest publication date to take (not before --since)",
    )
    p.add_argument("--source", action="append", dest="sources", metavar="ID")
    p.add_argument(
        "--jsonl",
        nargs="+",
        metavar="FILE",
        help="import articles from JSON lines (url, title, text, published, source, lang)",
    )
    p.add_argument(
        "--warc", nargs="+", metavar="FILE", help="import HTML responses from WARC/ARC files"
    )
    p.add_argument("--no-prefect", action="store_true")
    p.set_defaults(handler=cmd_backfill)

    p = sub.add_parser("reprocess", help="re-extract every stored version from its raw HTML")
    p.set_defaults(handler=cmd_reprocess)

    p = sub.add_parser("extract", help="clean one HTML page and print the article as JSON")
    p.add_argument("page", metavar="PAGE.html")
    p.add_argument("--url", help="the page's URL (helps metadata extraction)")
    p.set_defaults(handler=cmd_extract)

    p = sub.add_parser("status", help="sources, their health, last runs and counts")
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("articles", help="list stored articles")
    p.add_argument("--source", metavar="ID")
    p.add_argument(
        "--status",
        choices=[status.value for status in ArticleStatus],
        metavar="STATUS",
        help="only articles in this state: " + ", ".join(status.value for status in ArticleStatus),
    )
    p.add_argument("--limit", type=_positive, default=50)
    p.set_defaults(handler=cmd_articles)

    p = sub.add_parser("article", help="one article: versions and a diff between two of them")
    p.add_argument("key", metavar="URL|ID")
    p.add_argument(
        "--diff",
        nargs=2,
        type=int,
        metavar=("FROM", "TO"),
        help="version numbers to compare (default: the last two)",
    )
    p.add_argument("--text", action="store_true", help="print the latest version's full text")
    p.set_defaults(handler=cmd_article)

    p = sub.add_parser("facts", help="casualty claims of texts: JSONL in, JSONL out")
    p.add_argument(
        "input",
        nargs="?",
        default="-",
        metavar="FILE|-",
        help='JSON lines {"id", "text", "lang"?} (default: standard input)',
    )
    p.set_defaults(handler=cmd_facts)

    p = sub.add_parser("stories", help="stories: articles grouped across outlets")
    p.add_argument("--limit", type=_positive, default=50)
    p.add_argument("--active", action="store_true", help="only stories still in the active window")
    p.set_defaults(handler=cmd_stories)

    p = sub.add_parser("story", help="one story: members, wire groups, figure timeline, changes")
    p.add_argument("story_id", type=int, metavar="ID")
    p.set_defaults(handler=cmd_story)

    p = sub.add_parser("report", help="write a static HTML report (charts, timelines, diffs)")
    p.add_argument("--out", required=True, metavar="FILE.html")
    p.add_argument(
        "--stories", type=_positive, metavar="N", help="stories to include (default: [report])"
    )
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("alerts", help="recorded figure-change alerts and their delivery")
    p.add_argument("--limit", type=_positive, default=50)
    p.add_argument("--deliver", action="store_true", help="retry undelivered alerts now")
    p.set_defaults(handler=cmd_alerts)

    p = sub.add_parser(
        "export", help="every article with its versions (JSON lines; --format json: one array)"
    )
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(handler=cmd_export)
    return parser


def _exit_status_help() -> str:
    lines = ["exit status:"]
    for code, meaning in EXIT_CODES.items():
        lines.append(
            textwrap.fill(
                meaning.replace("`", ""),
                width=96,
                initial_indent=f"  {int(code):>3}  ",
                subsequent_indent=" " * 7,
            )
        )
    return "\n".join(lines)


def reference() -> str:
    """Return the command-line reference (docs/cli.md) generated from the parser."""
    parser = build_parser()
    parser.formatter_class = _ReferenceFormatter
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    parts = ["## newsmon\n", "```text", parser.format_help().rstrip(), "```\n"]
    for name, command in sub.choices.items():
        command.formatter_class = _ReferenceFormatter
        parts += [f"## newsmon {name}\n", "```text", command.format_help().rstrip(), "```\n"]
    return "\n".join(parts)


class _EpilogFormatter(argparse.RawDescriptionHelpFormatter):
    """Keep the exit-status table's lines as written."""


class _ReferenceFormatter(argparse.RawDescriptionHelpFormatter):
    """A fixed width, so the generated reference does not depend on the terminal."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=100)


def _add_global_options(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument(
        "--config",
        metavar="DIR",
        default=default,
        help="directory holding settings.toml and sources.toml (default: ./config)",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="SQLite store (default: [store] path in settings.toml)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default=default if default is not None else "text",
        help="output format for scripts (default: text)",
    )


# --- arguments -----------------------------------------------------------------------------


def _moment(value: str) -> datetime:
    """Parse an ISO date or date-time (UTC unless it says otherwise) for argparse."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO date or date-time (YYYY-MM-DD[THH:MM]): {value!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# The largest whole number SQLite stores (and so the largest id or count it can be asked for).
MAX_NUMBER = 2**63 - 1


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_NUMBER:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 1 to {MAX_NUMBER}: {value!r}"
        )
    return number


def _check_usage(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse combinations of options that make no sense (exit 2, like any bad usage)."""
    since, until = getattr(args, "since", None), getattr(args, "until", None)
    if since is not None and until is not None and until < since:
        parser.error(
            f"--until {until.isoformat()} is before --since {since.isoformat()}: "
            "nothing could be taken"
        )
    if args.command == "backfill":
        sources = [bool(since), bool(args.jsonl), bool(args.warc)]
        if sum(sources) != 1:
            parser.error("backfill needs one of --since DATE, --jsonl FILE... or --warc FILE...")
        if until is not None and since is None:
            parser.error("--until needs --since")
    if args.command == "serve" and args.format != "text":
        parser.error(
            f"serve writes one text line per tick; --format {args.format} is for commands "
            "with one result (`newsmon status --format json` tells the served state)"
        )


# --- output --------------------------------------------------------------------------------


class StdoutClosed(Exception):
    """The reader of standard output went away (a closed pipe)."""


class StdoutFailed(Exception):
    """Standard output refused a write (a full disk, a file size limit, an I/O error)."""


def _out(text: str) -> None:
    """Write a result to standard output."""
    try:
        sys.stdout.write(text)
    except BrokenPipeError as exc:
        raise StdoutClosed from exc
    except OSError as exc:
        raise StdoutFailed(f"standard output: cannot write: {exc.strerror or exc}") from exc


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError as exc:
        raise StdoutClosed from exc
    except OSError as exc:
        raise StdoutFailed(f"standard output: cannot write: {exc.strerror or exc}") from exc


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is not a file (tests); nothing to do
        pass


class _Stderr(logging.Handler):
    """Diagnostics on standard error as `newsmon: message` (whatever sys.stderr is now)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(f"newsmon: {self.format(record)}", file=sys.stderr, flush=True)
        except (OSError, ValueError):
            self.handleError(record)


def _log_to_stderr() -> None:
    """Libraries log; the CLI shows their warnings (and its own progress lines) on stderr."""
    if not any(isinstance(h, _Stderr) for h in LOGGER.handlers):
        LOGGER.addHandler(_Stderr())
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False


def _fail(message: str) -> None:
    print(f"newsmon: error: {message}", file=sys.stderr, flush=True)


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """Print a result: JSON (one document), JSON lines, or text for people."""
    if args.format == "json":
        _out(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    elif args.format == "jsonl":
        rows = data if isinstance(data, list) else [data]
        for row in rows:
            _out(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    else:
        _out(text + "\n")


# --- helpers --------------------------------------------------------------------------------


def _db_path(args: argparse.Namespace, settings: Settings) -> str:
    return str(Path(args.db or settings.store.path))


def _open_existing(args: argparse.Namespace, settings: Settings) -> Any:
    path = _db_path(args, settings)
    if not Path(path).exists():
        raise NewsmonError(f"{path}: no database yet (run `newsmon run` first, or pass --db)")
    return store.open_db(path, busy_timeout_s=settings.store.busy_timeout_s)


def _prefect_environment(settings: Settings) -> None:
    """Prefect's home apart from ours, and no telemetry from the temporary server `run` starts."""
    if "PREFECT_HOME" not in os.environ:
        home = Path(settings.serve.prefect_home).resolve()
        home.mkdir(parents=True, exist_ok=True)
        os.environ["PREFECT_HOME"] = str(home)
    # Offline, telemetry only fails (an ERROR line and a traceback per run); it is ours to
    # switch off, yours to switch on by setting the variable.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Prefect waits 20 s for it; a busy machine needs longer (serve waits 90 s for its own).
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def _run_pipeline(
    args: argparse.Namespace, settings: Settings, clock: Clock, **kwargs: Any
) -> dict[str, Any]:
    db_path = _db_path(args, settings)
    with terminal.progress_display() as progress:
        if getattr(args, "no_prefect", False):
            from newsmon.pipeline.tick import run_tick

            report = asyncio.run(
                run_tick(settings, clock=clock, db_path=db_path, progress=progress, **kwargs)
            )
            return asdict(report)
        _prefect_environment(settings)
        from flows.ingest import run_ingest

        params = {
            key: (value.isoformat() if isinstance(value, datetime) else value)
            for key, value in kwargs.items()
        }
        # The flow rebuilds the clock from --now: fixed at T for a replay, else the wall clock.
        return run_ingest(
            config_dir=str(Path(args.config).resolve()),
            db_path=str(Path(db_path).resolve()),
            now=args.now.isoformat() if getattr(args, "now", None) else None,
            progress=progress,
            **params,
        )


def _tick_exit(report: dict[str, Any]) -> int:
    """Exit status of an ingest pass: sources that could not be polled are its failures."""
    polled, failed = report["sources_polled"], report.get("sources_failed", 0)
    if not failed:
        return ExitCode.OK
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(report.get("errors", {}).items()))
    if failed == polled:
        _fail(
            f"every source failed: none of the {polled} polled could be read ({reasons}); "
            "see `newsmon status` for each source's last error"
        )
        return ExitCode.ERROR
    LOGGER.warning(
        "%d of %d sources could not be polled (%s); see `newsmon status`", failed, polled, reasons
    )
    return ExitCode.PARTIAL


# --- commands -------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    if not settings.sources:
        raise NewsmonError(f"{Path(args.config) / 'sources.toml'}: no sources configured")
    report = _run_pipeline(args, settings, clock, force=args.force, source_ids=args.sources)
    _emit(args, report, terminal.render_tick_report(report))
    return _tick_exit(report)


def cmd_serve(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from flows.serve import serve

    def announce(line: str) -> None:
        _out(line + "\n")
        _flush_stdout()

    serve(
        settings,
        str(Path(args.config).resolve()),
        str(Path(_db_path(args, settings)).resolve()),
        announce=announce,
        describe_tick=terminal.render_tick_line,
    )
    return ExitCode.OK


def cmd_backfill(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    source = (args.sources or [None])[0]
    if args.warc or args.jsonl:
        from newsmon.pipeline.backfill import import_jsonl, import_warc

        db = store.open_db(_db_path(args, settings), busy_timeout_s=settings.store.busy_timeout_s)
        try:
            with terminal.progress_display() as progress:
                if args.warc:
                    totals = import_warc(
                        db, args.warc, settings, clock=clock, source_id=source, progress=progress
                    )
                else:
                    totals = import_jsonl(
                        db,
                        args.jsonl,
                        clock=clock,
                        default_source=source,
                        max_line_bytes=settings.fetch.max_bytes,  # a line is one article
                        progress=progress,
                    )
        finally:
            db.close()
        _emit(args, totals, terminal.render_totals(totals))
        return _warc_exit(totals, len(args.warc)) if args.warc else _jsonl_exit(totals)
    report = _run_pipeline(
        args,
        settings,
        clock,
        since=args.since,
        until=args.until,
        source_ids=args.sources,
        kind="backfill",
    )
    _emit(args, report, terminal.render_tick_report(report))
    return _tick_exit(report)


def _jsonl_exit(totals: dict[str, int]) -> int:
    lines, bad = totals.get("lines", 0), totals.get("bad_lines", 0)
    if not bad:
        return ExitCode.OK
    if bad == lines:
        _fail(f"no line could be imported: all {lines} were rejected (each is named above)")
        return ExitCode.ERROR
    LOGGER.warning("%d of %d lines were rejected (each is named above)", bad, lines)
    return ExitCode.PARTIAL


def _warc_exit(totals: dict[str, int], files: int) -> int:
    damaged, truncated = totals.get("damaged_files", 0), totals.get("truncated", 0)
    if not damaged and not truncated:
        return ExitCode.OK
    if damaged == files and not totals.get("records", 0):
        _fail(f"no archive could be read: all {files} are damaged (each is named above)")
        return ExitCode.ERROR
    LOGGER.warning(
        "%d damaged file(s) and %d truncated record(s) (each is named above); the rest is stored",
        damaged,
        truncated,
    )
    return ExitCode.PARTIAL


def cmd_reprocess(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from newsmon.pipeline.backfill import reprocess

    db = _open_existing(args, settings)
    try:
        with terminal.progress_display() as progress:
            totals = reprocess(db, settings, progress=progress)
    finally:
        db.close()
    _emit(args, totals, terminal.render_totals(totals))
    if totals.get("failed"):
        LOGGER.warning(
            "%d of %d versions could not be cleaned again (each is named above); "
            "their stored text is kept",
            totals["failed"],
            totals["versions"],
        )
        return ExitCode.PARTIAL
    return ExitCode.OK


def cmd_extract(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from newsmon.ingest.clean import extract_article

    path = Path(args.page)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise NewsmonError(f"{path}: cannot read: {exc.strerror}") from exc
    article = extract_article(raw, args.url, min_chars=0)
    least = settings.clean.min_text_chars
    if article is None:
        LOGGER.warning("%s: no article: the cleaner found no text in it", path)
    elif len(article.text) < least:
        LOGGER.warning(
            "%s: no article: its text is %d characters, fewer than clean.min_text_chars (%d)",
            path,
            len(article.text),
            least,
        )
        article = None
    if article is not None and article.lang is None:
        # The page declares none: say the one its text is written in, as the pipeline does.
        from newsmon.facts import detect_language

        article.lang = detect_language(article.text, _lexicons(args))
    data = asdict(article) if article else None
    _out(json.dumps(data, indent=None if args.format == "jsonl" else 2, ensure_ascii=False) + "\n")
    return ExitCode.OK if article else ExitCode.NO_ARTICLE


def cmd_status(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    db = _open_existing(args, settings)
    try:
        data = store.runs.status_summary(db)
    finally:
        db.close()
    _emit(args, data, terminal.render_status(data, terminal.output_width()))
    return ExitCode.OK


def cmd_articles(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    db = _open_existing(args, settings)
    try:
        rows = store.articles.list_articles(
            db, source_id=args.source, status=args.status, limit=args.limit
        )
    finally:
        db.close()
    _emit(args, rows, terminal.render_articles(rows, terminal.output_width()))
    return ExitCode.OK


def cmd_article(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    db = _open_existing(args, settings)
    try:
        article = store.articles.article_by_url_or_id(db, args.key)
        if article is None:
            raise NewsmonError(f"no article with id or URL {args.key!r}")
        versions = store.articles.versions(db, article["id"])
        fetches = store.articles.recent_fetches(db, article["id"])
    finally:
        db.close()
    by_seq = {v["seq"]: v for v in versions}
    pair: tuple[dict[str, Any], dict[str, Any]] | None = None
    if args.diff:
        missing = [n for n in args.diff if n not in by_seq]
        if missing:
            raise NewsmonError(
                f"article {article['id']} has no version {missing[0]} (has 1..{len(versions)})"
            )
        pair = by_seq[args.diff[0]], by_seq[args.diff[1]]
    elif len(versions) >= 2:
        pair = versions[-2], versions[-1]
    diff_data = diff_text = summary = None
    if pair is not None:
        a, b = pair
        diff = diff_texts(a["text"], b["text"], a["title"], b["title"])
        diff_data = {"from": a["seq"], "to": b["seq"], **diff.to_dict()}
        diff_text = render_text(diff, color=sys.stdout.isatty())
        summary = (a["seq"], b["seq"], diff_data["summary"])
    data = {
        "article": article,
        "versions": [
            {k: v for k, v in ver.items() if k != "text" or args.text} for ver in versions
        ],
        "diff": diff_data,
        "recent_fetches": fetches,
    }
    text = terminal.render_article(
        article,
        versions,
        fetches,
        diff_text,
        summary,
        full_text=args.text,
        width=terminal.output_width(),
    )
    _emit(args, data, text)
    return ExitCode.OK


def _lexicons(args: argparse.Namespace) -> Any:
    from newsmon.facts import load_lexicons

    folder = Path(args.config) / "lexicons"
    return load_lexicons(folder if folder.is_dir() else None)


def cmd_facts(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from newsmon.facts import facts_record
    from newsmon.ingest.jsonl import LineError, facts_input, parse_object, read_lines

    lexicons = _lexicons(args)
    name = "<stdin>" if args.input == "-" else args.input
    try:
        handle = sys.stdin.buffer if args.input == "-" else open(args.input, "rb")  # noqa: SIM115
    except OSError as exc:
        raise NewsmonError(f"{args.input}: cannot read: {exc.strerror}") from exc
    counts = {"lines": 0, "bad_lines": 0}

    def answers() -> Iterator[dict[str, Any]]:
        for number, line in read_lines(handle, settings.fetch.max_bytes):
            counts["lines"] += 1
            try:
                if isinstance(line, LineError):
                    raise line
                identifier, text, lang = facts_input(parse_object(line))
                yield facts_record(identifier, text, lang, lexicons)
            except LineError as exc:
                counts["bad_lines"] += 1
                LOGGER.warning("%s:%d: skipped: %s", name, number, exc)
            except Exception as exc:  # one line never stops the others
                counts["bad_lines"] += 1
                LOGGER.warning(
                    "%s:%d: skipped: %s: %s: %s",
                    name,
                    number,
                    Reason.INTERNAL_ERROR,
                    type(exc).__name__,
                    exc,
                )

    try:
        # JSON lines out (text and jsonl), or one JSON array with --format json.
        for chunk in json_chunks(answers(), args.format):
            _out(chunk)
            if handle is sys.stdin.buffer:
                _flush_stdout()  # a line in, a line out: pipelines see each answer at once
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()
    return _jsonl_exit(counts)


def cmd_stories(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from newsmon.store.stories import StoryStore
    from newsmon.stories.read import list_stories

    db = _open_existing(args, settings)
    try:
        rows = list_stories(
            StoryStore(db), limit=args.limit, active_only=args.active, now=clock.now()
        )
    finally:
        db.close()
    _emit(args, rows, terminal.render_story_list(rows, terminal.output_width()))
    return ExitCode.OK


def cmd_story(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from newsmon.core.settings import parse_duration
    from newsmon.facts.timeline import story_timeline
    from newsmon.store.stories import StoryStore
    from newsmon.stories.read import story_detail

    db = _open_existing(args, settings)
    try:
        in_range = 1 <= args.story_id <= MAX_NUMBER  # no story has an id SQLite cannot hold
        detail = story_detail(StoryStore(db), args.story_id, now=clock.now()) if in_range else None
        if detail is None:
            raise NewsmonError(f"no story with id {args.story_id}")
        timeline = story_timeline(
            store.claims.StoryFactsReader(db),
            args.story_id,
            disagreement_window_s=parse_duration(settings.report.disagreement_window),
        )
    finally:
        db.close()
    width = terminal.output_width()
    text = terminal.render_story(detail, width)
    if timeline is not None:
        text += "\n\n" + terminal.render_story_timeline(timeline, width, title=False)
    _emit(args, {"story": detail, "timeline": timeline}, text)
    return ExitCode.OK


def cmd_report(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from newsmon.core.settings import parse_duration
    from newsmon.present.report import build_report

    db = _open_existing(args, settings)
    try:
        page = build_report(
            db,
            stories=args.stories or settings.report.stories,
            disagreement_window_s=parse_duration(settings.report.disagreement_window),
            now=clock.now(),
        )
    finally:
        db.close()
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise NewsmonError(f"{out}: cannot write: {exc.strerror}") from exc
    _emit(args, {"out": str(out), "bytes": len(page.encode())}, f"report written to {out}")
    return ExitCode.OK


def cmd_alerts(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from newsmon.pipeline.alerts import deliver_alerts

    db = _open_existing(args, settings)
    try:
        delivery = deliver_alerts(db, settings.alerts, clock) if args.deliver else None
        rows = store.alerts.alert_rows(db, limit=args.limit)
    finally:
        db.close()
    webhooks = settings.alerts.webhooks
    for row in rows:
        row["state"], row["reason"] = terminal.alert_state(row, webhooks)
    text = terminal.render_alerts(rows, webhooks, delivery, terminal.output_width())
    _emit(args, {"alerts": rows, "delivery": delivery}, text)
    if delivery and delivery.get("failed"):
        LOGGER.warning(
            "%d alert(s) could not be delivered; they are retried on the next tick",
            delivery["failed"],
        )
        return ExitCode.PARTIAL
    return ExitCode.OK


def cmd_export(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    db = _open_existing(args, settings)
    try:
        if args.out:
            try:
                with open(args.out, "w", encoding="utf-8") as handle:
                    for chunk in json_chunks(export_rows(db), args.format):
                        handle.write(chunk)
            except OSError as exc:
                raise NewsmonError(f"{args.out}: cannot write: {exc.strerror}") from exc
        else:
            for chunk in json_chunks(export_rows(db), args.format):
                _out(chunk)
    finally:
        db.close()
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
