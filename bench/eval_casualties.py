"""Score newsmon.facts on the three casualty dev corpora in one run, half A and half B apart.

Corpora (read from ../shared/corpora, never copied into the repository):

- ``casualty_gva_longtail_dev``: Gun Violence Archive incidents with their local news
  articles (English). Per incident, the prediction for a kind is the headline figure of the
  latest article (by date, then corpus order) that has one; no figure anywhere counts as 0.
  Compared with GVA's final counts: exact match, MAE, over/under-count rates, precision and
  recall of non-zero answers, and a per-article weak-label subset where the incident's final
  count is written in the article ("art>=1": counts of 1 and more, "art>=2": 2 and more).
- ``casualty_bbc_headlines_dev``: BBC homepage headline versions (title + summary, English),
  two annotators, per version.
- ``casualty_multilingual_dev``: Portuguese, Spanish and French articles, two annotators,
  per article (``lang`` given).

For BBC and multilingual, accuracy compares the headline figure's value with the gold value
(no figure must meet null gold), skipping gold marked ``ambiguous`` or ``vague``. Precision:
correct non-null answers over non-null answers; recall: correct non-null answers over
non-null gold.

Halves: every corpus is split in two by a hash of its grouping key (GVA incident, BBC URL
so that all versions of one story stay together, multilingual document), the same on every
run. Rules and lexicons are tuned on half A only; half B shows what a rule written for one
example is worth. Both halves are reported, and their union ("all").

Baselines in the same run: a crude regex (largest number right before a killed or injured
word, per language) and answering 0 / null.

Speed: CPU time of ``extract_claims`` alone, per article and per 600 words, on the 181 plain
news article bodies of ``extract_scrapinghub_aeb`` (typical news) and on the GVA articles
(casualty news), median of five passes.

    python bench/eval_casualties.py [--corpora DIR] [--only gva,bbc,ml] [--errors N] [--json]

(NEWSMON_CORPORA=DIR also sets the corpora folder.)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsmon.facts import (  # noqa: E402
    Lexicons,
    extract_claims,
    headline_figures,
    load_lexicons,
)

# NEWSMON_CORPORA points elsewhere (a git worktree sits one level deeper than the checkout).
CORPORA = Path(os.environ.get("NEWSMON_CORPORA") or ROOT / ".." / "shared" / "corpora")
GVA_DIR = "casualty_gva_longtail_dev"
BBC_DIR = "casualty_bbc_headlines_dev"
ML_DIR = "casualty_multilingual_dev"
TYPICAL_NEWS = Path("extract_scrapinghub_aeb") / "ground-truth.json"
KINDS = ("killed", "injured")
SYSTEMS = ("newsmon", "crude_regex", "all_zeros")
HALVES = ("A", "B")
NUMBER_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
]  # fmt: skip

# The crude baseline: a number right before a casualty word, optionally with a people noun
# and an auxiliary between them.
_CRUDE_WORDS = {
    "en": (
        r"(?:people\s+|persons\s+)?(?:were\s+|are\s+)?",
        r"(?:killed|dead|died)",
        r"(?:injured|wounded|hurt)",
    ),
    "fr": (
        r"(?:personnes\s+)?(?:ont\s+été\s+|sont\s+)?",
        r"(?:morts?|tués?|décès|décédés?)",
        r"(?:blessés?)",
    ),
    "pt": (
        r"(?:pessoas\s+)?(?:foram\s+|ficaram\s+)?",
        r"(?:mort[oa]s|morreram|óbitos|vítimas\s+fatais)",
        r"(?:feridos?|feridas?)",
    ),
    "es": (
        r"(?:personas\s+)?(?:fueron\s+|resultaron\s+)?",
        r"(?:muert[oa]s|murieron|fallecid[oa]s|fallecieron)",
        r"(?:herid[oa]s|lesionad[oa]s)",
    ),
}
CRUDE = {
    lang: {
        "killed": re.compile(rf"\b(\d+)\s+{between}{killed}\b", re.I),
        "injured": re.compile(rf"\b(\d+)\s+{between}{injured}\b", re.I),
    }
    for lang, (between, killed, injured) in _CRUDE_WORDS.items()
}

Answer = dict[str, int | None]


def half_of(key: str) -> str:
    """Return the half ("A" or "B") a grouping key falls in; the same on every run."""
    digest = hashlib.sha1(f"newsmon-facts-half:{key}".encode()).digest()
    return HALVES[digest[0] & 1]


def crude(text: str, lang: str = "en") -> Answer:
    """Return the baseline: the largest number right before a casualty word."""
    out: Answer = {}
    for kind, pattern in CRUDE.get(lang, CRUDE["en"]).items():
        values = [int(m.group(1)) for m in pattern.finditer(text) if len(m.group(1)) < 6]
        out[kind] = max(values) if values else None
    return out


def headline_answer(text: str, lang: str | None, lexicons: Lexicons) -> tuple[Answer, dict]:
    """Return newsmon's headline value per kind and the evidence sentence of each."""
    heads = headline_figures(extract_claims(text, lang, lexicons))
    values: Answer = {}
    evidence: dict[str, str] = {}
    for kind in KINDS:
        claim = heads.get(kind)
        values[kind] = claim.value if claim is not None else None
        if claim is not None:
            evidence[kind] = f"{claim.qualifier} {claim.value} [{claim.rule}] {claim.sentence}"
    return values, evidence


