"""Evaluate story clustering on real corpora: B³ P/R/F1 against gold story labels.

Corpora (read from ../shared/corpora, never copied):
  gva  casualty_gva_longtail_dev: news articles on Gun Violence Archive incidents; the label is
       incident_id; articles carry their dates and are fed in date order.
  ecb  samestory_ecbplus: 982 news texts, 43 topics x 2 look-alike events ("subtopics"); the
       label is the subtopic. Texts carry no publication date, so all are fed undated (the
       active window never separates them) in a seeded random order. Reported besides B³:
       the share of documents whose story also holds documents of the other subtopic of their
       topic (false merges of look-alike events).
  semeval  samestory_semeval2022_dev: 725 real article pairs (en, de, es, fr, tr, pl, ar; 103
       de-en) scored by the SemEval-2022 Task 8 annotators. The texts of the decided pairs
       (Overall <= 1.5: same story; >= 3.5: different) are imported together as published on
       one day, without a source (so as one outlet, as `backfill --jsonl` stores them), in a
       seeded random order; reported: pair precision,
       recall and F1 of "both texts landed in one story", overall and for the cross-language
       pairs, and the Pearson correlation of our article-to-article similarity with the
       annotators' Overall (over all 725 pairs, sign flipped so that higher is better). The
       pairs are split into two halves A and B by a hash of their ids (pairs sharing a text
       stay on one side): settings are tuned on half A only, and both halves are reported.

Each article goes through ``newsmon.stories.join.assign_version`` (dedupe + clustering) in its own
BEGIN IMMEDIATE transaction on a temporary SQLite store, exactly as the pipeline calls it;
``--via-cli`` instead writes the corpus as JSON lines and runs ``newsmon backfill --jsonl``.
Baselines computed in the same run: every article alone, and plain TF-IDF cosine single-link
clustering (14-day window on dated corpora) at its best threshold.

    python bench/eval_clustering.py                 # both corpora, default settings
    python bench/eval_clustering.py --corpus ecb --seeds 0,1,2,3,4
    python bench/eval_clustering.py --set join_threshold=0.8 --json out.json
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsmon import store  # noqa: E402
from newsmon.core.clock import iso  # noqa: E402
from newsmon.core.settings import StoriesSettings  # noqa: E402
from newsmon.core.story_records import ArticleInput  # noqa: E402
from newsmon.store.stories import StoryStore, members, story_memberships  # noqa: E402
from newsmon.stories.join import assign_version  # noqa: E402
from newsmon.stories.vectors import member_profile, score_weights, similarity  # noqa: E402

# ../shared/corpora beside the checkout (a git worktree may sit one level further down).
CORPORA = next(
    (d / "shared" / "corpora" for d in ROOT.parents if (d / "shared" / "corpora").is_dir()),
    ROOT.parent / "shared" / "corpora",
)
GVA = CORPORA / "casualty_gva_longtail_dev" / "documents.jsonl"
ECB = CORPORA / "samestory_ecbplus" / "documents.jsonl"
SEMEVAL = CORPORA / "samestory_semeval2022_dev" / "pairs.jsonl"
SEMEVAL_DAY = datetime(2020, 5, 4, 12, tzinfo=UTC)  # the sample has no dates: one day for all
UNDATED = datetime(2020, 1, 1, tzinfo=UTC)  # "seen" time of undated texts (all the same)


@dataclasses.dataclass
class Doc:
    key: str
    url: str
    title: str | None
    text: str
    published: datetime | None
    source: str
    label: str
    group: str  # ECB+ topic (look-alike events share it); "" elsewhere
    lang: str = "en"


def load_gva(limit: int | None = None) -> list[Doc]:
    docs = []
    with GVA.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            record = json.loads(line)
            original = re.sub(r"^https?://web\.archive\.org/web/\d+[a-z_]*/", "", record["uri"])
            host = re.sub(r"^https?://", "", original).split("/")[0].split(":")[0]
            day = date.fromisoformat(record["dct"])
            docs.append(
                Doc(
                    key=record["doc_id"],
                    # A doc_id can appear under two incidents: the line number keeps URLs
                    # unique without putting the label in them.
                    url=f"https://{host}/gva/{number}/{record['doc_id']}",
                    title=record.get("title") or None,
                    text=record.get("content") or "",
                    published=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                    source=host.removeprefix("www."),
                    label=str(record["incident_id"]),
                    group="",
                )
            )
    docs.sort(key=lambda d: (d.published or UNDATED, d.key))
    return docs[:limit] if limit else docs


def load_ecb(seed: int, limit: int | None = None) -> list[Doc]:
    docs = []
    with ECB.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            sentences = list(record["sentences"])
            title = None
            if record.get("source_url_sentence0"):
                # ECB+ texts open with their (tokenised) source URL, then the headline.
                sentences = sentences[1:]
                title, sentences = (sentences[0], sentences[1:]) if sentences else (None, [])
            docs.append(
                Doc(
                    key=record["doc_id"],
                    url=f"https://ecbplus.example/{record['doc_id']}",
                    title=title,
                    text="\n".join(sentences),
                    published=None,
                    source=f"ecb-{record['doc_id']}",
                    label=record["subtopic"],
                    group=str(record["topic"]),
                )
            )
    random.Random(seed).shuffle(docs)
    return docs[:limit] if limit else docs


@dataclasses.dataclass
class Pair:
    pair_id: str
    first: str  # Doc keys
    second: str
    cross: bool  # the two texts are in different languages
    overall: float  # annotators' mean: 1 very similar ... 4 very dissimilar
    same: bool | None  # gold: True (Overall <= 1.5), False (>= 3.5), None (in between)
    half: str  # "A" (tuning) or "B" (held out)


def _halves(components: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Assign each component of pairs (pairs sharing texts) to half "A" or "B".

    Within each stratum (language pair and gold class of the component's pairs), components
    are ordered by a hash of their smallest pair id and dealt alternately, so that both halves
    get their share of the rare kinds (14 cross-language same-story pairs).
    """
    strata: dict[tuple[Any, ...], list[tuple[bytes, str]]] = defaultdict(list)
    for root, records in components.items():
        kinds = sorted(
            (r["lang1"] != r["lang2"], _gold(float(r["Overall"])) is True, r["lang1"])
            for r in records
        )
        ident = min(r["pair_id"] for r in records)
        strata[tuple(kinds)].append((hashlib.blake2b(ident.encode()).digest(), root))
    half = {}
    for key in sorted(strata):
        for index, (_, root) in enumerate(sorted(strata[key])):
            half[root] = "AB"[index % 2]
    return half


