"""Score newsmon.facts on the GVA long-tail dev split: killed/injured per incident and article.

Per incident, the prediction for a kind is the headline figure of the latest article (by date,
then corpus order) that has one; no figure anywhere counts as 0. It is compared with GVA's
final counts (exact match, MAE, over/under-count rates). Per article, on the weak-label
subset where the incident's final count appears literally in the text (digits or an English
number word), the article's own headline must equal it ("art>=1": counts of 1 and more,
"art>=2": counts of 2 and more). Two baselines run on the same data: a crude regex (largest
number right before "killed/dead/died" or "injured/wounded/hurt") and answering 0.

Runtime is CPU time of ``extract_claims`` alone, per article and per 600 words, on the GVA
articles (casualty news: most sentences hold a trigger) and, when present, on the 181 plain
news article bodies of ../shared/corpora/extract_scrapinghub_aeb (typical news).

    python bench/eval_casualties.py [--corpus DIR] [--limit N] [--aggregate latest|max] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsmon.facts import Lexicons, extract_claims, headline_figures, load_lexicons  # noqa: E402

CORPORA = ROOT / ".." / "shared" / "corpora"
DEFAULT_CORPUS = CORPORA / "casualty_gva_longtail_dev"
TYPICAL_NEWS = CORPORA / "extract_scrapinghub_aeb" / "ground-truth.json"
KINDS = ("killed", "injured")
SYSTEMS = ("newsmon", "crude_regex", "all_zeros")
NUMBER_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
]  # fmt: skip
CRUDE = {
    "killed": re.compile(
        r"\b(\d+)\s+(?:people\s+|persons\s+)?(?:were\s+|are\s+)?(?:killed|dead|died)\b", re.I
    ),
    "injured": re.compile(
        r"\b(\d+)\s+(?:people\s+|persons\s+)?(?:were\s+|are\s+)?(?:injured|wounded|hurt)\b", re.I
    ),
}


@dataclass
class Doc:
    doc_id: str
    date: str
    order: int
    text: str
    predicted: dict[str, dict[str, int | None]] = field(default_factory=dict)


def load(corpus: Path, limit: int | None) -> tuple[dict[str, dict], dict[str, list[Doc]]]:
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


def crude(text: str) -> dict[str, int | None]:
    """Return the baseline: the largest number right before a casualty keyword."""
    out: dict[str, int | None] = {}
    for kind, pattern in CRUDE.items():
        values = [int(m.group(1)) for m in pattern.finditer(text) if len(m.group(1)) < 6]
        out[kind] = max(values) if values else None
    return out


def ours(text: str, lexicons: Lexicons) -> dict[str, int | None]:
    heads = headline_figures(extract_claims(text, "en", lexicons))
    return {kind: (c.value if (c := heads.get(kind)) is not None else None) for kind in KINDS}


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


def score(incidents: dict[str, dict], docs: dict[str, list[Doc]], system: str, how: str) -> dict:
    out: dict = {}
    for kind in KINDS:
        pairs = [
            (incident_prediction(docs[i], system, kind, how), int(incidents[i][f"num_{kind}"]))
            for i in incidents
        ]
        n = len(pairs)
        metrics: dict = {
            "exact": round(sum(p == g for p, g in pairs) / n, 4),
            "mae": round(sum(abs(p - g) for p, g in pairs) / n, 4),
            "over": round(sum(p > g for p, g in pairs) / n, 4),
            "under": round(sum(p < g for p, g in pairs) / n, 4),
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
            metrics[f"article_exact_gold_ge{floor}"] = round(hits / total, 4) if total else None
            metrics[f"articles_gold_ge{floor}"] = total
        out[kind] = metrics
    return out


def timing(texts: list[str], lexicons: Lexicons) -> dict:
    """Return CPU time of extract_claims per article and per 600 words (best of 3 passes)."""
    words = sum(len(t.split()) for t in texts)
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for text in texts:
            extract_claims(text, "en", lexicons)
        best = min(best, time.process_time() - started)
    return {
        "articles": len(texts),
        "words_per_article": round(words / len(texts)),
        "ms_per_article": round(1000 * best / len(texts), 3),
        "ms_per_600_words": round(1000 * best / (words / 600), 3),
    }


def evaluate(
    corpus: Path = DEFAULT_CORPUS, limit: int | None = None, aggregate: str = "latest"
) -> dict:
    """Run every system on the corpus and return the metrics (and runtimes)."""
    incidents, docs = load(corpus, limit)
    lexicons = load_lexicons()
    every = [d for ds in docs.values() for d in ds]
    for d in every:
        d.predicted["newsmon"] = ours(d.text, lexicons)
        d.predicted["crude_regex"] = crude(d.text)
        d.predicted["all_zeros"] = dict.fromkeys(KINDS, 0)
    result: dict = {
        "corpus": str(corpus.resolve()),
        "incidents": len(incidents),
        "articles": len(every),
        "aggregate": aggregate,
        "systems": {s: score(incidents, docs, s, aggregate) for s in SYSTEMS},
        "runtime": {"casualty_news": timing([d.text for d in every], lexicons)},
    }
    if TYPICAL_NEWS.exists() and limit is None:
        bodies = [
            v["articleBody"] for v in json.loads(TYPICAL_NEWS.read_text(encoding="utf-8")).values()
        ]
        result["runtime"]["typical_news"] = timing([b for b in bodies if b.strip()], lexicons)
    return result


def print_table(result: dict) -> None:
    counts = f"{result['incidents']} incidents, {result['articles']} articles"
    print(f"{counts}; aggregate={result['aggregate']}")
    for name, t in result["runtime"].items():
        print(
            f"runtime ({name}, {t['articles']} articles of {t['words_per_article']} words): "
            f"{t['ms_per_article']} ms/article, {t['ms_per_600_words']} ms per 600 words"
        )
    columns = ("exact", "mae", "over", "under")
    header = " ".join(f"{c:>6}" for c in columns)
    print(f"{'system':<12} {'kind':<8} {header} {'art>=1':>7} {'art>=2':>7}")
    for system, kinds in result["systems"].items():
        for kind, m in kinds.items():
            print(
                f"{system:<12} {kind:<8} {m['exact']:>6.3f} {m['mae']:>6.3f} {m['over']:>6.3f} "
                f"{m['under']:>6.3f} {m['article_exact_gold_ge1'] or 0:>7.3f} "
                f"{m['article_exact_gold_ge2'] or 0:>7.3f}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--limit", type=int, default=None, help="only the first N incidents (by id)"
    )
    parser.add_argument("--aggregate", choices=("latest", "max"), default="latest")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    args = parser.parse_args(argv)
    if not (args.corpus / "incidents.jsonl").exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    result = evaluate(args.corpus, args.limit, args.aggregate)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
