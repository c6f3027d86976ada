"""Turn raw HTML into an Article: the only module that imports trafilatura.

Cleaning is CPU-bound and runs in a process pool (`CleanPool`) inside a fetch batch. Each
page is bounded in time twice: a soft timer inside the worker, and a hard deadline in the
parent that kills and replaces the pool when a C-level parse will not return.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import os
import re
import select
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

import trafilatura
import trafilatura.settings

from newsmon.core.errors import ExtractError
from newsmon.core.languages import language_tag
from newsmon.core.records import Article

# trafilatura refuses to parse beyond this tree size and returns None instead of hanging.
MAX_TREE_SIZE = 200_000
_CONFIG = trafilatura.settings.use_config()
_CONFIG.set("DEFAULT", "MAX_TREE_SIZE", str(MAX_TREE_SIZE))

# Worker address-space cap: a pathological page fails with MemoryError, not an OOM kill.
WORKER_MEMORY_BYTES = 2 * 1024**3


def extract_article(
    html: bytes | str, url: str | None = None, *, min_chars: int = 200
) -> Article | None:
    """Return the cleaned article of a page, or None when the page holds no article text."""
    if isinstance(html, bytes):
        html = _decode(html)
    if "\x00" in html:
        html = html.replace("\x00", "")
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            deduplicate=False,  # stateful across calls in one process: results would vary
            # Dates from the page's own statements (meta tags, structured data, <time>, its
            # URL); the extensive search reads any year in the text, a copyright line's
            # included ("© 1998" made a product page 1998-01-01).
            date_extraction_params={"original_date": True, "extensive_search": False},
            config=_CONFIG,
        )
    except (ValueError, TypeError, RecursionError, MemoryError) as exc:
        raise ExtractError(url or "", "extract_failed", f"{type(exc).__name__}: {exc}") from exc
    if doc is None:
        return None
    data = doc if isinstance(doc, dict) else doc.as_dict()
    text = (data.get("text") or "").strip()
    if len(text) < min_chars:
        return None
    return Article(
        url=url or data.get("url") or "",
        title=_clean_meta(data.get("title")),
        text=text,
        author=_authors(data.get("author")),
        published=_clean_meta(data.get("date")),
        sitename=_clean_meta(data.get("sitename")),
        lang=_clean_meta(data.get("language")) or page_language(html),
        description=_clean_meta(data.get("description")),
    )


_HTML_LANG = re.compile(
    r"<html\b[^>]*?\blang\s*=\s*[\"']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)", re.I
)
_META_LANG = re.compile(
    r"<meta\b[^>]*?(?:http-equiv\s*=\s*[\"']?content-language|property\s*=\s*[\"']?og:locale)"
    r"[^>]*?\bcontent\s*=\s*[\"']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)",
    re.I,
)


def page_language(html: str) -> str | None:
    """Return the language a page declares (<html lang>, content-language, og:locale)."""
    head = html[:20_000]  # the declarations sit in the first bytes of the page
    found = _HTML_LANG.search(head) or _META_LANG.search(head)
    return language_tag(found.group(1)) if found else None


def _authors(value: object) -> str | None:
    """Return the authors once each: trafilatura joins its sources' spellings with "; "."""
    text = _clean_meta(value)
    if text is None:
        return None
    seen: dict[str, str] = {}
    for name in text.split(";"):
        name = " ".join(name.split())
        key = name.casefold()
        if name and (key not in seen or (seen[key].isupper() and not name.isupper())):
            seen[key] = name  # "Jeffrey Gettleman" rather than "JEFFREY GETTLEMAN"
    return "; ".join(seen.values()) or None


