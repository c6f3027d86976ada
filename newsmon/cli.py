"""The newsmon command line: parses arguments, calls pipeline/store/report, prints."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsmon import __version__, store
from newsmon.core.clock import Clock, FixedClock, SystemClock
from newsmon.core.errors import NewsmonError, Reason
from newsmon.core.settings import Settings, load_settings
from newsmon.present.export import export_rows
from newsmon.versions.diff import diff_texts, render_text


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        if args.config is None:
            args.config = "config"  # the default may be missing: defaults and no sources
        elif not Path(args.config).is_dir():
            raise NewsmonError(f"{args.config}: no such config directory (--config)")
        settings = load_settings(args.config)
        when = _parse_when(getattr(args, "now", None), "--now")
        clock: Clock = FixedClock(when) if when else SystemClock()
        return int(args.handler(args, settings, clock) or 0)
    except NewsmonError as exc:
        print(f"newsmon: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsmon: interrupted", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsmon",
        description="Monitor news sources: versioned articles, stories and casualty figures.",
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
        "--now", metavar="ISO", help="pretend the clock reads this UTC time (replays, tests)"
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
    p.add_argument("--since", metavar="DATE", help="oldest publication date to take (YYYY-MM-DD)")
    p.add_argument("--until", metavar="DATE", help="newest publication date to take")
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
    p.add_argument("--status", metavar="STATUS", help="new|active|gone|failing|failed|blocked|...")
    p.add_argument("--limit", type=int, default=50)
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
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--active", action="store_true", help="only stories still in the active window")
    p.set_defaults(handler=cmd_stories)

    p = sub.add_parser("story", help="one story: members, wire groups, figure timeline, changes")
    p.add_argument("story_id", type=int, metavar="ID")
    p.set_defaults(handler=cmd_story)

    p = sub.add_parser("report", help="write a static HTML report (charts, timelines, diffs)")
    p.add_argument("--out", required=True, metavar="FILE.html")
    p.add_argument(
        "--stories", type=int, metavar="N", help="stories to include (default: [report])"
    )
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("alerts", help="recorded figure-change alerts and their delivery")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--deliver", action="store_true", help="retry undelivered alerts now")
    p.set_defaults(handler=cmd_alerts)

    p = sub.add_parser("export", help="every article with its versions as JSON lines")
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(handler=cmd_export)
    return parser


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


class _ReferenceFormatter(argparse.HelpFormatter):
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


# --- helpers --------------------------------------------------------------------------------


def _db_path(args: argparse.Namespace, settings: Settings) -> str:
    return str(Path(args.db or settings.store.path))


def _open_existing(args: argparse.Namespace, settings: Settings) -> Any:
    path = _db_path(args, settings)
    if not Path(path).exists():
        raise NewsmonError(f"{path}: no database yet (run `newsmon run` first, or pass --db)")
    return store.open_db(path, busy_timeout_s=settings.store.busy_timeout_s)


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    elif args.format == "jsonl":
        rows = data if isinstance(data, list) else [data]
        for row in rows:
            print(json.dumps(row, ensure_ascii=False, default=str))
    else:
        print(text)


def _parse_when(value: str | None, flag: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise NewsmonError(f"{flag}: not an ISO date/time: {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Progress:
    """Progress on stderr, only when it is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.enabled:
            end = "\n" if done >= total else ""
            print(f"\r{stage}: {done}/{total} URLs", end=end, file=sys.stderr, flush=True)


def _prefect_home_default(settings: Settings) -> None:
    # Prefect's own database lives apart from ours, beside it by default.
    if "PREFECT_HOME" not in os.environ:
        home = Path(settings.serve.prefect_home).resolve()
        home.mkdir(parents=True, exist_ok=True)
        os.environ["PREFECT_HOME"] = str(home)


def _run_pipeline(
    args: argparse.Namespace, settings: Settings, clock: Clock, **kwargs: Any
) -> dict[str, Any]:
    db_path = _db_path(args, settings)
    if getattr(args, "no_prefect", False):
        from newsmon.pipeline.tick import run_tick

        report = asyncio.run(
            run_tick(settings, clock=clock, db_path=db_path, progress=_Progress(), **kwargs)
        )
        return asdict(report)
    _prefect_home_default(settings)
    from flows.ingest import run_ingest

    params = {
        key: (value.isoformat() if isinstance(value, datetime) else value)
        for key, value in kwargs.items()
    }
    # The flow rebuilds the clock from --now: fixed at T for a replay, else the wall clock.
    return run_ingest(
        config_dir=str(Path(args.config).resolve()),
        db_path=str(Path(db_path).resolve()),
        now=args.now,
        **params,
    )


def _report_text(report: dict[str, Any]) -> str:
    errors = ", ".join(f"{k} {v}" for k, v in sorted(report.get("errors", {}).items()))
    return (
        f"run {report.get('run_id')}: {report['sources_polled']} sources polled "
        f"({report['feeds_ok']} feeds ok, {report['feeds_failed']} failed), "
        f"{report['new_articles']} new URLs, {report['fetched']} pages downloaded, "
        f"{report['not_modified']} not modified, {report['new_versions']} new versions, "
        f"{report['unchanged']} unchanged, {report['gone']} gone, {report['failed']} failed"
        + (f"\nerrors: {errors}" if errors else "")
    )


