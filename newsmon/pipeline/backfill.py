"""Backfills that do not poll: JSON-lines imports and re-extraction from stored raw HTML.

Problems with single inputs (a bad line, a damaged archive) are logged as warnings naming
the file (and line) and counted in the totals returned; the CLI decides what to show.
"""

from __future__ import annotations

import asyncio
import logging
import os
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from newsmon import store
from newsmon.core.clock import Clock
from newsmon.core.errors import NewsmonError, ParseError, Reason, StoreError
from newsmon.core.records import Article, Outcome, PageOutcome, Target
from newsmon.core.settings import Settings, url_problem
from newsmon.core.urls import canonical_url
from newsmon.ingest.clean import CleanPool
from newsmon.ingest.jsonl import (
    DEFAULT_MAX_LINE_BYTES,
    ImportedArticle,
    LineError,
    imported_article,
    parse_object,
    read_lines,
)
from newsmon.pipeline.article import rederive_ahead, rederive_version, store_outcome
from newsmon.pipeline.tick import Progress

LOGGER = logging.getLogger(__name__)
IMPORT_SOURCE = "import"


def import_jsonl(
    db: sqlite_utils.Database,
    paths: Iterable[str | Path],
    *,
    clock: Clock,
    default_source: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Import articles given as JSON lines; one bad line is reported (file:line) and skipped.

    A line without a publication date is stamped with ``clock``. A URL given on several lines
    of one import is imported once, from its last line (files in the order given): the
    earlier lines are reported as superseded, so re-importing the same files changes nothing.
    ``progress`` hears ("import FILE", lines done, lines in the file).
    """
    settings = Settings()
    files = [str(path) for path in paths]
    totals = {"lines": 0, "new_version": 0, "unchanged": 0, "bad_lines": 0, "superseded": 0}
    last: dict[str, tuple[str, int]] = {}
    sizes = dict.fromkeys(files, 0)
    stored = 0
    for path in files:  # first pass: where each URL is given last
        for number, article in _jsonl_articles(path, max_line_bytes):
            sizes[path] += 1
            if not isinstance(article, LineError):
                last[article.url] = (path, number)
    for path in files:
        stage = f"import {Path(path).name}"
        if progress:
            progress(stage, 0, sizes[path])
        for done, (number, article) in enumerate(_jsonl_articles(path, max_line_bytes), 1):
            totals["lines"] += 1
            if progress:
                progress(stage, done, sizes[path])
            if isinstance(article, LineError):
                totals["bad_lines"] += 1
                LOGGER.warning("%s:%d: skipped: %s", path, number, article)
                continue
            where = last.get(article.url)
            if where is not None and where != (path, number):
                totals["superseded"] += 1
                LOGGER.warning(
                    "%s:%d: skipped: %s: %s is given again at %s:%d, and the last line wins",
                    path,
                    number,
                    Reason.DUPLICATE_URL,
                    article.url,
                    *where,
                )
                continue
            outcome = _outcome_from_article(article, default_source, clock.now())
            try:
                result = store_outcome(db, settings, outcome, None, imported=True)
            except StoreError as exc:  # the store refuses (full, locked): the import stops here
                raise StoreError(
                    f"{exc} (the import stopped at {path}:{number}; "
                    f"the {stored} lines stored before it are kept)"
                ) from exc
            stored += 1
            totals[result] = totals.get(result, 0) + 1
    return totals


def _jsonl_articles(
    path: str, max_line_bytes: int
) -> Iterator[tuple[int, ImportedArticle | LineError]]:
    """Yield each non-blank line of a JSON-lines file as a checked article or its error."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise NewsmonError(f"{path}: cannot read: {exc.strerror}") from exc
    with handle:
        for number, line in read_lines(handle, max_line_bytes):
            if isinstance(line, LineError):
                yield number, line
                continue
            try:
                yield number, imported_article(parse_object(line))
            except LineError as exc:
                yield number, exc


def _size(handle: Any) -> int:
    try:
        return os.fstat(handle.fileno()).st_size
    except (OSError, ValueError):
        return 0


def import_warc(
    db: sqlite_utils.Database,
    paths: Iterable[str | Path],
    settings: Settings,
    *,
    clock: Clock,
    source_id: str | None = None,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Import HTML responses from WARC/ARC files as article versions (idempotent).

    A corrupt or truncated file is reported with its name and the records read so far;
    the records before the damage are kept and the next file is read. Pages are cleaned by
    the same bounded workers as live pages (CleanPool: a time limit per page, a process that
    is killed when a parse will not return); a page that fails is recorded with its reason.
    ``progress`` hears ("read FILE", bytes read, file size).
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    damage = (ArchiveLoadFailed, *WARC_DAMAGE)
    cap = max_bytes or settings.fetch.max_bytes
    totals = {
        "records": 0,
        "html": 0,
        "new_version": 0,
        "unchanged": 0,
        "not_article": 0,
        "failed": 0,
        "skipped": 0,
        "truncated": 0,
        "damaged_files": 0,
    }
    with CleanPool(
        settings.clean.workers, settings.clean.timeout_s, settings.clean.min_text_chars
    ) as pool:
        for path in paths:
            try:
                handle = open(path, "rb")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise NewsmonError(f"{path}: cannot read: {exc.strerror}") from exc
            with handle:
                problem = _archive_start_problem(handle)
                if problem:
                    totals["damaged_files"] += 1
                    LOGGER.warning("%s: damaged: %s", path, problem)
                    continue
                size, stage = _size(handle), f"read {Path(path).name}"
                batch: list[PageOutcome] = []
                try:
                    for record in ArchiveIterator(handle, arc2warc=True):
                        totals["records"] += 1
                        if progress:
                            progress(stage, min(handle.tell(), size), size)
                        try:
                            outcome = _outcome_from_record(record, source_id, cap, clock.now())
                        except _Truncated as exc:
                            totals["truncated"] += 1
                            LOGGER.warning("%s: record for %s is truncated; skipped", path, exc)
                            continue
                        if outcome is None:
                            totals["skipped"] += 1
                            continue
                        totals["html"] += 1
                        batch.append(outcome)
                        if len(batch) >= WARC_BATCH:
                            _clean_and_store(db, settings, pool, batch, totals)
                            batch = []
                except damage as exc:
                    totals["damaged_files"] += 1
                    LOGGER.warning(
                        "%s: damaged after %d records: %s: %s",
                        path,
                        totals["records"],
                        type(exc).__name__,
                        exc,
                    )
                _clean_and_store(db, settings, pool, batch, totals)
                if progress:
                    progress(stage, size, size)
    return totals


# Records read ahead of cleaning: each holds a page of at most fetch.max_bytes.
WARC_BATCH = 8
# What warcio raises on a damaged file or record besides ArchiveLoadFailed (a 40-byte
# response record without a target URI raised AttributeError from inside its iterator):
# the rest of that file is lost, the records before it are kept.
WARC_DAMAGE: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,
    EOFError,
    AttributeError,
    TypeError,
    IndexError,
    KeyError,
    zlib.error,
)


def _clean_and_store(
    db: sqlite_utils.Database,
    settings: Settings,
    pool: CleanPool,
    batch: list[PageOutcome],
    totals: dict[str, int],
) -> None:
    """Clean a batch of archived pages in the pool, then store each in its transaction."""
    if not batch:
        return
    pages = [(o.content or b"", o.final_url or o.target.url) for o in batch]
    for outcome, (result, article, detail) in zip(
        batch, asyncio.run(pool.clean_many(pages)), strict=True
    ):
        outcome.outcome, outcome.article, outcome.detail = result, article, detail
        stored = store_outcome(db, settings, outcome, None, imported=True)
        totals[stored] = totals.get(stored, 0) + 1


class _Truncated(Exception):
    pass


def _archive_start_problem(handle: Any) -> str | None:
    """Say why a file is not a WARC or ARC file, judged by its first bytes (None if it is one).

    A WARC file opens with "WARC/1.x" and an ARC file with its "filedesc://" record, either
    of them gzip-compressed or not. warcio itself is lenient with what comes before: bytes
    prefixed to a gzip WARC can be read as one record with a binary target URI, so a damaged
    file would pass as an archive holding nothing.
    """
    head = handle.read(65536)
    handle.seek(0)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 64)
        except zlib.error as exc:
            return f"its gzip start cannot be read: {exc}"
    start = head.lstrip(b"\r\n")[:16]
    if not start or start.startswith((b"WARC/", b"filedesc://")):
        return None
    return f"not a WARC or ARC file: it starts with {start!r}"


