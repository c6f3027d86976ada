"""A text sent without a language gets it detected; a page's declared language is kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsmon.facts import detect_language, extract_claims, facts_record, headline_figures
from newsmon.ingest.clean import extract_article, page_language

ROOT = Path(__file__).resolve().parents[1]

# Our own sentences, one per language, long and short.
TEXTS = [
    ("es", "Un incendio en un mercado de la capital dejó doce muertos y cuarenta heridos."),
    ("es", "Doce muertos en un incendio"),
    ("fr", "Un incendie dans un marché de la capitale a fait douze morts et quarante blessés."),
    ("fr", "Douze morts dans un incendie"),
    ("pt", "Um incêndio num mercado da capital deixou doze mortos e quarenta feridos."),
    ("pt", "Doze mortos em incêndio"),
    ("en", "A fire at a market in the capital left twelve people dead and forty injured."),
    ("en", "Twelve dead in market fire"),
]


@pytest.mark.parametrize(("lang", "text"), TEXTS)
def test_the_language_of_a_text_is_detected(lang: str, text: str) -> None:
    assert detect_language(text) == lang


def test_a_spanish_text_without_lang_gives_its_claims() -> None:
    text = "Un terremoto de magnitud 6 dejó al menos 23 muertos y 150 heridos en el sur del país."
    claims = extract_claims(text)  # no language given
    heads = headline_figures(claims)
    assert heads["killed"] is not None and heads["killed"].value == 23
    assert heads["injured"] is not None and heads["injured"].value == 150
    assert {c.lang for c in claims} == {"es"}


def test_the_facts_record_of_a_text_without_lang_is_not_empty() -> None:
    record = facts_record("x", "Dos personas murieron y tres resultaron heridas.", None, None)
    assert record["headline"]["killed"]["value"] == 2
    assert record["claims"][0]["lang"] == "es"


def test_newsmon_facts_detects_a_missing_language(tmp_path: Path) -> None:
    line = json.dumps({"id": "es-1", "text": "Cinco mineros murieron en la explosión de la mina."})
    run = subprocess.run(
        [sys.executable, "-m", "newsmon.cli", "facts", "-"],
        input=line + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert record["headline"]["killed"]["value"] == 5
    assert record["claims"][0]["lang"] == "es"


PAGE = (
    "<html{attrs}><head><title>Incendie</title>{meta}</head><body><article><h1>Incendie</h1>"
    "<p>{body}</p></article></body></html>"
)
BODY = (
    "Trois personnes ont été tuées lors de l'incendie du marché samedi soir, selon la police. " * 4
)


@pytest.mark.parametrize(
    ("attrs", "meta", "lang"),
    [
        (' lang="fr-FR"', "", "fr-fr"),
        (" lang=fr", "", "fr"),
        ("", '<meta http-equiv="Content-Language" content="fr">', "fr"),
        ("", '<meta property="og:locale" content="pt_BR">', "pt-br"),
        ("", "", None),
    ],
)
def test_the_page_language_is_kept(attrs: str, meta: str, lang: str | None) -> None:
    html = PAGE.format(attrs=attrs, meta=meta, body=BODY)
    assert page_language(html) == lang
    article = extract_article(html.encode(), "https://example.org/a")
    assert article is not None and article.lang == lang