def _clean_meta(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _decode(raw: bytes) -> str:
    """Decode page bytes: declared/BOM charset via trafilatura, invalid bytes replaced."""
    try:
        from trafilatura.utils import decode_file

        return str(decode_file(raw))
    except (UnicodeError, LookupError, ValueError):
        return raw.decode("utf-8", errors="replace")


# --- the pool -------------------------------------------------------------------------------


class _SoftTimeout(BaseException):
    """The per-page timer fired (a BaseException: trafilatura catches Exception internally)."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _SoftTimeout


def _worker_init(owner_pid: int | None = None) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
    except (ImportError, ValueError, OSError):  # not on this platform; the hard deadline remains
        pass
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    if owner_pid is not None:
        threading.Thread(target=_exit_with, args=(owner_pid,), daemon=True).start()


def _exit_with(pid: int) -> None:
    """End this worker as soon as process ``pid`` (the pool's owner) has died."""
    # A worker waits on a queue whose write end it holds itself, and keeps the forkserver
    # alive: without this, a SIGKILLed ingest leaves both running for ever.
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # no pidfd (not Linux 5.3+): poll instead
        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass
    select.select([handle], [], [])
    os._exit(1)


def run_bounded(work: Callable[[], tuple[str, Any, str]], timeout_s: float) -> tuple[str, Any, str]:
    """Run ``work`` under the per-page soft timer; return its (outcome, payload, detail).

    A timer that fires, an ExtractError or a MemoryError becomes that page's outcome, so a
    worker's whole per-page path (extraction and whatever follows it) shares one budget.
    """
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        return work()
    except _SoftTimeout:
        return "timeout", None, f"cleaning took more than {timeout_s:g}s"
    except ExtractError as exc:
        return exc.reason, None, exc.detail
    except MemoryError:
        return "too_large", None, "cleaning ran out of memory"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def extract_in_worker(
    html: bytes, url: str, min_chars: int, timeout_s: float
) -> tuple[str, dict[str, Any] | None, str]:
    """Run extract_article under a soft timer; return (outcome, article dict, detail)."""

    def work() -> tuple[str, dict[str, Any] | None, str]:
        article = extract_article(html, url, min_chars=min_chars)
        if article is None:
            return "not_article", None, "no article text found"
        return "ok", asdict(article), ""

    return run_bounded(work, timeout_s)


def article_of(payload: Any) -> Article | None:
    """Turn the default worker's payload (an article as a dict) back into an Article."""
    return Article(**payload) if payload else None


_forkserver_lock = threading.Lock()


def start_forkserver() -> None:
    """Start multiprocessing's forkserver (once) without the working directory on its path.

    Python 3.11 starts it as ``python -c ...``, so "" leads its sys.path and its preload
    imports ``newsmon`` from the working directory first: run from the parent folder of a
    checkout, that is the checkout itself as a namespace package, and every worker then fails
    to import newsmon.ingest.clean (each page "extract_failed"). PYTHONSAFEPATH (python -P)
    keeps "" off its path; workers then take the parent's sys.path as multiprocessing sends it.
    """
    from multiprocessing import forkserver

    with _forkserver_lock:
        previous = os.environ.get("PYTHONSAFEPATH")
        os.environ["PYTHONSAFEPATH"] = "1"
        try:
            forkserver.ensure_running()
        finally:
            if previous is None:
                os.environ.pop("PYTHONSAFEPATH", None)
            else:
                os.environ["PYTHONSAFEPATH"] = previous


DEADLINE_DETAIL = "the tick's deadline ended before this page was cleaned"


class CleanPool:
    """A process pool that cleans pages with per-page time bounds; workers=0 runs in-process.

    ``clean(html, url, *extra)`` cleans one page: at most ``workers`` pages are in the pool at
    once, so a page's hard deadline counts from when a worker took it, and any number of
    callers (a streaming tick, several batches) can share one pool. ``worker(html, url,
    min_chars, timeout_s, *extra)`` runs in the pool and returns (outcome, payload, detail);
    ``decode`` turns the payload back into what callers get (an Article by default).
    """

    def __init__(
        self,
        workers: int = 2,
        timeout_s: float = 20.0,
        min_chars: int = 200,
        *,
        worker: Callable[..., tuple[str, Any, str]] | None = None,
        decode: Callable[[Any], Any] = article_of,
        preload: Sequence[str] = (),
        hard_margin_s: float = 5.0,
    ) -> None:
        self.hard_margin_s = hard_margin_s
        self.workers = workers
        self.worker = worker or extract_in_worker
        self.decode = decode
        self.preload = ["newsmon.ingest.clean", *preload]
        self.timeout_s = timeout_s
        self.min_chars = min_chars
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._generation = 0  # bumped each time the pool is killed and replaced
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def __enter__(self) -> CleanPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: forking a process that runs Prefect's threads is unsafe.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(self.preload)
            start_forkserver()
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_worker_init,
                initargs=(os.getpid(),),
            )
        return self._pool

    def _kill(self, generation: int) -> None:
        """Kill every worker (a C-level parse ignores the soft timer) and drop the pool.

        Only the pool of ``generation``: a caller that saw an older pool break does nothing.
        """
        if generation != self._generation:
            return
        pool, self._pool = self._pool, None
        self._generation += 1
        if pool is None:
            return
        # The executor has no public kill; its process table is the only handle.
        for process in list(getattr(pool, "_processes", {}).values()):
            with _suppress_process_errors():
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def warm(self) -> None:
        """Start the workers now (their start-up then overlaps the first fetches)."""
        if self.workers:
            executor = self._executor()
            for _ in range(self.workers):
                executor.submit(int)

    async def clean(
        self, html: bytes, url: str, *extra: Any, deadline: float | None = None
    ) -> tuple[str, Any, str]:
        """Clean one page in the pool; return (outcome, decoded payload, detail).

        ``deadline`` (a ``time.monotonic()`` reading: the end of the tick's deadline) makes a
        page still waiting or cleaning then a "timeout"; the worker still on it is killed.
        """
        late = ("timeout", None, DEADLINE_DETAIL)
        if deadline is not None and time.monotonic() >= deadline:
            return late
        if self.workers == 0:
            return self._clean_inline(html, url, *extra)
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self.workers))
        async with self._slots[1]:
            for _attempt in (1, 2):  # a broken pool is replaced once
                if deadline is not None and time.monotonic() >= deadline:
                    return late
                generation = self._generation
                future = loop.run_in_executor(
                    self._executor(),
                    self.worker,
                    html,
                    url,
                    self.min_chars,
                    self.timeout_s,
                    *extra,
                )
                # The soft timer bounds the page inside the worker; a worker that has not
                # answered one budget plus a margin later is stuck in C code: kill the pool.
                wait = self.timeout_s + self.hard_margin_s
                if deadline is not None:
                    wait = min(wait, max(0.0, deadline - time.monotonic()))
                done, _ = await asyncio.wait({future}, timeout=wait)
                if not done:
                    self._kill(generation)
                    if deadline is not None and time.monotonic() >= deadline:
                        return late
                    return "timeout", None, "cleaning exceeded the hard deadline"
                exc = future.exception()
                if exc is None:
                    outcome, payload, detail = future.result()
                    return outcome, self.decode(payload), detail
                if not isinstance(exc, concurrent.futures.process.BrokenProcessPool):
                    return "extract_failed", None, f"{type(exc).__name__}: {exc}"
                # Another page's worker died or was killed: replace the pool, try once more.
                self._kill(generation)
            return "extract_failed", None, "cleaning worker crashed"

    async def clean_many(
        self, pages: Sequence[tuple[bytes, str]], *, time_left_s: float | None = None
    ) -> list[tuple[str, Any, str]]:
        """Clean (html, url) pairs; return (outcome, article, detail) per page, in order.

        Pages not cleaned within ``time_left_s`` (what remains of a tick's deadline) are
        "timeout"; the workers still on them are killed.
        """
        deadline = None if time_left_s is None else time.monotonic() + time_left_s
        return list(await asyncio.gather(*(self.clean(h, u, deadline=deadline) for h, u in pages)))

    def _clean_inline(self, html: bytes, url: str, *extra: Any) -> tuple[str, Any, str]:
        outcome, payload, detail = self.worker(html, url, self.min_chars, 0, *extra)
        return outcome, self.decode(payload), detail


class _suppress_process_errors:
    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type | None, *rest: object) -> bool:
        return exc_type is not None and issubclass(exc_type, OSError | ValueError | AttributeError)
