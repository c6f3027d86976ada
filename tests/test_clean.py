import asyncio
import time
from pathlib import Path

from newsmon.ingest.clean import CleanPool, extract_article

PAGE = (Path(__file__).parent / "pages" / "karsa_meridian.html").read_bytes()


def test_extracts_text_and_metadata_without_furniture():
    article = extract_article(PAGE, "https://meridian.example/world/2026/11/20/karsa-offensive")
    assert article is not None
    assert article.title == "At least 240 killed as offensive on Karsa enters second week"
    assert article.author == "Lena Okafor"
    assert article.published and article.published.startswith("2026-11-20")
    assert "At least 240 people have been killed" in article.text
    assert "half a million" in article.text
    for furniture in (
        "We use cookies",
        "Most read",
        "Markets slide",
        "All rights reserved",
        "What a tragedy",
    ):
        assert furniture not in article.text


def test_a_page_without_article_text_is_none():
    assert extract_article(b"<html><body><nav>Home</nav><p>Hi</p></body></html>") is None


def test_invalid_bytes_and_nul_do_not_break_cleaning():
    page = PAGE.replace(b"Aid agencies", b"Aid \xff\xfe\x00agencies")
    article = extract_article(page)
    assert article is not None and "\x00" not in article.text


def slow_worker(html: bytes, url: str, min_chars: int, timeout_s: float):
    """A worker stuck in code that ignores the soft timer, like a C-level parse."""
    if url.endswith("/stuck"):
        time.sleep(600)
    return ("ok", None, url)


def test_pool_cleans_in_worker_processes_in_order():
    pages = [(PAGE, f"https://meridian.example/{i}") for i in range(4)] + [
        (b"<p>x</p>", "https://m.example/empty")
    ]
    with CleanPool(workers=2, timeout_s=10) as pool:
        results = asyncio.run(pool.clean_many(pages))
    assert [r[0] for r in results] == ["ok"] * 4 + ["not_article"]
    assert all(r[1].title.startswith("At least 240") for r in results[:4])


def test_a_stuck_page_is_killed_and_the_rest_of_the_batch_survives():
    pages = [
        (b"", "https://a.example/1"),
        (b"", "https://a.example/stuck"),
        (b"", "https://a.example/3"),
    ]
    with CleanPool(workers=1, timeout_s=0.5, worker=slow_worker, hard_margin_s=0.5) as pool:
        results = asyncio.run(pool.clean_many(pages))
    assert results[1][0] == "timeout"
    assert results[0] == ("ok", None, "https://a.example/1")
    assert results[2] == ("ok", None, "https://a.example/3")
