"""The heavy part of a new version is computed before the write lock is taken."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import newsmon.pipeline.article as article_module
from newsmon import store
from newsmon.core.clock import SystemClock
from newsmon.pipeline import backfill

pytestmark = pytest.mark.timeout(120)

TEXT = " ".join(
    f"Sentence {n} of a long report says that {n * 7} people were moved from the city."
    for n in range(2_000)
)


def test_diffs_and_claims_are_computed_outside_the_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: diff_texts and extract_claims ran inside BEGIN IMMEDIATE, so an edited large
    # page held the write lock for minutes and other writers died with "database is locked".
    db = store.open_db(tmp_path / "n.db")
    seen: list[tuple[str, bool]] = []

    def watched(name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            seen.append((name, db.conn.in_transaction))
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(article_module, "diff_texts", watched("diff", article_module.diff_texts))
    monkeypatch.setattr(
        article_module.facts,
        "extract_claims",
        watched("claims", article_module.facts.extract_claims),
    )
    for version, text in enumerate([TEXT, TEXT.replace("moved", "evacuated", 300)]):
        dump = tmp_path / f"v{version}.jsonl"
        dump.write_text(json.dumps({"url": "https://wire.example/long", "text": text}) + "\n")
        totals = backfill.import_jsonl(db, [dump], clock=SystemClock())
        assert totals["new_version"] == 1
    assert ("diff", False) in seen and ("claims", False) in seen
    assert all(not locked for _, locked in seen), seen
    assert db.execute("SELECT count(*) FROM diffs").fetchone()[0] == 1
    db.close()
