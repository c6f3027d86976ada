"""Near-duplicate (wire copy) precision and recall on copies made from real articles.

Originals are real news texts from ../shared/corpora (Gun Violence Archive dev articles and
ECB+ texts; never copied into the repository). Each original gets one republished copy with
realistic edits, drawn at random per copy:

  * a different headline (the outlet's own) and different furniture (bylines, "Advertisement",
    "Share this article", newsletter prompts) above and below the text;
  * "Read also: <another headline>" links inserted between paragraphs;
  * trims: the last paragraphs dropped, sometimes down to the first paragraphs only;
  * 1-5 % word edits (replacements, deletions, insertions, typos).

Hard negatives are different articles on the same event: other articles about the same GVA
incident or the same ECB+ event whose text is not itself a copy (exact 8-gram containment below
20 %, so the corpus's own syndicated copies are left out). Every text goes through
``assign_version`` (the pipeline's path: furniture learning, fingerprint, LSH lookup,
containment check, wire groups) in one temporary store; an article is "matched" to the members
of its wire group. Precision and recall are over (query, original) pairs.

    python bench/eval_neardup.py [--originals 800] [--seed 0] [--set near_duplicate_containment=0.5]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsmon import store  # noqa: E402
from newsmon.core.settings import StoriesSettings  # noqa: E402
from newsmon.core.story_records import ArticleInput  # noqa: E402
from newsmon.store.stories import StoryStore  # noqa: E402
from newsmon.store.wire import wire_group_members  # noqa: E402
from newsmon.stories.join import assign_version  # noqa: E402

# ../shared/corpora beside the checkout (a git worktree may sit one level further down).
CORPORA = next(
    (d / "shared" / "corpora" for d in ROOT.parents if (d / "shared" / "corpora").is_dir()),
    ROOT.parent / "shared" / "corpora",
)
GVA = CORPORA / "casualty_gva_longtail_dev" / "documents.jsonl"
ECB = CORPORA / "samestory_ecbplus" / "documents.jsonl"
T0 = datetime(2024, 1, 1, tzinfo=UTC)

FURNITURE_TOP = [
    "Advertisement",
    "By Staff Writer",
    "Share this article",
    "Photo: handout",
    "Published {h}:{m:02d} GMT",
    "Listen to this article",
    "Most read",
]
FURNITURE_BOTTOM = [
    "Sign up for our daily newsletter",
    "Comments are closed for this article.",
    "Copyright {y} Daily Courier. All rights reserved.",
    "Follow us on social media",
    "Advertisement",
    "Report an error",
]
SWAPS = ["the", "a", "said", "police", "on", "in", "and", "that", "officials", "local", "its"]
_WORD = re.compile(r"\w+")


@dataclasses.dataclass
class Text:
    key: str
    event: str
    title: str
    paragraphs: list[str]

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def _clean_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if len(p.split()) >= 8]


def load_texts() -> list[Text]:
    texts = []
    with GVA.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            paragraphs = _clean_paragraphs(record.get("content") or "")
            if sum(len(p.split()) for p in paragraphs) >= 120 and len(paragraphs) >= 3:
                texts.append(
                    Text(
                        record["doc_id"],
                        f"gva-{record['incident_id']}",
                        record["title"] or "",
                        paragraphs,
                    )
                )
    with ECB.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            sentences = (
                record["sentences"][2:]
                if record.get("source_url_sentence0")
                else record["sentences"]
            )
            # ECB+ keeps one sentence a line; two sentences make a paragraph.
            paragraphs = [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]
            paragraphs = [p for p in paragraphs if len(p.split()) >= 8]
            if sum(len(p.split()) for p in paragraphs) >= 120 and len(paragraphs) >= 3:
                texts.append(Text(record["doc_id"], f"ecb-{record['subtopic']}", "", paragraphs))
    # The corpora hold some syndicated copies of their own (the same page under two GVA
    # incidents, one agency text on several sites): keep one text of each.
    kept: list[Text] = []
    by_event: dict[str, list[Text]] = defaultdict(list)
    keys: set[str] = set()
    for text in texts:
        if text.key in keys:
            continue  # GVA lists a few pages under two incidents
        keys.add(text.key)
        if all(true_containment(text.body, other.body) < 0.3 for other in by_event[text.event]):
            by_event[text.event].append(text)
            kept.append(text)
    return kept


def shingles(text: str, size: int = 8) -> set[int]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {hash(tuple(words[i : i + size])) for i in range(max(1, len(words) - size + 1))}


def true_containment(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / max(1, min(len(sa), len(sb)))


def edit_words(paragraph: str, rate: float, rng: random.Random) -> str:
    words = paragraph.split(" ")
    out = []
    for word in words:
        roll = rng.random()
        if roll < rate / 4:
            continue  # deleted
        if roll < rate / 2:
            out.append(rng.choice(SWAPS))  # replaced
        elif roll < 3 * rate / 4 and len(word) > 3:
            i = rng.randrange(len(word) - 1)
            out.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])  # typo
        elif roll < rate:
            out.extend([word, rng.choice(SWAPS)])  # inserted
        else:
            out.append(word)
    return " ".join(out)


def make_copy(
    original: Text, headlines: list[str], rng: random.Random
) -> tuple[str, str, dict[str, Any]]:
    """Return (title, text, what was done) for a republished copy of ``original``."""
    paragraphs = list(original.paragraphs)
    roll = rng.random()
    if roll < 0.35:
        keep = len(paragraphs)
    elif roll < 0.65:
        keep = max(1, len(paragraphs) - rng.randint(1, max(1, len(paragraphs) // 3)))
    elif roll < 0.85:
        keep = max(2, (len(paragraphs) + 1) // 2)
    else:
        keep = min(len(paragraphs), 3)  # the first paragraphs only
    paragraphs = paragraphs[:keep]
    rate = rng.uniform(0.01, 0.05)
    paragraphs = [edit_words(p, rate, rng) for p in paragraphs]
    links = 0
    for _ in range(rng.randint(0, 2)):
        at = rng.randint(1, max(1, len(paragraphs)))
        paragraphs.insert(at, f"Read also: {rng.choice(headlines)}")
        links += 1
    top = [
        line.format(h=rng.randint(0, 23), m=rng.randint(0, 59), y=2024)
        for line in rng.sample(FURNITURE_TOP, rng.randint(0, 3))
    ]
    bottom = [line.format(y=2024) for line in rng.sample(FURNITURE_BOTTOM, rng.randint(0, 3))]
    title = f"{rng.choice(['UPDATE: ', '', 'WATCH: ', ''])}{rng.choice(headlines)}"
    info = {"kept": keep, "of": len(original.paragraphs), "edit_rate": rate, "read_also": links}
    return title, "\n\n".join([*top, *paragraphs, *bottom]), info


def run(originals: int, seed: int, settings: StoriesSettings) -> dict[str, Any]:
    rng = random.Random(seed)
    texts = load_texts()
    by_event: dict[str, list[Text]] = defaultdict(list)
    for text in texts:
        by_event[text.event].append(text)
    rng.shuffle(texts)
    chosen = texts[:originals]
    chosen_keys = {t.key for t in chosen}
    headlines = [t.title for t in texts if t.title] or ["A headline"]
    negatives: list[tuple[Text, Text]] = []
    for original in chosen:
        for other in by_event[original.event]:
            if other.key not in chosen_keys and true_containment(original.body, other.body) < 0.2:
                negatives.append((other, original))
                break
    queries: list[tuple[str, str, str, str | None]] = []  # (key, title, text, original key)
    details = []
    for original in chosen:
        title, body, info = make_copy(original, headlines, rng)
        queries.append((f"copy-{original.key}", title, body, original.key))
        details.append(info)
    queries += [(f"neg-{n.key}", n.title, n.body, None) for n, _ in negatives]
    rng.shuffle(queries)

    ids: dict[str, int] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newsmon-neardup-") as tmp:
        db = store.open_db(Path(tmp) / "neardup.db")
        stream = [(t.key, t.title, t.body, None) for t in chosen] + queries
        predicted: set[tuple[str, str]] = set()
        for index, (key, title, body, _) in enumerate(stream, 1):
            ids[key] = index
            source = f"outlet{index % 50}"
            with store.write_transaction(db):
                moment = T0 + timedelta(minutes=index)
                result = assign_version(
                    StoryStore(db),
                    ArticleInput(
                        article_id=index,
                        version_id=index,
                        source_id=source,
                        url=f"https://{source}.example/{index}",
                        title=title,
                        text=body,
                        lang=None,
                        published=moment,
                        seen_at=moment,
                    ),
                    settings=settings,
                    now=moment,
                )
                if result.wire_group_id is not None:
                    members = wire_group_members(db, result.wire_group_id)
                    for member in members:
                        if member != index:
                            predicted.add((key, stream[member - 1][0]))
        db.close()
    elapsed = time.perf_counter() - started
    originals_keys = {t.key for t in chosen}
    truth = {(q, original) for q, _, _, original in queries if original is not None}
    # Only pairs of a query with an original are judged (two copies of one original never occur).
    judged = {
        (q, m) for q, m in predicted if m in originals_keys and q.startswith(("copy-", "neg-"))
    }
    hits = judged & truth
    false_pairs = sorted(judged - truth)
    precision = len(hits) / len(judged) if judged else 1.0
    recall = len(hits) / len(truth)
    missed = [q for q, o in sorted(truth) if (q, o) not in hits]
    detail_by_key = {f"copy-{t.key}": d for t, d in zip(chosen, details, strict=True)}
    return {
        "originals": len(chosen),
        "copies": len(truth),
        "hard_negatives": len(negatives),
        "predicted_pairs": len(judged),
        "true_positives": len(hits),
        "false_positives": len(false_pairs),
        "precision": precision,
        "recall": recall,
        "false_positive_examples": false_pairs[:5],
        "missed_examples": [{"copy": q, **detail_by_key.get(q, {})} for q in missed[:5]],
        "ms_per_article": 1000 * elapsed / (len(chosen) + len(queries)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--originals", type=int, default=800)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not CORPORA.exists():
        print(f"corpora not found at {CORPORA}; nothing to evaluate")
        return 0
    settings = StoriesSettings()
    for pair in args.set:
        key, _, value = pair.partition("=")
        setattr(settings, key, type(getattr(settings, key))(value))
    result = run(args.originals, args.seed, settings)
    print(
        f"near-duplicates: precision {result['precision']:.3f} recall {result['recall']:.3f} "
        f"({result['true_positives']}/{result['copies']} copies found, "
        f"{result['false_positives']} false pairs; {result['hard_negatives']} hard negatives; "
        f"containment >= {settings.near_duplicate_containment}; "
        f"{result['ms_per_article']:.1f} ms/article)"
    )
    if result["false_positive_examples"]:
        print("  false pairs:", result["false_positive_examples"])
    if result["missed_examples"]:
        print("  missed:", result["missed_examples"])
    if args.json:
        args.json.write_text(
            json.dumps({"settings": dataclasses.asdict(settings), **result}, indent=2)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