def _gold(overall: float) -> bool | None:
    return True if overall <= 1.5 else False if overall >= 3.5 else None


def load_semeval(seed: int, limit: int | None = None) -> tuple[list[Doc], list[Pair]]:
    """Return the texts of the decided pairs (seeded order) and every pair with its half."""
    records = [json.loads(line) for line in SEMEVAL.open(encoding="utf-8")]
    keys: dict[str, str] = {}  # text -> doc key (a text shared by two pairs is one document)
    langs: dict[str, str] = {}
    for record in records:
        for side in ("1", "2"):
            text = record["text" + side]
            if text not in keys:
                keys[text] = "t" + hashlib.blake2b(text.encode(), digest_size=6).hexdigest()
                langs[keys[text]] = record["lang" + side]
    # Pairs that share a text go to the same half: halves are the connected components'.
    parent = {key: key for key in keys.values()}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for record in records:
        parent[find(keys[record["text1"]])] = find(keys[record["text2"]])
    components: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        components[find(keys[record["text1"]])].append(record)
    half_of = _halves(components)
    pairs = []
    for record in records:
        overall = float(record["Overall"])
        same = _gold(overall)
        first, second = keys[record["text1"]], keys[record["text2"]]
        pairs.append(
            Pair(
                record["pair_id"],
                first,
                second,
                record["lang1"] != record["lang2"],
                overall,
                same,
                half_of[find(first)],
            )
        )
    decided = {key for p in pairs if p.same is not None for key in (p.first, p.second)}
    docs = [
        Doc(
            key=key,
            url=f"https://semeval.example/{key}",
            title=None,  # the texts carry no headline apart (their first line often is one)
            text=text,
            published=SEMEVAL_DAY,
            # As `newsmon backfill --jsonl` stores lines that name no source: one outlet.
            source="import",
            label=key,  # no story labels: scored by pairs
            group="",
            lang=langs[key],
        )
        for text, key in keys.items()
        if key in decided
    ]
    docs.sort(key=lambda d: d.key)
    random.Random(seed).shuffle(docs)
    if limit:
        docs = docs[:limit]
        kept = {d.key for d in docs}
        pairs = [p for p in pairs if p.first in kept and p.second in kept]
    return docs, pairs