def _outcome_from_record(
    record: Any, source_id: str | None, cap: int, now: datetime
) -> PageOutcome | None:
    """Turn one WARC response/resource record holding HTML into a PageOutcome to clean."""
    if record.rec_type not in ("response", "resource"):
        return None
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    if url_problem(url):
        return None
    if record.rec_type == "response":
        if record.http_headers is None:
            return None
        status = record.http_headers.get_statuscode()
        if not status or not status.startswith("2"):
            return None
        content_type = record.http_headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    if "html" not in content_type.lower():
        return None
    body = record.content_stream().read(cap + 1)
    if len(body) > cap:
        return None
    if getattr(record.raw_stream, "limit", 0):
        # The record ends before its declared length: a truncated capture, not an article.
        raise _Truncated(url)
    when = _when(record.rec_headers.get_header("WARC-Date")) or now
    try:
        target = Target(url=canonical_url(url), source_id=source_id or "warc")
    except ParseError:
        return None
    return PageOutcome(
        target,
        when,
        Outcome.FETCHED,  # cleaned next, in the pool
        status=200,
        final_url=url,
        content=body,
        content_type=content_type,
    )


def _outcome_from_article(
    record: ImportedArticle, default_source: str | None, now: datetime
) -> PageOutcome:
    source = record.source or default_source or IMPORT_SOURCE
    target = Target(
        url=record.url, source_id=source, published_hint=record.published, lang_hint=record.lang
    )
    article = Article(
        url=record.url,
        title=record.title,
        text=record.text,
        published=record.published.isoformat() if record.published else None,
        lang=record.lang,
        sitename=source,
    )
    return PageOutcome(target, record.published or now, Outcome.OK, article=article)