# --------------------------------------------------------------------------- labelled items


@dataclass
class Item:
    """One labelled text of BBC or multilingual: gold per kind, answers per system."""

    corpus: str
    key: str  # what decides the half (BBC: the URL)
    ident: str
    lang: str
    text: str
    gold: dict[str, Any]
    half: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)


def load_bbc(folder: Path) -> list[Item]:
    items = []
    with (folder / "versions.jsonl").open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            row = json.loads(line)
            gold = {kind: row[kind] for kind in KINDS}
            ident = f"{row['href']}@{row['first_seen']}#{n}"
            items.append(Item("bbc", row["href"], ident, "en", row["text"], gold))
    return items


def load_multilingual(folder: Path) -> list[Item]:
    items = []
    with (folder / "articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            gold = {kind: row[kind] for kind in KINDS}
            items.append(Item("ml", row["doc"], row["doc"], row["lang"], row["text"], gold))
    return items


def gold_value(gold: Any) -> tuple[bool, int | None]:
    """Return (scored, value): ambiguous and vague gold are not scored."""
    if gold is None:
        return True, None
    if isinstance(gold, str) or gold.get("qualifier") == "vague" or gold.get("value") is None:
        return False, None
    return True, int(gold["value"])


def score_items(items: Iterable[Item], system: str) -> dict[str, dict]:
    """Return accuracy, precision and recall per kind over ``items``."""
    out: dict[str, dict] = {}
    rows = list(items)
    for kind in KINDS:
        n = right = answered = answered_right = gold_nonnull = found = 0
        for item in rows:
            scored, gold = gold_value(item.gold[kind])
            if not scored:
                continue
            guess = item.answers[system][kind]
            n += 1
            right += guess == gold
            if guess is not None:
                answered += 1
                answered_right += guess == gold
            if gold is not None:
                gold_nonnull += 1
                found += guess == gold
        out[kind] = {
            "n": n,
            "accuracy": _ratio(right, n),
            "precision": _ratio(answered_right, answered),
            "recall": _ratio(found, gold_nonnull),
            "answered": answered,
            "gold_nonnull": gold_nonnull,
        }
    return out


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def evaluate_items(items: list[Item], lexicons: Lexicons, lang_given: bool = True) -> dict:
    """Answer every item with every system, then score per half, language and kind."""
    for item in items:
        item.half = half_of(item.key)
        item.answers["newsmon"], item.evidence = headline_answer(
            item.text, item.lang if lang_given else None, lexicons
        )
        item.answers["crude_regex"] = crude(item.text, item.lang)
        item.answers["all_zeros"] = dict.fromkeys(KINDS)
    langs = sorted({i.lang for i in items})
    result: dict = {"items": len(items), "by_half": {}}
    for half in (*HALVES, "all"):
        chosen = [i for i in items if half in ("all", i.half)]
        result["by_half"][half] = {
            "items": len(chosen),
            "systems": {
                system: {
                    lang: score_items((i for i in chosen if lang in ("all", i.lang)), system)
                    for lang in (*langs, "all")
                }
                for system in SYSTEMS
            },
        }
    return result


def errors_of(items: list[Item], limit: int) -> list[dict]:
    """Return newsmon's wrong answers (scored gold only), half A first, for error analysis."""
    out = []
    for item in sorted(items, key=lambda i: (i.half, i.lang, i.ident)):
        for kind in KINDS:
            scored, gold = gold_value(item.gold[kind])
            guess = item.answers["newsmon"][kind]
            if scored and guess != gold:
                out.append(
                    {
                        "corpus": item.corpus,
                        "half": item.half,
                        "lang": item.lang,
                        "id": item.ident,
                        "kind": kind,
                        "gold": gold,
                        "guess": guess,
                        "evidence": item.evidence.get(kind, ""),
                        "text": item.text,
                    }
                )
    return out[:limit]


# --------------------------------------------------------------------------- GVA


@dataclass
class Doc:
    doc_id: str
    date: str
    order: int
    text: str
    predicted: dict[str, Answer] = field(default_factory=dict)


def load_gva(
    corpus: Path, limit: int | None = None
) -> tuple[dict[str, dict], dict[str, list[Doc]]]:
    """Return gold incidents and their articles (title, blank line, text), first ``limit`` ids."""
    incidents = {}
    with (corpus / "incidents.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            incidents[row["incident_id"]] = row
    docs: dict[str, list[Doc]] = defaultdict(list)
    with (corpus / "documents.jsonl").open(encoding="utf-8") as fh:
        for order, line in enumerate(fh):
            row = json.loads(line)
            if row["incident_id"] not in incidents:
                continue  # an incident folder without a gold record
            title = (row.get("title") or "").strip()
            content = row.get("content") or ""
            text = f"{title}\n\n{content}" if title else content
            docs[row["incident_id"]].append(Doc(row["doc_id"], row.get("dct") or "", order, text))
    ids = sorted(i for i in incidents if docs.get(i))[:limit]
    return {i: incidents[i] for i in ids}, {i: docs[i] for i in ids}


def incident_prediction(docs: list[Doc], system: str, kind: str, how: str) -> int:
    values = [d.predicted[system][kind] for d in sorted(docs, key=lambda d: (d.date, d.order))]
    found = [v for v in values if v is not None]
    if not found:
        return 0
    return max(found) if how == "max" else found[-1]


def gold_appears(text: str, gold: int) -> bool:
    """Say whether ``gold`` is written in ``text`` as digits or as an English number word."""
    if re.search(rf"(?<![\d,.]){gold}(?![\d,]|\.\d)", text):
        return True
    return (
        gold < len(NUMBER_WORDS) and re.search(rf"\b{NUMBER_WORDS[gold]}\b", text, re.I) is not None
    )


def score_gva(
    incidents: dict[str, dict], docs: dict[str, list[Doc]], system: str, how: str
) -> dict:
    out: dict = {}
    for kind in KINDS:
        pairs = [
            (incident_prediction(docs[i], system, kind, how), int(incidents[i][f"num_{kind}"]))
            for i in incidents
        ]
        n = len(pairs)
        answered = [(p, g) for p, g in pairs if p]
        nonzero = [(p, g) for p, g in pairs if g]
        metrics: dict = {
            "exact": _ratio(sum(p == g for p, g in pairs), n),
            "mae": round(sum(abs(p - g) for p, g in pairs) / n, 4) if n else None,
            "over": _ratio(sum(p > g for p, g in pairs), n),
            "under": _ratio(sum(p < g for p, g in pairs), n),
            "precision": _ratio(sum(p == g for p, g in answered), len(answered)),
            "recall": _ratio(sum(p == g for p, g in nonzero), len(nonzero)),
            "incidents": n,
        }
        for floor in (1, 2):
            hits = total = 0
            for i, incident in incidents.items():
                gold = int(incident[f"num_{kind}"])
                if gold < floor:
                    continue
                for d in docs[i]:
                    if gold_appears(d.text, gold):
                        total += 1
                        hits += (d.predicted[system][kind] or 0) == gold
            metrics[f"article_exact_gold_ge{floor}"] = _ratio(hits, total)
            metrics[f"articles_gold_ge{floor}"] = total
        out[kind] = metrics
    return out


def evaluate_gva(
    corpus: Path, lexicons: Lexicons, limit: int | None = None, aggregate: str = "latest"
) -> tuple[dict, list[Doc], list[dict]]:
    """Run every system on GVA; return metrics per half, the articles and the wrong incidents."""
    incidents, docs = load_gva(corpus, limit)
    every = [d for ds in docs.values() for d in ds]
    for d in every:
        d.predicted["newsmon"] = headline_answer(d.text, "en", lexicons)[0]
        d.predicted["crude_regex"] = crude(d.text)
        d.predicted["all_zeros"] = dict.fromkeys(KINDS, 0)
    result: dict = {
        "incidents": len(incidents),
        "articles": len(every),
        "aggregate": aggregate,
        "by_half": {},
    }
    for half in (*HALVES, "all"):
        ids = [i for i in incidents if half in ("all", half_of(i))]
        chosen = {i: incidents[i] for i in ids}
        result["by_half"][half] = {
            "incidents": len(ids),
            "systems": {s: score_gva(chosen, docs, s, aggregate) for s in SYSTEMS},
        }
    wrong = []
    for i, incident in incidents.items():
        for kind in KINDS:
            gold = int(incident[f"num_{kind}"])
            guess = incident_prediction(docs[i], "newsmon", kind, aggregate)
            if guess != gold:
                wrong.append(
                    {
                        "corpus": "gva",
                        "half": half_of(i),
                        "lang": "en",
                        "id": i,
                        "kind": kind,
                        "gold": gold,
                        "guess": guess,
                        "evidence": "",
                        "text": " || ".join(
                            f"{d.date} {d.predicted['newsmon']} {d.text[:300]}" for d in docs[i]
                        ),
                    }
                )
    wrong.sort(key=lambda e: (e["half"], e["id"]))
    return result, every, wrong


# Kept for tests/test_facts.py and older scripts: GVA alone, every incident.
def evaluate(
    corpus: Path = CORPORA / GVA_DIR, limit: int | None = None, aggregate: str = "latest"
) -> dict:
    """Run every system on the GVA corpus and return the metrics of both halves together."""
    result, _, _ = evaluate_gva(corpus, load_lexicons(), limit, aggregate)
    return {**result, "systems": result["by_half"]["all"]["systems"]}


# --------------------------------------------------------------------------- speed


def timing(
    texts: list[str], lexicons: Lexicons, passes: int = 5, lang: str = "en"
) -> dict[str, Any]:
    """Return CPU time of extract_claims per article and per 600 words (median of passes)."""
    words = sum(len(t.split()) for t in texts)
    runs = []
    for _ in range(passes):
        started = time.process_time()
        for text in texts:
            extract_claims(text, lang, lexicons)
        runs.append(time.process_time() - started)
    mid = statistics.median(runs)
    return {
        "articles": len(texts),
        "words_per_article": round(words / len(texts)),
        "ms_per_article": round(1000 * mid / len(texts), 3),
        "ms_per_600_words": round(1000 * mid / (words / 600), 3),
        "ms_per_600_words_best": round(1000 * min(runs) / (words / 600), 3),
    }


def typical_news(corpora: Path) -> list[str]:
    path = corpora / TYPICAL_NEWS
    if not path.exists():
        return []
    bodies = [v["articleBody"] for v in json.loads(path.read_text(encoding="utf-8")).values()]
    return [b for b in bodies if b.strip()]


# --------------------------------------------------------------------------- the run


def run(
    corpora: Path,
    only: set[str],
    lexicons: Lexicons,
    errors: int = 0,
    speed: bool = True,
    aggregate: str = "latest",
) -> dict:
    """Evaluate the chosen corpora; return metrics, runtimes and an error listing."""
    result: dict[str, Any] = {"corpora": str(corpora.resolve()), "runtime": {}, "answers": {}}
    wrong: list[dict] = []
    gva_docs: list[Doc] = []
    if "gva" in only and (corpora / GVA_DIR / "incidents.jsonl").exists():
        result["gva"], gva_docs, gva_wrong = evaluate_gva(
            corpora / GVA_DIR, lexicons, aggregate=aggregate
        )
        wrong.extend(gva_wrong)
        for d in gva_docs:
            result["answers"][f"gva:{d.doc_id}"] = d.predicted["newsmon"]
    loaders: dict[str, tuple[str, Callable[[Path], list[Item]]]] = {
        "bbc": (BBC_DIR, load_bbc),
        "ml": (ML_DIR, load_multilingual),
    }
    for name, (folder, loader) in loaders.items():
        if name in only and (corpora / folder).is_dir():
            items = loader(corpora / folder)
            result[name] = evaluate_items(items, lexicons)
            for item in items:
                result["answers"][f"{name}:{item.ident}"] = item.answers["newsmon"]
            wrong.extend(errors_of(items, 10**9))
            if name == "ml":
                # The same articles sent without a language: detection must find it.
                blind = loader(corpora / folder)
                detected = evaluate_items(blind, lexicons, lang_given=False)
                result["ml_detected"] = {
                    half: detected["by_half"][half]["systems"]["newsmon"]
                    for half in (*HALVES, "all")
                }
    if speed:
        texts = typical_news(corpora)
        if texts:
            result["runtime"]["typical_news"] = timing(texts, lexicons)
        if gva_docs:
            result["runtime"]["casualty_news"] = timing([d.text for d in gva_docs], lexicons, 3)
    result["errors"] = wrong[:errors] if errors else []
    result["error_counts"] = _error_counts(wrong)
    return result


def _error_counts(wrong: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for e in wrong:
        counts[f"{e['corpus']}/{e['half']}/{e['kind']}"] += 1
    return dict(sorted(counts.items()))


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def print_report(result: dict) -> None:
    for name, t in result["runtime"].items():
        print(
            f"runtime ({name}, {t['articles']} articles of {t['words_per_article']} words): "
            f"{t['ms_per_article']} ms/article, {t['ms_per_600_words']} ms per 600 words "
            f"(median; best {t['ms_per_600_words_best']})"
        )
    if "gva" in result:
        gva = result["gva"]
        print(
            f"\nGVA dev: {gva['incidents']} incidents, {gva['articles']} articles; "
            f"aggregate={gva['aggregate']}"
        )
        cols = ("exact", "mae", "over", "under", "precision", "recall")
        print(
            f"{'half':<4} {'system':<12} {'kind':<8} "
            + " ".join(f"{c[:6]:>6}" for c in cols)
            + f" {'art>=1':>7} {'art>=2':>7} {'n':>5}"
        )
        for half, block in gva["by_half"].items():
            for system, kinds in block["systems"].items():
                for kind, m in kinds.items():
                    print(
                        f"{half:<4} {system:<12} {kind:<8} "
                        + " ".join(_fmt(m[c]) for c in cols)
                        + f" {_fmt(m['article_exact_gold_ge1'])} "
                        f"{_fmt(m['article_exact_gold_ge2'])} {m['incidents']:>5}"
                    )
    for name, title in (("bbc", "BBC headlines dev"), ("ml", "Multilingual dev")):
        if name not in result:
            continue
        print(f"\n{title}: {result[name]['items']} texts")
        print(
            f"{'half':<4} {'system':<12} {'lang':<4} {'kind':<8} "
            f"{'acc':>6} {'prec':>6} {'recall':>6} {'n':>5} {'answ':>5} {'gold':>5}"
        )
        for half, block in result[name]["by_half"].items():
            for system, langs in block["systems"].items():
                for lang, kinds in langs.items():
                    for kind, m in kinds.items():
                        print(
                            f"{half:<4} {system:<12} {lang:<4} {kind:<8} "
                            f"{_fmt(m['accuracy'])} {_fmt(m['precision'])} {_fmt(m['recall'])} "
                            f"{m['n']:>5} {m['answered']:>5} {m['gold_nonnull']:>5}"
                        )
    if "ml_detected" in result:
        print("\nMultilingual dev, sent without lang (language detected):")
        for half, langs in result["ml_detected"].items():
            for lang, kinds in langs.items():
                line = "  ".join(f"{kind} {_fmt(m['accuracy'])}" for kind, m in kinds.items())
                print(f"{half:<4} {lang:<4} {line}")
    print("\nnewsmon errors per corpus/half/kind:", result["error_counts"])
    for e in result["errors"]:
        print(
            f"\n[{e['corpus']} {e['half']} {e['lang']} {e['kind']}] {e['id']}: "
            f"gold {e['gold']} guess {e['guess']}\n  evidence: {e['evidence'][:300]}\n"
            f"  text: {e['text'][:600]}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument(
        "--only", default="gva,bbc,ml", help="comma-separated corpora: gva, bbc, ml"
    )
    parser.add_argument("--errors", type=int, default=0, help="list up to N errors")
    parser.add_argument(
        "--error-half", choices=("A", "B", "all"), default="A",
        help="which half the error listing shows (tune on A only)",
    )  # fmt: skip
    parser.add_argument("--no-speed", action="store_true", help="skip the timing passes")
    parser.add_argument("--aggregate", choices=("latest", "max"), default="latest")
    parser.add_argument("--lexicons", type=Path, default=None, help="lexicon directory")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument(
        "--dump", type=Path, default=None, help="write every answer (JSON) to compare two runs"
    )
    args = parser.parse_args(argv)
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    if not args.corpora.is_dir():
        print(f"corpora not found: {args.corpora}", file=sys.stderr)
        return 2
    lexicons = load_lexicons(args.lexicons)
    result = run(
        args.corpora, only, lexicons, 10**9 if args.errors else 0, not args.no_speed, args.aggregate
    )
    if args.dump is not None:
        args.dump.write_text(json.dumps(result["answers"]), encoding="utf-8")
    if args.errors:
        shown = [e for e in result["errors"] if args.error_half in ("all", e["half"])]
        result["errors"] = shown[: args.errors]
    if args.json:
        hidden = ("errors", "answers")
        print(json.dumps({k: v for k, v in result.items() if k not in hidden}, indent=2))
    else:
        print_report(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