def pair_scores(pairs: list[Pair], story_of: dict[str, int]) -> dict[str, Any]:
    """Return pair precision, recall and F1 of "both texts in one story" on decided pairs."""
    tp = fp = fn = tn = 0
    for pair in pairs:
        if pair.same is None:
            continue
        together = story_of[pair.first] == story_of[pair.second]
        tp += together and pair.same
        fp += together and not pair.same
        fn += not together and pair.same
        tn += not together and not pair.same
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": tp + fp + fn + tn,
        "same": tp + fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 0.0


# --- scores -----------------------------------------------------------------------------------


def b_cubed(pred: list[Any], gold: list[Any]) -> tuple[float, float, float]:
    """Return B³ precision, recall and F1 of a clustering against gold labels."""
    by_pred: dict[Any, set[int]] = defaultdict(set)
    by_gold: dict[Any, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    precision = recall = 0.0
    for p, g in zip(pred, gold, strict=True):
        shared = len(by_pred[p] & by_gold[g])
        precision += shared / len(by_pred[p])
        recall += shared / len(by_gold[g])
    precision /= len(pred)
    recall /= len(pred)
    return precision, recall, 2 * precision * recall / (precision + recall)


def cross_merge_share(pred: list[Any], docs: list[Doc]) -> float:
    """Share of documents whose cluster also holds the other event of their topic."""
    labels: dict[Any, set[str]] = defaultdict(set)
    for p, doc in zip(pred, docs, strict=True):
        labels[p].add(doc.label)
    merged = 0
    for p, doc in zip(pred, docs, strict=True):
        topic = doc.label.split("_")[0]
        merged += any(lab != doc.label and lab.split("_")[0] == topic for lab in labels[p])
    return merged / len(docs)


# --- baseline ---------------------------------------------------------------------------------

_WORDS = re.compile(r"[^\W_]{2,}")


def tfidf_single_link(docs: list[Doc], threshold: float, window_days: int | None) -> list[int]:
    """Plain TF-IDF (lower-cased words, corpus IDF) cosine single-link, within a day window."""
    counts = [Counter(_WORDS.findall(f"{d.title or ''} {d.text}".lower())) for d in docs]
    df = Counter(word for c in counts for word in c)
    n = len(docs)
    vectors = []
    for c in counts:
        v = {w: (1 + math.log(k)) * math.log(n / df[w]) for w, k in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({w: x / norm for w, x in v.items()})
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    days = [d.published.date().toordinal() if d.published else 0 for d in docs]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(vectors):
        dots: Counter[int] = Counter()
        for w, x in v.items():
            for j in postings[w]:
                if window_days is None or days[i] - days[j] <= window_days:
                    dots[j] += x * vectors[j][w]
        for j, s in dots.items():
            if s >= threshold:
                parent[find(i)] = find(j)
        for w in v:
            postings[w].append(i)
    return [find(i) for i in range(n)]


def best_baseline(docs: list[Doc], window_days: int | None) -> dict[str, Any]:
    gold = [d.label for d in docs]
    best: dict[str, Any] = {}
    for threshold in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7):
        pred = tfidf_single_link(docs, threshold, window_days)
        p, r, f = b_cubed(pred, gold)
        row = {"threshold": threshold, "precision": p, "recall": r, "f1": f}
        if any(d.group for d in docs):
            row["cross_merge_share"] = cross_merge_share(pred, docs)
        if not best or f > best["f1"]:
            best = row
    return best


# --- running newsmon ----------------------------------------------------------------------------


def cluster_direct(
    docs: list[Doc], settings: StoriesSettings, db_path: Path
) -> tuple[list[int], float]:
    """Feed each document through assign_version in its own transaction; return story ids."""
    db = store.open_db(db_path)
    stories = []
    started = time.perf_counter()
    try:
        for index, doc in enumerate(docs, 1):
            seen = doc.published or UNDATED
            with store.write_transaction(db):
                db.execute(
                    "INSERT INTO articles (id, url, source_id, first_seen, published, status) "
                    "VALUES (?, ?, ?, ?, ?, 'imported')",
                    [index, doc.url, doc.source, iso(seen), iso(doc.published)],
                )
                db.execute(
                    "INSERT INTO versions (id, article_id, seq, fetched_at, url, title, text, "
                    "fingerprint) VALUES (?, ?, 1, ?, ?, ?, ?, '')",
                    [index, index, iso(seen), doc.url, doc.title, doc.text],
                )
                result = assign_version(
                    StoryStore(db),
                    ArticleInput(
                        article_id=index,
                        version_id=index,
                        source_id=doc.source,
                        url=doc.url,
                        title=doc.title,
                        text=doc.text,
                        lang=doc.lang,
                        published=doc.published,
                        seen_at=seen,
                    ),
                    settings=settings,
                    now=seen,
                )
            stories.append(result.story_id)
        elapsed = time.perf_counter() - started
        # Merges move earlier articles: read the final membership back.
        final = story_memberships(db)
    finally:
        db.close()
    return [final.get(i, s) for i, s in enumerate(stories, 1)], elapsed


def cluster_via_cli(docs: list[Doc], db_path: Path, workdir: Path) -> tuple[list[int], float]:
    """Import the documents with `newsmon backfill --jsonl`; read story ids back by URL."""
    jsonl = workdir / "corpus.jsonl"
    with jsonl.open("w", encoding="utf-8") as handle:
        for doc in docs:
            record = {
                "url": doc.url,
                "title": doc.title,
                "text": doc.text,
                "published": iso(doc.published),
                "source": doc.source,
                "lang": doc.lang,
            }
            handle.write(json.dumps(record) + "\n")
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "newsmon.cli",
            "--db",
            str(db_path),
            "backfill",
            "--jsonl",
            str(jsonl),
        ],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - started
    db = store.open_db(db_path)
    try:
        by_url = dict(
            db.execute(
                "SELECT a.url, sa.story_id FROM story_articles sa "
                "JOIN articles a ON a.id = sa.article_id"
            ).fetchall()
        )
    finally:
        db.close()
    missing = sum(1 for d in docs if d.url not in by_url)
    if missing:
        print(f"warning: {missing} documents were not clustered by the CLI import", file=sys.stderr)
    return [by_url.get(d.url, -i) for i, d in enumerate(docs, 1)], elapsed


