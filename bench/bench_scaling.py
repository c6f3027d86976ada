"""Per-article cost of near-duplicate detection and story assignment as the store grows.

The store is filled with synthetic articles to 10k, 100k and 1M (by default), as a deployment
would after days, months and years at a steady 500 articles a day: their near-duplicate index
rows (fingerprint, sample, 28 LSH band keys), story memberships (vectors, 20 postings each),
stories (profiles), document and line frequencies, all in the formats ``assign_version``
writes, bulk-inserted for speed. Feature ids come from one synthetic vocabulary (Zipf-distributed
words, per-story names and figures), so postings have realistic lengths.

At each size a fresh process then runs the pipeline's own code on new articles written as text
from the same vocabulary — half about stories still in the active window, half new events,
one in five a republished copy of another — each in its own BEGIN IMMEDIATE transaction, and
reports microseconds per article for near-duplicate insert+query (fingerprint, LSH lookup,
verification, index write, wire group) and for story assignment (the rest of
``assign_version``), with the ratio across sizes, the peak RSS of that process and the size of
the database file.

    python bench/bench_scaling.py                       # 10k, 100k, 1M (a few minutes)
    python bench/bench_scaling.py --levels 10000,100000 --measure 300
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsmon import store  # noqa: E402
from newsmon.core.clock import iso  # noqa: E402
from newsmon.core.settings import StoriesSettings  # noqa: E402
from newsmon.core.story_records import ArticleInput  # noqa: E402
from newsmon.store.stories import StoryStore  # noqa: E402
from newsmon.stories import join  # noqa: E402
from newsmon.stories.minhash import band_keys  # noqa: E402
from newsmon.stories.vectors import (  # noqa: E402
    FULL_TERMS,
    LEAD_TERMS,
    PROFILE_TERMS,
    feature_id,
    pack,
    posted,
)

PER_DAY = 500
DAY0 = date(2020, 1, 1).toordinal()
SYLLABLES = [
    "ka", "lo", "mi", "ter", "ven", "sul", "dor", "ba", "ri", "nat", "pel", "gus", "tam", "ho",
    "fer", "lin", "cos", "var", "de", "mon", "tir", "el", "sa", "quo", "ran", "bel", "zu", "ost",
]  # fmt: skip
WORDS = 60_000
NAMES = 40_000
_ZIPF = 1.0 / np.arange(1, WORDS + 1) ** 1.05
_ZIPF /= _ZIPF.sum()


def _word(i: int) -> str:
    parts = []
    i += len(SYLLABLES)  # at least two syllables
    while i:
        i, r = divmod(i, len(SYLLABLES))
        parts.append(SYLLABLES[r])
    return "".join(parts)


class Vocabulary:
    """Words and names as strings (for texts) and as feature ids (for bulk rows)."""

    def __init__(self) -> None:
        self.words = [_word(i) + "er" for i in range(WORDS)]
        self.names = [_word(i).capitalize() + "ov" for i in range(NAMES)]
        self.word_ids = np.array([feature_id("w:" + w) for w in self.words], dtype=np.uint32)
        self.name_ids = np.array(
            [feature_id("e:" + n.lower()) for n in self.names], dtype=np.uint32
        )

    def number_id(self, value: int) -> int:
        return feature_id(f"n:{value}")


def story_facts(story: int) -> tuple[list[int], list[int]]:
    """Return the name indexes and numbers a story's articles share (fixed per story)."""
    rng = random.Random(story * 7919)
    return [rng.randrange(NAMES) for _ in range(6)], [rng.randrange(2, 5000) for _ in range(3)]


# --- filling ------------------------------------------------------------------------------------


def fill(path: Path, start: int, stop: int, vocab: Vocabulary, seed: int) -> None:
    """Bulk-insert synthetic articles start+1..stop (ids) in the formats assign_version writes."""
    rng = np.random.default_rng(seed + start)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -800000")
    chunk = 20_000
    for first in range(start, stop, chunk):
        last = min(stop, first + chunk)
        _fill_chunk(conn, first, last, vocab, rng)
        print(f"  filled {last:,}", file=sys.stderr, flush=True)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _story_of(article: int) -> int:
    # About three articles a story: consecutive articles share stories in runs.
    return article // 3


