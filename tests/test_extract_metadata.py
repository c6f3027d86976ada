"""Metadata that is right, through `newsmon extract`: language, dates, authors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

FR = "Plus de 255 personnes ont été tuées à Karsa depuis samedi, selon l'Observatoire. " * 4
ES = (
    "Al menos 240 personas murieron en Karsa desde el sábado, según el observatorio. El "
    "gobierno dijo que las fuerzas también avanzaron sobre los barrios del este. "
) * 3
EN = (
    "At least 240 people have been killed in Karsa since Saturday, according to the monitor. "
    "The government said that its forces had advanced into the eastern districts. "
) * 3


def page(body: str, *, html: str = "<html>", head: str = "", after: str = "") -> str:
    return (
        f"{html}<head><title>Karsa</title>{head}</head><body><article><h1>Karsa</h1>"
        f"<p>{body}</p></article>{after}</body></html>"
    )


def extract(tmp_path: Path, html: str) -> dict:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    result = run_cli("extract", str(path), "--url", "https://example.org/karsa")
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "html, expected",
    [
        (page(FR, html='<html lang="fr">'), "fr"),
        (page(FR, html='<html lang="fr-FR">'), "fr-fr"),
        (page(ES, head='<meta http-equiv="Content-Language" content="es-MX">'), "es-mx"),
        (page(FR, head='<meta property="og:locale" content="fr_FR">'), "fr-fr"),
        (page(ES), "es"),  # nothing declared: the text says it (as the pipeline detects it)
        (page(FR), "fr"),
        (page(EN, html='<html lang="en-GB">'), "en-gb"),
    ],
    ids=[
        "html-lang",
        "region",
        "content-language",
        "og-locale",
        "detected-es",
        "detected-fr",
        "en",
    ],
)
def test_the_page_language_comes_from_the_page(tmp_path, html, expected):
    assert extract(tmp_path, html)["lang"] == expected


def test_a_copyright_year_is_no_publication_date(tmp_path):
    html = page(
        EN, after="<footer><p>Copyright © 1998 Widget Corp. All rights reserved.</p></footer>"
    )
    assert extract(tmp_path, html)["published"] is None


def test_the_pages_own_date_is_still_read(tmp_path):
    head = '<meta property="article:published_time" content="2026-11-20T10:00:00+00:00">'
    html = page(EN, head=head, after="<footer><p>© 1998-2026 Example News</p></footer>")
    assert extract(tmp_path, html)["published"] == "2026-11-20"


def test_authors_are_named_once(tmp_path):
    head = (
        '<meta name="author" content="JEFFREY GETTLEMAN">'
        '<meta name="byl" content="Jeffrey Gettleman">'
    )
    html = page(EN, head=head)
    assert extract(tmp_path, html)["author"] == "Jeffrey Gettleman"