def evaluate(
    name: str,
    docs: list[Doc],
    settings: StoriesSettings,
    via_cli: bool,
    window: int | None,
    baseline: bool = True,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="newsmon-eval-") as tmp:
        db_path = Path(tmp) / "eval.db"
        if via_cli:
            pred, elapsed = cluster_via_cli(docs, db_path, Path(tmp))
        else:
            pred, elapsed = cluster_direct(docs, settings, db_path)
    gold = [d.label for d in docs]
    p, r, f = b_cubed(pred, gold)
    result: dict[str, Any] = {
        "corpus": name,
        "documents": len(docs),
        "gold_stories": len(set(gold)),
        "stories": len(set(pred)),
        "precision": p,
        "recall": r,
        "f1": f,
        "ms_per_article": 1000 * elapsed / len(docs),
        "singletons_f1": b_cubed(list(range(len(docs))), gold)[2],
    }
    if any(d.group for d in docs):
        result["cross_merge_share"] = cross_merge_share(pred, docs)
    if baseline:
        result["baseline_tfidf_single_link"] = best_baseline(docs, window)
    return result


def article_similarities(
    db_path: Path, docs: list[Doc], pairs: list[Pair], settings: StoriesSettings
) -> dict[str, float]:
    """Return, per pair whose texts are both stored, the similarity of their two articles."""
    db = store.open_db(db_path)
    try:
        ids = dict(db.execute("SELECT url, id FROM articles").fetchall())
        stored = {m.article_id: m for m in members(db, list(ids.values()))}
    finally:
        db.close()
    member = {d.key: stored.get(ids.get(d.url, -1)) for d in docs}
    weights = score_weights(settings)
    out = {}
    for pair in pairs:
        first, second = member.get(pair.first), member.get(pair.second)
        if first is not None and second is not None:
            out[pair.pair_id] = similarity(member_profile(first), member_profile(second), weights)
    return out


def evaluate_semeval(
    docs: list[Doc], pairs: list[Pair], settings: StoriesSettings, via_cli: bool, seed: int
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="newsmon-eval-") as tmp:
        db_path = Path(tmp) / "eval.db"
        if via_cli:
            pred, elapsed = cluster_via_cli(docs, db_path, Path(tmp))
        else:
            pred, elapsed = cluster_direct(docs, settings, db_path)
        similarities = article_similarities(db_path, docs, pairs, settings)
    story_of = {d.key: p for d, p in zip(docs, pred, strict=True)}
    result: dict[str, Any] = {
        "corpus": f"semeval s{seed}",
        "seed": seed,
        "documents": len(docs),
        "ms_per_article": 1000 * elapsed / len(docs),
    }
    for name, chosen in (
        ("all", pairs),
        ("A", [p for p in pairs if p.half == "A"]),
        ("B", [p for p in pairs if p.half == "B"]),
    ):
        scored = pair_scores(chosen, story_of)
        scored["cross"] = pair_scores([p for p in chosen if p.cross], story_of)
        with_sim = [p for p in chosen if p.pair_id in similarities]
        # Overall runs from 1 (very similar) to 4: flipped, a good similarity correlates > 0.
        scored["pearson_decided"] = pearson(
            [similarities[p.pair_id] for p in with_sim], [-p.overall for p in with_sim]
        )
        result[name] = scored
    result["pairs"] = {
        p.pair_id: [similarities.get(p.pair_id), story_of[p.first] == story_of[p.second]]
        for p in pairs
        if p.same is not None
    }
    result["errors"] = [
        {
            "pair": p.pair_id,
            "half": p.half,
            "cross": p.cross,
            "overall": p.overall,
            "same": p.same,
            "together": story_of[p.first] == story_of[p.second],
            "similarity": similarities.get(p.pair_id),
        }
        for p in pairs
        if p.same is not None and (story_of[p.first] == story_of[p.second]) != p.same
    ]
    return result