def _when(value: Any) -> datetime | None:
    """Read a WARC-Date; None when absent, unreadable or outside 1900-2200."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment if 1900 <= moment.year <= 2200 else None


def reprocess(
    db: sqlite_utils.Database, settings: Settings, *, progress: Progress | None = None
) -> dict[str, int]:
    """Re-derive every version from its stored raw HTML: text, fingerprint, diff and claims.

    Pages are cleaned by the same bounded workers as live pages (``CleanPool``: a time limit
    per page, a worker killed when a parse will not return); a page that fails keeps its
    stored text and is counted as failed. Each article's diffs and claims are computed
    before its write transaction and checked again under it (the versions read then must be
    those stored), so the write lock is held for writing only.
    ``progress`` hears ("reprocess", articles done, articles to do).
    """
    totals = {"versions": 0, "changed": 0, "failed": 0, "no_raw": 0}
    article_ids = store.articles.versioned_article_ids(db)
    if progress:
        progress("reprocess", 0, len(article_ids))
    # min_chars 0: a stored version keeps whatever text its page has, however short.
    with CleanPool(settings.clean.workers, settings.clean.timeout_s, 0) as pool:
        for start in range(0, len(article_ids), REPROCESS_BATCH):
            batch = article_ids[start : start + REPROCESS_BATCH]
            cleaned, no_raw = _clean_stored_pages(db, pool, batch)
            for done, article_id in enumerate(batch, start + 1):
                _rederive_article(db, settings, article_id, cleaned, no_raw, totals)
                if progress:
                    progress("reprocess", done, len(article_ids))
    return totals


# Articles whose stored pages are cleaned together (their raw pages are held at once).
REPROCESS_BATCH = 8


def _clean_stored_pages(
    db: sqlite_utils.Database, pool: CleanPool, article_ids: list[int]
) -> tuple[dict[int, Article | None], set[int]]:
    """Clean the stored raw page of every version of ``article_ids`` in the pool; return the
    article found per version id (None: no raw page, or the cleaner found nothing) and the
    versions that have no raw page."""
    pages: list[tuple[int, bytes, str]] = []
    found: dict[int, Article | None] = {}
    no_raw: set[int] = set()
    for article_id in article_ids:
        for version in store.articles.versions(db, article_id):
            digest = version["page_hash"]
            raw = store.articles.load_page(db, digest) if digest else None
            if raw is None:
                found[version["id"]] = None
                no_raw.add(version["id"])
            else:
                pages.append((version["id"], raw, version["url"]))
    results = asyncio.run(pool.clean_many([(raw, url) for _, raw, url in pages]))
    for (version_id, _, url), (outcome, article, detail) in zip(pages, results, strict=True):
        found[version_id] = article if outcome == Outcome.OK else None
        if outcome != Outcome.OK:
            LOGGER.warning(
                "%s (version %d): not cleaned again: %s: %s; its stored text is kept",
                url,
                version_id,
                outcome,
                detail,
            )
    return found, no_raw


def _rederive_article(
    db: sqlite_utils.Database,
    settings: Settings,
    article_id: int,
    cleaned: dict[int, Article | None],
    no_raw: set[int],
    totals: dict[str, int],
) -> None:
    """Re-derive one article's versions: computed first, written in one transaction."""
    article = store.articles.article_by_url_or_id(db, str(article_id))
    assert article is not None
    versions = store.articles.versions(db, article_id)
    ahead = []
    previous: dict[str, Any] | None = None
    for version in versions:
        page = cleaned.get(version["id"])
        derived = rederive_ahead(settings, article, version, previous, page)
        ahead.append(derived)
        previous = {**version, "title": derived.title, "text": derived.text}
    with store.write_transaction(db):
        article = store.articles.article_by_url_or_id(db, str(article_id))
        assert article is not None
        stored = store.articles.versions(db, article_id)
        if _version_keys(stored) != _version_keys(versions):
            # Another writer changed this article meanwhile: derive under the lock instead.
            versions, ahead = stored, [None] * len(stored)  # type: ignore[list-item]
        previous = None
        for version, derived in zip(versions, ahead, strict=True):
            totals["versions"] += 1
            page = cleaned.get(version["id"])
            if version["id"] in no_raw or not version["page_hash"]:
                totals["no_raw"] += 1
            elif page is None:
                totals["failed"] += 1
            if rederive_version(db, settings, article, version, previous, page, derived):
                totals["changed"] += 1
            previous = version


def _version_keys(versions: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(v["id"], v["page_hash"], v["title"], v["text"]) for v in versions]