# --- commands -------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    if not settings.sources:
        raise NewsmonError(f"{Path(args.config) / 'sources.toml'}: no sources configured")
    report = _run_pipeline(args, settings, clock, force=args.force, source_ids=args.sources)
    _emit(args, report, _report_text(report))
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from flows.serve import serve

    serve(settings, str(Path(args.config).resolve()), str(Path(_db_path(args, settings)).resolve()))
    return 0


def cmd_backfill(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    if args.warc:
        from newsmon.pipeline.backfill import import_warc

        db = store.open_db(_db_path(args, settings))
        try:
            totals = import_warc(
                db, args.warc, settings, clock=clock, source_id=(args.sources or [None])[0]
            )
        finally:
            db.close()
        _emit(args, totals, ", ".join(f"{k}: {v}" for k, v in totals.items()))
        return 0
    if args.jsonl:
        from newsmon.pipeline.backfill import import_jsonl

        db = store.open_db(_db_path(args, settings))
        try:
            totals = import_jsonl(
                db,
                args.jsonl,
                clock=clock,
                default_source=(args.sources or [None])[0],
                max_line_bytes=settings.fetch.max_bytes,  # a line is one article
            )
        finally:
            db.close()
        _emit(args, totals, ", ".join(f"{k}: {v}" for k, v in totals.items()))
        return 0
    since = _parse_when(args.since, "--since")
    if since is None:
        raise NewsmonError("backfill needs --since DATE, --jsonl FILE... or --warc FILE...")
    report = _run_pipeline(
        args,
        settings,
        clock,
        since=since,
        until=_parse_when(args.until, "--until"),
        source_ids=args.sources,
        kind="backfill",
    )
    _emit(args, report, _report_text(report))
    return 0


def cmd_reprocess(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from newsmon.pipeline.backfill import reprocess

    db = _open_existing(args, settings)
    try:
        totals = reprocess(db, settings)
    finally:
        db.close()
    _emit(args, totals, ", ".join(f"{k}: {v}" for k, v in totals.items()))
    return 0


def cmd_extract(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from newsmon.ingest.clean import extract_article

    path = Path(args.page)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise NewsmonError(f"{path}: cannot read: {exc.strerror}") from exc
    article = extract_article(raw, args.url, min_chars=0)
    data = asdict(article) if article else None
    print(json.dumps(data, indent=None if args.format == "jsonl" else 2, ensure_ascii=False))
    return 0 if article else 3


def cmd_status(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    db = _open_existing(args, settings)
    try:
        data = store.runs.status_summary(db)
    finally:
        db.close()
    lines = ["sources:"]
    for s in data["sources"]:
        health = "ok" if not s["consecutive_failures"] else f"FAILING x{s['consecutive_failures']}"
        lines.append(
            f"  {s['id']:<20} {health:<12} articles {s['articles']:>6}  "
            f"last poll {s['last_polled_at'] or '-'}  next {s['next_poll_at'] or '-'}"
        )
        if s["last_error"]:
            lines.append(f"      last error: {s['last_error']}")
    lines.append("counts: " + ", ".join(f"{k} {v}" for k, v in data["counts"].items()))
    lines.append(
        "articles by status: "
        + ", ".join(f"{k} {v}" for k, v in data["articles_by_status"].items())
    )
    lines.append("last runs:")
    for run in data["runs"]:
        lines.append(
            f"  #{run['id']:<5} {run['kind']:<9} {run['status']:<8} {run['started_at']} → "
            f"{run['finished_at'] or '…'}"
        )
    _emit(args, data, "\n".join(lines))
    return 0


def cmd_articles(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    db = _open_existing(args, settings)
    try:
        rows = store.articles.list_articles(
            db, source_id=args.source, status=args.status, limit=args.limit
        )
    finally:
        db.close()
    text = "\n".join(
        f"{r['id']:>6} {r['source_id']:<16} {r['status']:<11} v{r['versions_count']:<3} "
        f"{(r['title'] or '')[:60]:<60} {r['url']}"
        for r in rows
    )
    _emit(args, rows, text or "(no articles)")
    return 0


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
    diff_data = None
    if args.diff:
        missing = [n for n in args.diff if n not in by_seq]
        if missing:
            raise NewsmonError(
                f"article {article['id']} has no version {missing[0]} (has 1..{len(versions)})"
            )
        a, b = by_seq[args.diff[0]], by_seq[args.diff[1]]
    elif len(versions) >= 2:
        a, b = versions[-2], versions[-1]
    else:
        a = b = None  # type: ignore[assignment]  # one version: nothing to compare
    if a is not None and b is not None:
        diff = diff_texts(a["text"], b["text"], a["title"], b["title"])
        diff_data = {"from": a["seq"], "to": b["seq"], **diff.to_dict()}
    data = {
        "article": article,
        "versions": [
            {k: v for k, v in ver.items() if k != "text" or args.text} for ver in versions
        ],
        "diff": diff_data,
        "recent_fetches": fetches,
    }
    lines = [
        f"article {article['id']}  [{article['status']}]  {article['url']}",
        f"source {article['source_id']}  first seen {article['first_seen']}  "
        f"published {article['published'] or '-'}",
        f"versions ({len(versions)}):",
    ]
    for ver in versions:
        lines.append(
            f"  v{ver['seq']}  {ver['fetched_at']}  {len(ver['text']):>6} chars  "
            f"{ver['title'] or ''}"
        )
    if diff_data is not None and a is not None and b is not None:
        lines.append(f"diff v{a['seq']} → v{b['seq']}: {diff_data['summary']}")
        lines.append(render_text(diff, color=sys.stdout.isatty()))
    if args.text and versions:
        lines.append("")
        lines.append(versions[-1]["text"])
    if fetches:
        lines.append("recent fetches:")
        for f in fetches:
            lines.append(
                f"  {f['fetched_at']}  {f['outcome']:<13} {f['status'] or '':<4} "
                f"{f['detail'] or ''}"
            )
    _emit(args, data, "\n".join(lines))
    return 0


def cmd_facts(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from newsmon.facts import facts_record, load_lexicons

    folder = Path(args.config) / "lexicons"
    lexicons = load_lexicons(folder if folder.is_dir() else None)
    from newsmon.ingest.jsonl import LineError, facts_input, parse_object, read_lines

    name = "<stdin>" if args.input == "-" else args.input
    try:
        handle = sys.stdin.buffer if args.input == "-" else open(args.input, "rb")  # noqa: SIM115
    except OSError as exc:
        raise NewsmonError(f"{args.input}: cannot read: {exc.strerror}") from exc
    bad = 0
    try:
        for number, line in read_lines(handle, settings.fetch.max_bytes):
            try:
                if isinstance(line, LineError):
                    raise line
                identifier, text, lang = facts_input(parse_object(line))
                out = facts_record(identifier, text, lang, lexicons)
            except LineError as exc:
                bad += 1
                print(f"newsmon: {name}:{number}: skipped: {exc}", file=sys.stderr)
                continue
            except Exception as exc:  # one line never stops the others
                bad += 1
                print(
                    f"newsmon: {name}:{number}: skipped: {Reason.INTERNAL_ERROR}:"
                    f" {type(exc).__name__}: {exc}",
                    file=sys.stderr,
                )
                continue
            print(json.dumps(out, ensure_ascii=False), flush=False)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()
    return 1 if bad else 0


def cmd_stories(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from newsmon.store.stories import StoryStore
    from newsmon.stories.read import list_stories, render_story_list

    db = _open_existing(args, settings)
    try:
        rows = list_stories(
            StoryStore(db), limit=args.limit, active_only=args.active, now=clock.now()
        )
    finally:
        db.close()
    _emit(args, rows, render_story_list(rows) if rows else "(no stories)")
    return 0


def cmd_story(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from newsmon.core.settings import parse_duration
    from newsmon.facts.timeline import render_story_timeline, story_timeline
    from newsmon.store.stories import StoryStore
    from newsmon.stories.read import render_story, story_detail

    db = _open_existing(args, settings)
    try:
        detail = story_detail(StoryStore(db), args.story_id, now=clock.now())
        if detail is None:
            raise NewsmonError(f"no story with id {args.story_id}")
        timeline = story_timeline(
            store.claims.StoryFactsReader(db),
            args.story_id,
            disagreement_window_s=parse_duration(settings.report.disagreement_window),
        )
    finally:
        db.close()
    text = render_story(detail)
    if timeline is not None:
        text += "\n\n" + render_story_timeline(timeline)
    _emit(args, {"story": detail, "timeline": timeline}, text)
    return 0


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
    return 0


def cmd_alerts(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    from newsmon.pipeline.alerts import deliver_alerts

    db = _open_existing(args, settings)
    try:
        delivery = deliver_alerts(db, settings.alerts, clock) if args.deliver else None
        rows = store.alerts.alert_rows(db, limit=args.limit)
    finally:
        db.close()
    lines = [
        f"#{r['id']:<5} story {r['story_id']:<5} {r['kind']:<10} "
        f"{'delivered ' + r['delivered_at'] if r.get('delivered_at') else 'pending'}  {r['key']}"
        for r in rows
    ]
    if delivery is not None:
        lines.append("delivery: " + ", ".join(f"{k} {v}" for k, v in delivery.items()))
    _emit(args, {"alerts": rows, "delivery": delivery}, "\n".join(lines) or "(no alerts)")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    if args.format == "text":
        args.format = "jsonl"
    if args.format != "jsonl":
        raise NewsmonError("export supports --format jsonl")
    db = _open_existing(args, settings)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    try:
        for row in export_rows(db):
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    finally:
        db.close()
        if args.out:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
