"""Bytes and milliseconds per page of each zstd level on real pages: how the store chooses one.

Compresses the Scrapinghub corpus's 181 pages (../shared/corpora/extract_scrapinghub_aeb) at
each level, best of ``--repeat`` timings per level (one core, in this process), and prints
the stored kilobytes per page, the ratio, and compression and decompression milliseconds per
page, with each level's bytes and time relative to level 9 (the former choice).

    .venv/bin/python bench/page_compression.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import zstandard

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.aebsite import CORPUS, load_corpus

LEVELS = (1, 2, 3, 4, 6, 9, 12, 19)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"corpus not found at {CORPUS}; nothing to measure")
        return 0
    pages = list(load_corpus()[0].values())
    total = sum(map(len, pages))
    rows = {}
    for level in LEVELS:
        compressor = zstandard.ZstdCompressor(level=level)
        best = float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            blobs = [compressor.compress(page) for page in pages]
            best = min(best, time.perf_counter() - started)
        decompressor = zstandard.ZstdDecompressor()
        unpack = float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            for blob in blobs:
                decompressor.decompress(blob)
            unpack = min(unpack, time.perf_counter() - started)
        rows[level] = (sum(map(len, blobs)), best, unpack)
    print(f"{len(pages)} pages, {total / len(pages) / 1e3:.1f} kB each on average")
    print("level  kB/page  ratio  ms/page  unpack ms  bytes vs 9  time vs 9")
    size9, time9, _ = rows[9]
    for level, (size, spent, unpack) in rows.items():
        print(
            f"{level:5d} {size / len(pages) / 1e3:8.1f} {total / size:6.2f} "
            f"{1e3 * spent / len(pages):8.3f} {1e3 * unpack / len(pages):10.3f} "
            f"{size / size9:11.3f} {spent / time9:10.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