def _fill_chunk(
    conn: sqlite3.Connection, first: int, last: int, vocab: Vocabulary, rng: Any
) -> None:
    n = last - first
    ids = np.arange(first + 1, last + 1)
    days = DAY0 + (ids - 1) // PER_DAY
    words = rng.choice(WORDS, size=(n, 90), p=_ZIPF)
    extra_names = rng.integers(0, NAMES, size=(n, 2))
    samples = rng.integers(0, 2**32, size=(n, 300), dtype=np.uint64).astype(np.uint32)
    samples.sort(axis=1)
    signatures = rng.integers(0, 2**32, size=(n, 100), dtype=np.uint64).astype(np.uint32)
    df_ids: list[np.ndarray] = []
    dedupe_rows, band_rows, member_rows, posting_rows, story_rows, line_rows = (
        [],
        [],
        [],
        [],
        [],
        [],
    )
    for i in range(n):
        article = int(ids[i])
        day = int(days[i])
        story = _story_of(article)
        names, numbers = story_facts(story)
        weights: dict[int, float] = {}
        for rank in words[i]:
            fid = int(vocab.word_ids[rank])
            weights[fid] = weights.get(fid, 0.0) + 0.3 + math.log1p(rank) / 4
        for index in [*names, *extra_names[i]]:
            weights[int(vocab.name_ids[index])] = 6.0
        for value in numbers:
            weights[vocab.number_id(value)] = 5.0
        top = sorted(weights.items(), key=lambda kv: -kv[1])[:FULL_TERMS]
        norm = math.sqrt(sum(v * v for _, v in top))
        vector = {k: v / norm for k, v in top}
        lead = dict(top[:LEAD_TERMS])
        df_ids.append(np.fromiter(weights.keys(), dtype=np.uint32, count=len(weights)))
        event = datetime.fromordinal(day).replace(tzinfo=UTC) + timedelta(seconds=article % 86_400)
        event_s = iso(event)
        dedupe_rows.append(
            (article, article, f"src{article % 300}", int(rng.integers(0, 2**62)), 300, 1,
             samples[i].tobytes(), signatures[i].tobytes(), event_s, event_s)
        )  # fmt: skip
        band_rows.extend((key, article) for key in band_keys(signatures[i]))
        member_rows.append(
            (article, story, article, f"src{article % 300}", "joined", 1.2, 1, event_s, day,
             event_s, f"Synthetic {article}", pack(vector), pack(lead), "[]")
        )  # fmt: skip
        posting_rows.extend((f, day, article) for f in posted(vector, 20))
        line_rows.extend((int(k),) for k in rng.integers(0, 2**62, size=5))
        if article == story * 3 or article == first + 1:
            profile = {k: v * 3 for k, v in list(vector.items())[:PROFILE_TERMS]}
            story_rows.append(
                (story, f"Synthetic story {story}", "[]", event_s, event_s, day, day + 1, 3, 3,
                 pack(profile, "<f4"), pack(lead, "<f4"), 3, event_s, event_s)
            )  # fmt: skip
    band_rows.sort()
    posting_rows.sort()
    feature, counts = np.unique(np.concatenate(df_ids), return_counts=True)
    with conn:
        conn.executemany(
            """INSERT INTO dedupe_docs (article_id, version_id, source_id, exact_hash, shingles,
                   sample_level, sample, signature, event_at, indexed_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            dedupe_rows,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO lsh_bands (key, article_id) VALUES (?, ?)", band_rows
        )
        conn.executemany(
            """INSERT INTO story_articles (article_id, story_id, version_id, source_id, joined,
                   score, in_profile, event_at, day, assigned_at, title, vector, lead_vector, terms)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            member_rows,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO story_postings (feature, day, article_id) VALUES (?, ?, ?)",
            posting_rows,
        )
        conn.executemany(
            """INSERT OR IGNORE INTO stories (id, title, key_terms, first_seen, last_seen,
                   first_day, last_day, articles, outlets, profile, lead_profile, profile_docs,
                   created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            story_rows,
        )
        conn.executemany(
            "INSERT INTO term_df (feature, df) VALUES (?, ?) "
            "ON CONFLICT(feature) DO UPDATE SET df = df + excluded.df",
            [(int(f), int(c)) for f, c in zip(feature, counts, strict=True)],
        )
        conn.executemany("INSERT OR IGNORE INTO line_df (line, df) VALUES (?, 1)", line_rows)
        conn.execute(
            "INSERT INTO story_meta (key, value) VALUES ('documents', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
            [n],
        )


# --- measuring -----------------------------------------------------------------------------------


def synthetic_text(rng: random.Random, vocab: Vocabulary, story: int) -> tuple[str, str]:
    names, numbers = story_facts(story)
    people = [vocab.names[i] for i in names]
    paragraphs = []
    for p in range(6):
        sentences = []
        for _ in range(3):
            picks = [
                vocab.words[int(w)]
                for w in np.random.default_rng(rng.randrange(2**32)).choice(WORDS, size=11, p=_ZIPF)
            ]
            name = rng.choice(people)
            number = rng.choice(numbers)
            sentences.append(
                f"The {picks[0]} {picks[1]} of {name} {picks[2]} {number} {' '.join(picks[3:])}."
            )
        paragraphs.append(" ".join(sentences))
        if p == 2:
            paragraphs.append("Advertisement")
    title = f"{people[0]} {vocab.words[rng.randrange(200)]} {numbers[0]} {people[1]}"
    return title, "\n\n".join(paragraphs)


def _reset_peak_rss() -> None:
    # Linux: "5" resets the peak RSS (VmHWM), so setup work before the timed run does not count.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_rss_kib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def measure(path: Path, stored: int, count: int, seed: int) -> dict[str, Any]:
    """Run assign_version on ``count`` new articles against the store at ``path``; time it."""
    vocab = Vocabulary()
    rng = random.Random(seed)
    spent = {"dedupe": 0.0}

    def timed(function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent["dedupe"] += time.perf_counter() - started

        return wrapper

    # The near-duplicate steps as assign_version calls them (names imported into join).
    for name in (
        "fingerprint_text",
        "find_near_duplicates",
        "index_article",
        "detect_credit",
    ):
        setattr(join, name, timed(getattr(join, name)))
    StoryStore.link_wire_copy = timed(StoryStore.link_wire_copy)  # type: ignore[method-assign]
    _reset_peak_rss()
    db = store.open_db(path)
    day = DAY0 + stored // PER_DAY
    recent = [_story_of(a) for a in range(max(1, stored - 14 * PER_DAY), stored + 1)]
    texts: list[tuple[str, str]] = []
    total = 0.0
    outcomes: dict[str, int] = {}
    settings = StoriesSettings()
    for index in range(count):
        roll = rng.random()
        if roll < 0.2 and texts:
            title, text = rng.choice(texts)
            text = text.replace(" the ", " a ", 2)  # a republished copy, lightly edited
        elif roll < 0.6:
            title, text = synthetic_text(rng, vocab, rng.choice(recent))
        else:
            title, text = synthetic_text(rng, vocab, 10_000_000 + seed * 100_000 + index)
        texts.append((title, text))
        article_id = 50_000_000 + seed * 100_000 + index
        moment = datetime.fromordinal(day).replace(tzinfo=UTC) + timedelta(seconds=20 * index)
        started = time.perf_counter()
        with store.write_transaction(db):
            result = join.assign_version(
                StoryStore(db),
                ArticleInput(
                    article_id=article_id,
                    version_id=article_id,
                    source_id=f"src{index % 40}",
                    url=f"https://src{index % 40}.example/{article_id}",
                    title=title,
                    text=text,
                    lang="en",
                    published=moment,
                    seen_at=moment,
                ),
                settings=settings,
                now=moment,
            )
        total += time.perf_counter() - started
        outcomes[result.joined] = outcomes.get(result.joined, 0) + 1
    db.close()
    return {
        "stored": stored,
        "measured": count,
        "near_duplicate_us": 1e6 * spent["dedupe"] / count,
        "story_assignment_us": 1e6 * (total - spent["dedupe"]) / count,
        "total_us": 1e6 * total / count,
        "outcomes": outcomes,
        "peak_rss_mib": _peak_rss_kib() / 1024,
        "db_mib": sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20,
    }


def _measure_in_process(
    script: Path, path: Path, level: int, seed: int, args: argparse.Namespace
) -> dict[str, Any]:
    """Time ``script``'s code in a fresh process (its RSS is the pipeline's, not the filler's)."""
    out = subprocess.run(
        [
            sys.executable,
            str(script),
            "--measure",
            str(args.measure),
            "--_measure-only",
            str(path),
            str(level),
            str(seed),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--levels", default="10000,100000,1000000")
    parser.add_argument("--measure", type=int, default=500, help="new articles timed per run")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size (fastest kept)")
    parser.add_argument("--dir", type=Path, help="where the store goes (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the store afterwards")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="CHECKOUT",
        help="also time another checkout's code on the same stores, runs interleaved",
    )
    parser.add_argument("--_measure-only", dest="measure_only", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        path, stored, seed = args.measure_only
        print(json.dumps(measure(Path(path), int(stored), args.measure, int(seed))))
        return 0
    levels = [int(x) for x in args.levels.split(",")]
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="newsmon-scaling-"))
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "scaling.db"
    store.open_db(path).close()  # the real schema, via the migrations
    vocab = Vocabulary()
    results = []
    filled = 0
    try:
        for seed, level in enumerate(levels):
            started = time.perf_counter()
            fill(path, filled, level, vocab, seed)
            filled = level
            fill_s = time.perf_counter() - started
            # The machine is shared, so each size is measured ``--repeat`` times and the
            # fastest run kept.
            runs: list[dict[str, Any]] = []
            baseline_runs: list[dict[str, Any]] = []
            # The baseline measures a copy of the same filled store (each code reads only the
            # rows it writes itself, besides the filled ones, and the next level's fill goes on
            # in ours); the two take turns going first.
            copy = path.with_name("baseline.db")
            if args.baseline:
                shutil.copyfile(path, copy)
            for repeat in range(args.repeat):
                turns = [(Path(__file__), path, runs)]
                if args.baseline:
                    turn = (args.baseline / "bench" / "bench_scaling.py", copy, baseline_runs)
                    turns = [*turns, turn] if repeat % 2 == 0 else [turn, *turns]
                for script, store_path, into in turns:
                    into.append(
                        _measure_in_process(script, store_path, level, seed * 10 + repeat, args)
                    )
            for leftover in path.parent.glob(copy.name + "*"):
                leftover.unlink()
            result = min(runs, key=lambda r: r["total_us"])
            result["runs_total_us"] = [round(r["total_us"]) for r in runs]
            result["fill_s"] = fill_s
            if baseline_runs:
                base = min(baseline_runs, key=lambda r: r["total_us"])
                result["baseline"] = base
                result["baseline_runs_total_us"] = [round(r["total_us"]) for r in baseline_runs]
                print(
                    f"{level:>9,} stored, baseline: total {base['total_us']:7.0f} µs/article "
                    f"(runs {result['baseline_runs_total_us']}; ours {result['runs_total_us']}; "
                    f"fastest ours/baseline {result['total_us'] / base['total_us']:.3f})",
                    flush=True,
                )
            results.append(result)
            print(
                f"{level:>9,} stored: near-dup {result['near_duplicate_us']:7.0f} µs  "
                f"story {result['story_assignment_us']:7.0f} µs  "
                f"total {result['total_us']:7.0f} µs/article  "
                f"peak RSS {result['peak_rss_mib']:.0f} MiB  db {result['db_mib']:.0f} MiB  "
                f"({result['outcomes']}; fill {fill_s:.0f} s)",
                flush=True,
            )
    finally:
        if not args.keep and not args.dir:
            shutil.rmtree(workdir, ignore_errors=True)
    for key in ("near_duplicate_us", "story_assignment_us", "total_us"):
        values = [r[key] for r in results]
        print(f"{key}: max/min ratio across sizes {max(values) / min(values):.2f}")
    if args.json:
        args.json.write_text(json.dumps({"per_day": PER_DAY, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