def _semeval_line(result: dict[str, Any]) -> str:
    parts = [f"{result['corpus']:>10}:"]
    for name in ("all", "A", "B"):
        r = result[name]
        c = r["cross"]
        parts.append(
            f"[{name}] P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f}"
            f" x-lang P={c['precision']:.3f} R={c['recall']:.3f} F1={c['f1']:.3f}"
            f" r={r['pearson_decided']:.3f}"
        )
    return " ".join(parts) + f" | {result['ms_per_article']:.1f} ms/article"


def _settings(pairs: list[str]) -> StoriesSettings:
    settings = StoriesSettings()
    fields = {f.name: f for f in dataclasses.fields(StoriesSettings)}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in fields:
            raise SystemExit(f"unknown setting {key!r} (known: {', '.join(fields)})")
        current = getattr(settings, key)
        setattr(settings, key, type(current)(value))
    return settings


def _line(result: dict[str, Any]) -> str:
    base = result.get("baseline_tfidf_single_link")
    text = (
        f"{result['corpus']:>10}: B3 P={result['precision']:.3f} R={result['recall']:.3f} "
        f"F1={result['f1']:.3f}"
    )
    if "cross_merge_share" in result:
        text += f" cross-subtopic={result['cross_merge_share']:.3f}"
    text += f" | singletons F1={result['singletons_f1']:.3f}"
    if base:
        text += f" | TF-IDF single-link (t={base['threshold']}) F1={base['f1']:.3f}"
        if "cross_merge_share" in base:
            text += f" cross={base['cross_merge_share']:.3f}"
    return text + f" | {result['ms_per_article']:.1f} ms/article"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", choices=["gva", "ecb", "semeval", "all"], default="all")
    parser.add_argument("--seeds", default="0", help="ECB+ document orders, e.g. 0,1,2")
    parser.add_argument("--semeval-seeds", default="0", help="SemEval import orders, e.g. 0,1")
    parser.add_argument("--limit", type=int, help="first N documents only (smoke runs)")
    parser.add_argument(
        "--via-cli", action="store_true", help="import with `newsmon backfill --jsonl`"
    )
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="a StoriesSettings field"
    )
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument(
        "--no-baselines", action="store_true", help="skip the TF-IDF single-link baselines"
    )
    args = parser.parse_args()
    settings = _settings(args.set)
    if not CORPORA.exists():
        print(f"corpora not found at {CORPORA}; nothing to evaluate")
        return 0
    print(f"settings: {dataclasses.asdict(settings)}")
    results = []
    if args.corpus in ("gva", "all"):
        results.append(
            evaluate(
                "gva-dev", load_gva(args.limit), settings, args.via_cli, 14, not args.no_baselines
            )
        )
        print(_line(results[-1]), flush=True)
    if args.corpus in ("ecb", "all"):
        for seed in [int(s) for s in args.seeds.split(",")]:
            result = evaluate(
                f"ecb+ s{seed}",
                load_ecb(seed, args.limit),
                settings,
                args.via_cli,
                None,
                not args.no_baselines,
            )
            result["seed"] = seed
            results.append(result)
            print(_line(result), flush=True)
    if args.corpus in ("semeval", "all"):
        for seed in [int(s) for s in args.semeval_seeds.split(",")]:
            docs, pairs = load_semeval(seed, args.limit)
            results.append(evaluate_semeval(docs, pairs, settings, args.via_cli, seed))
            print(_semeval_line(results[-1]), flush=True)
    if args.json:
        args.json.write_text(
            json.dumps({"settings": dataclasses.asdict(settings), "results": results}, indent=2)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
