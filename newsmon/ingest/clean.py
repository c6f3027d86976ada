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
        author=_clean_meta(data.get("author")),
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


def extract_in_worker(
    html: bytes, url: str, min_chars: int, timeout_s: float
) -> tuple[str, dict[str, Any] | None, str]:
    """Run extract_article under a soft timer; return (outcome, article dict, detail)."""
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        article = extract_article(html, url, min_chars=min_chars)
    except _SoftTimeout:
        return "timeout", None, f"cleaning took more than {timeout_s:g}s"
    except ExtractError as exc:
        return exc.reason, None, exc.detail
    except MemoryError:
        return "too_large", None, "cleaning ran out of memory"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if article is None:
        return "not_article", None, "no article text found"
    return "ok", asdict(article), ""


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
    """A process pool that cleans pages with per-page time bounds; workers=0 runs in-process."""

    def __init__(
        self,
        workers: int = 2,
        timeout_s: float = 20.0,
        min_chars: int = 200,
        *,
        worker: Callable[..., tuple[str, dict[str, Any] | None, str]] | None = None,
        hard_margin_s: float = 5.0,
    ) -> None:
        self.hard_margin_s = hard_margin_s
        self.workers = workers
        self.worker = worker or extract_in_worker
        self.timeout_s = timeout_s
        self.min_chars = min_chars
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

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
            context.set_forkserver_preload(["newsmon.ingest.clean"])
            start_forkserver()
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_worker_init,
                initargs=(os.getpid(),),
            )
        return self._pool

    def _kill(self) -> None:
        """Kill every worker (a C-level parse ignores the soft timer) and drop the pool."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # The executor has no public kill; its process table is the only handle.
        for process in list(getattr(pool, "_processes", {}).values()):
            with _suppress_process_errors():
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    async def clean_many(
        self, pages: Sequence[tuple[bytes, str]], *, time_left_s: float | None = None
    ) -> list[tuple[str, Article | None, str]]:
        """Clean (html, url) pairs; return (outcome, article, detail) per page, in order.

        Pages not cleaned within ``time_left_s`` (what remains of a tick's deadline) are
        "timeout"; the workers still on them are killed.
        """
        deadline = None if time_left_s is None else time.monotonic() + time_left_s
        late: tuple[str, Article | None, str] = ("timeout", None, DEADLINE_DETAIL)
        if self.workers == 0:
            return [
                late
                if deadline is not None and time.monotonic() >= deadline
                else self._clean_inline(html, url)
                for html, url in pages
            ]
        results: list[tuple[str, Article | None, str] | None] = [None] * len(pages)
        crashes = [0] * len(pages)
        pending = list(range(len(pages)))
        loop = asyncio.get_running_loop()
        while pending:
            if deadline is not None and time.monotonic() >= deadline:
                for index in pending:
                    results[index] = late
                break
            executor = self._executor()
            futures = {
                index: loop.run_in_executor(
                    executor,
                    self.worker,
                    pages[index][0],
                    pages[index][1],
                    self.min_chars,
                    self.timeout_s,
                )
                for index in pending
            }
            # Soft timers bound each page, so a pool that completes nothing for longer than
            # one page's budget has a worker stuck in C code: kill it, keep the rest.
            remaining: set[asyncio.Future[Any]] = set(futures.values())
            while remaining:
                wait = self.timeout_s + self.hard_margin_s
                if deadline is not None:
                    wait = min(wait, max(0.0, deadline - time.monotonic()))
                finished, remaining = await asyncio.wait(
                    remaining, timeout=wait, return_when=asyncio.FIRST_COMPLETED
                )
                if not finished:
                    break
            done = {f for f in futures.values() if f.done()}
            not_done = remaining
            retry: list[int] = []
            broken = False
            for index, future in futures.items():
                if future not in done:
                    retry.append(index)
                    continue
                exc = future.exception()
                if exc is None:
                    outcome, data, detail = future.result()
                    results[index] = (outcome, Article(**data) if data else None, detail)
                elif isinstance(exc, concurrent.futures.process.BrokenProcessPool):
                    broken = True
                    crashes[index] += 1
                    if crashes[index] >= 2:
                        results[index] = ("extract_failed", None, "cleaning worker crashed")
                    else:
                        retry.append(index)
                else:
                    results[index] = ("extract_failed", None, f"{type(exc).__name__}: {exc}")
            if not_done or broken:
                self._kill()
            if not_done and deadline is not None and time.monotonic() >= deadline:
                for index, future in futures.items():
                    if future in not_done:
                        retry.remove(index)
                        results[index] = late
            elif not_done:
                # Workers take pages in order: the first unfinished one is the one stuck.
                culprit = min(i for i, f in futures.items() if f in not_done)
                retry.remove(culprit)
                results[culprit] = ("timeout", None, "cleaning exceeded the hard deadline")
            pending = sorted(retry)
        return [r if r is not None else ("extract_failed", None, "lost") for r in results]

    def _clean_inline(self, html: bytes, url: str) -> tuple[str, Article | None, str]:
        try:
            article = extract_article(html, url, min_chars=self.min_chars)
        except ExtractError as exc:
            return exc.reason, None, exc.detail
        if article is None:
            return "not_article", None, "no article text found"
        return "ok", article, ""


class _suppress_process_errors:
    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type | None, *rest: object) -> bool:
        return exc_type is not None and issubclass(exc_type, OSError | ValueError | AttributeError)
